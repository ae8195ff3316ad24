#!/usr/bin/env bash
# Fingerprints what users see: runs the main commands of a `pocolab` binary with fixed seeds
# and prints one sha256 per output file, with the code version (commit) normalised away.
# A refactor that must leave outputs unchanged compares the fingerprints before and after:
#
#   scripts/golden.sh OLD_BINARY /tmp/golden-old > old.txt
#   scripts/golden.sh target/release/pocolab /tmp/golden-new > new.txt
#   diff old.txt new.txt
#
# `--quick` skips the default `evaluate` (about a minute on 2 cores) and keeps the rest.
set -euo pipefail
bin=$(realpath "$1"); out=$2; quick=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out"
cd "$out"
"$bin" demo > demo.txt
"$bin" threats > threats.txt
"$bin" threats --run --replicates 8 --seed 3 --csv threats-run.csv --json threats-run.json > threats-run.txt
"$bin" experiment e1 > e1.txt
"$bin" validate > validate.txt
"$bin" evaluate --sample --seed 7 --out sample > /dev/null
"$bin" sweep run "$root/scenarios/colluders-vs-trust.toml" --out sweep > /dev/null
if [ "$quick" != "--quick" ]; then
  "$bin" evaluate --out evaluate > /dev/null
fi
# the code version (git commit, +dirty) and `validate`'s elapsed wall time are the only things
# allowed to differ
find . -type f | sort | while read -r f; do
  if [[ "$f" == *.parquet ]]; then sha256sum "$f"; else
    sed -E 's/(commit |"git_commit": ?")[0-9a-f]{12}(\+dirty)?/\1COMMIT/g; s/disagree; [0-9.]+ s$/disagree; TIME/' "$f" | sha256sum | sed "s|-|$f|"
  fi
done
