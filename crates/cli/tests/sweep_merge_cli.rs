//! `pocolab sweep merge` on incomplete or damaged shard sets: one clear error naming the missing
//! shards, the file and the row, never a panic and never a silently partial merge.

use std::path::Path;
use std::process::{Command, Output};

fn pocolab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pocolab"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn merge_names_missing_shards_and_damaged_files() {
    let dir = std::env::temp_dir().join(format!("pocolab-merge-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sc = dir.join("s.toml");
    std::fs::write(
        &sc,
        "name = \"tiny\"\nreplicates = 2\n[market]\ndeals = 3\nhonest_workers = 5\n",
    )
    .unwrap();
    let (sc, out) = (sc.to_str().unwrap(), dir.join("out"));
    let out = out.to_str().unwrap();
    let o = pocolab(&["sweep", "run", sc, "--shard", "0/2", "--out", out]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = pocolab(&["sweep", "merge", sc, "--out", out]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("missing shards: shard-1-of-2.csv"),
        "{}",
        stderr(&o)
    );
    assert!(
        !Path::new(out).join("runs.csv").exists(),
        "nothing is written"
    );

    std::fs::write(
        Path::new(out).join("shard-1-of-2.csv"),
        "config_hash,cell\n",
    )
    .unwrap();
    let o = pocolab(&["sweep", "merge", sc, "--out", out]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("shard-1-of-2.csv: the header has 2 columns"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");

    // a real shard whose replicate cell was edited: file and row are named
    let o = pocolab(&["sweep", "run", sc, "--shard", "1/2", "--out", out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = Path::new(out).join("shard-1-of-2.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "replicate").unwrap();
    let mut row: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    row[col] = "x".into();
    lines[1] = row.join(",");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = pocolab(&["sweep", "merge", sc, "--out", out]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("shard-1-of-2.csv row 2: replicate `x`"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sweep_beyond_the_run_limit_is_refused_before_it_starts() {
    let dir = std::env::temp_dir().join(format!("pocolab-sweep-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sc = dir.join("s.toml");
    std::fs::write(&sc, "name = \"huge\"\nreplicates = 18446744073709551615\n").unwrap();
    let o = pocolab(&["sweep", "plan", sc.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("replicates must be ≤ 1000000"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_shard_resumes_where_it_stopped_with_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("pocolab-resume-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sc = dir.join("s.toml");
    std::fs::write(
        &sc,
        "name = \"tiny\"\nreplicates = 4\n[market]\ndeals = 3\nhonest_workers = 5\n[sweep.params]\ntrust = [1, 3]\n",
    )
    .unwrap();
    let sc = sc.to_str().unwrap();
    let full = dir.join("full");
    let o = pocolab(&["sweep", "run", sc, "--out", full.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = std::fs::read_to_string(full.join("shard-0-of-1.csv")).unwrap();

    // what an interruption leaves: the journal with 3 runs and half of a 4th line
    let res = dir.join("res");
    std::fs::create_dir_all(&res).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    let journal = format!("{}\n{}", lines[..4].join("\n"), &lines[4][..20]);
    std::fs::write(res.join("shard-0-of-1.partial.csv"), journal).unwrap();
    let res = res.to_str().unwrap();
    let o = pocolab(&["sweep", "merge", sc, "--out", res]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("journal of an interrupted shard"),
        "{}",
        stderr(&o)
    );

    let o = pocolab(&["sweep", "run", sc, "--resume", "--out", res]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 runs kept, 5 to play"),
        "{}",
        stderr(&o)
    );
    let resumed = std::fs::read_to_string(Path::new(res).join("shard-0-of-1.csv")).unwrap();
    assert_eq!(
        resumed, whole,
        "a resumed shard is byte-identical to an uninterrupted one"
    );
    assert!(!Path::new(res).join("shard-0-of-1.partial.csv").exists());
    assert_eq!(
        std::fs::read(Path::new(res).join("runs.csv")).unwrap(),
        std::fs::read(full.join("runs.csv")).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
