//! The output files of `pocolab experiment`, `pocolab threats` and `pocolab sweep`: every one
//! written atomically (a temporary file beside it, synced, then renamed), so a crash or a full
//! disk never leaves a truncated file that looks complete.

use std::path::Path;

use anyhow::{Context, Result};

/// Writes `header` then `rows` as CSV to `path`.
pub fn write_csv<const N: usize>(
    path: &Path,
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> Result<()> {
    write_csv_with(path, |w| {
        w.write_record(header)?;
        for row in rows {
            w.write_record(row)?;
        }
        Ok(())
    })
}

/// Writes a CSV file through `fill`, atomically.
pub fn write_csv_with(
    path: &Path,
    fill: impl FnOnce(&mut csv::Writer<std::fs::File>) -> Result<()>,
) -> Result<()> {
    pocolab_report::write_atomically(path, |tmp| {
        let mut w =
            csv::Writer::from_path(tmp).with_context(|| format!("creating {}", tmp.display()))?;
        fill(&mut w)?;
        w.flush()
            .with_context(|| format!("writing {}", tmp.display()))?;
        Ok(())
    })
}

/// Writes `text` to `path`, atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    pocolab_report::write_atomically(path, |tmp| {
        std::fs::write(tmp, text).with_context(|| format!("writing {}", tmp.display()))
    })
}
