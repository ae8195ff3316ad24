//! The `--csv` files of `pocolab experiment` and `pocolab threats`.

use std::path::Path;

use anyhow::{Context, Result};

/// Writes `header` then `rows` as CSV to `path`.
pub fn write_csv<const N: usize>(
    path: &Path,
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}
