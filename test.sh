#!/usr/bin/env bash
# Install what is missing, build, and run every test headless through CTest.
# Exits non-zero on any failure. Extra arguments go to ctest (e.g. ./test.sh -R cli).
set -euo pipefail
BNFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BNFLOW_ROOT/.ci/setup.sh"

bnflow_install_missing
bnflow_build "$BNFLOW_ROOT/build"

export QT_QPA_PLATFORM=offscreen
cd "$BNFLOW_ROOT/build"
ctest --output-on-failure --timeout 600 "$@"
