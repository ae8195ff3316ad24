#!/usr/bin/env bash
# Fetch the real PoCo 6.1.0 contracts (npm package @iexec/poco@6.1.0, Apache-2.0) into
# vendor/npm/ (git-ignored) for the differential oracle (crates/evm). Idempotent.
#
#   scripts/fetch-poco.sh            # -> vendor/npm/poco-6.1.0/package/...
#
# The artifacts path used by pocolab-evm can be overridden with POCOLAB_POCO_ARTIFACTS.
set -euo pipefail

VERSION="${POCO_VERSION:-6.1.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/vendor/npm"
OUT="$DEST/poco-$VERSION"
MARK="$OUT/package/artifacts/contracts/Diamond.sol/Diamond.json"

if [[ -f "$MARK" ]]; then
  echo "fetch-poco: already present: $OUT/package"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "fetch-poco: error: npm is not installed (apt-get install npm)" >&2; exit 1; }
command -v tar >/dev/null 2>&1 || { echo "fetch-poco: error: tar is not installed" >&2; exit 1; }

mkdir -p "$DEST"
TMP="$(mktemp -d "$DEST/.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

echo "fetch-poco: npm pack @iexec/poco@$VERSION"
if ! (cd "$TMP" && npm pack "@iexec/poco@$VERSION" >pack.log 2>&1); then
  echo "fetch-poco: error: 'npm pack @iexec/poco@$VERSION' failed:" >&2
  cat "$TMP/pack.log" >&2 || true
  exit 1
fi
TGZ="$(ls "$TMP"/*.tgz 2>/dev/null | head -n1 || true)"
[[ -n "$TGZ" ]] || { echo "fetch-poco: error: npm pack produced no tarball" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
tar -xzf "$TGZ" -C "$OUT"
cp "$TGZ" "$DEST/"
[[ -f "$MARK" ]] || { echo "fetch-poco: error: unexpected package layout (missing $MARK)" >&2; exit 1; }
for f in deployments/arbitrum/DiamondCutFacet.json deployments/arbitrum/RLC.json; do
  [[ -f "$OUT/package/$f" ]] || { echo "fetch-poco: error: missing $f in the package" >&2; exit 1; }
done
echo "fetch-poco: ok: $OUT/package"
