//! The code version every output names (threats-and-mechanisms.md §5.2 item 9: outputs record
//! the code version): the git commit of the checkout the program was built from, with
//! `+dirty` when tracked files differ from that commit.
//!
//! It is read from git when first asked, at run time, and not stamped by a build script: a
//! build input that follows git's index or refs would make every `git status` or `git commit`
//! cost the next `cargo run` a rebuild. `cargo run` rebuilds whenever a source file changed,
//! so the checkout's state when the program runs is the state it was built from; a binary
//! started straight from `target/` after a checkout that changed sources, without a rebuild,
//! names the checked-out commit instead. A binary whose source folder is not the top of a git
//! checkout (copied elsewhere, built from a tarball, no git) names the version in
//! `POCOLAB_CODE_VERSION` at build time if that was set, else `unknown`.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The checkout this crate was compiled from.
const SOURCE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// `COMMIT` (12 hex digits) or `COMMIT+dirty`; `unknown` when neither git nor the build
/// environment can tell.
pub fn code_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        from_git(Path::new(SOURCE_DIR))
            .or_else(|| option_env!("POCOLAB_CODE_VERSION").map(str::to_string))
            .unwrap_or_else(|| "unknown".to_string())
    })
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    // `--no-optional-locks`: reading the version never rewrites the index
    let o = Command::new("git")
        .arg("--no-optional-locks")
        .arg("-C")
        .arg(dir)
        .args(args)
        // a git hook's environment must not point at another repository
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The commit of the checkout at `dir`, `+dirty` if a tracked file differs from it.
fn from_git(dir: &Path) -> Option<String> {
    // the checkout must be this workspace's own, not a repository a source tarball lies in
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let root = dir.join("../..");
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(&root).ok()? {
        return None;
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let status = git(dir, &["status", "--porcelain", "--untracked-files=no"])?;
    Some(if status.is_empty() {
        commit
    } else {
        format!("{commit}+dirty")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_commit_inside_the_checkout() {
        let v = code_version();
        // CI and developers build from a git checkout; a source tarball says `unknown`
        if git(Path::new(SOURCE_DIR), &["rev-parse", "HEAD"]).is_some() {
            let commit = v.strip_suffix("+dirty").unwrap_or(v);
            assert_eq!(commit.len(), 12, "{v}");
            assert!(commit.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
        } else {
            assert!(!v.is_empty());
        }
    }

    /// No crate may make git's files build inputs (`cargo:rerun-if-changed=.git/...`): every
    /// `git status` would then cost a rebuild (`scripts/check-no-rebuild.sh` shows it
    /// end to end).
    #[test]
    fn no_build_script_watches_git() {
        let crates = Path::new(SOURCE_DIR).parent().expect("crates/");
        for entry in std::fs::read_dir(crates).expect("crates/ is readable") {
            let script = entry.expect("entry").path().join("build.rs");
            if let Ok(text) = std::fs::read_to_string(&script) {
                assert!(!text.contains(".git"), "{} watches git", script.display());
            }
        }
    }

    #[test]
    fn outside_a_checkout_there_is_no_commit() {
        let top = std::env::temp_dir().join(format!("pocolab-version-{}", std::process::id()));
        let dir = top.join("crates/sim");
        std::fs::create_dir_all(&dir).unwrap();
        // a folder laid out like the workspace, but no checkout's top level
        assert_eq!(from_git(&dir), None);
        std::fs::remove_dir_all(&top).unwrap();
    }
}
