#!/usr/bin/env bash
# Shows that git operations are not build inputs: after a build, `git status` (which rewrites
# .git/index), a touched index and a touched HEAD leave every crate fresh, so the next
# `cargo build` compiles nothing. Exits non-zero, naming what was rebuilt, otherwise.
#
#   scripts/check-no-rebuild.sh [CARGO BUILD ARGS...]   (default: --release -p pocolab-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--release -p pocolab-cli)
cargo build --locked "${args[@]}" 2>&1 | tail -1
git status > /dev/null
touch .git/index .git/HEAD
git update-index --refresh > /dev/null || true
log=$(cargo build --locked -v "${args[@]}" 2>&1)
rebuilt=$(grep -E '^\s*(Compiling|Running `.*build-script)' <<< "$log" || true)
if [ -n "$rebuilt" ]; then
  echo "git operations triggered a rebuild:"; echo "$rebuilt"; exit 1
fi
echo "no rebuild after git status / touched .git/index and .git/HEAD: $(grep -c Fresh <<< "$log") units fresh"
