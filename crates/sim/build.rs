//! Records the git commit the simulator was built from (`POCOLAB_GIT_COMMIT`), so that every
//! output can name its code version (threats-and-mechanisms.md §5.2 item 9). Outside a git
//! checkout it is `unknown`; uncommitted changes to tracked files add `+dirty` (as of the last
//! time this script ran: it reruns when HEAD, the index or the refs change).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let o = Command::new("git").args(args).output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    println!(
        "cargo:rustc-env=POCOLAB_GIT_COMMIT={commit}{}",
        if dirty { "+dirty" } else { "" }
    );
    // (only paths that exist: a missing one would make cargo rerun this script every build)
    for p in [
        "../../.git/HEAD",
        "../../.git/index",
        "../../.git/refs",
        "../../.git/packed-refs",
    ] {
        if std::path::Path::new(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
