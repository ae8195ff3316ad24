#!/usr/bin/env bash
# One-time setup for the test suite (idempotent):
#  - the PoCo 6.1.0 artifacts from npm, for the EVM conformance tests (crates/evm);
#  - Debian's Chromium, for the report's headless-browser test (crates/cli).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-poco.sh
scripts/setup-chromium.sh
