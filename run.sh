#!/usr/bin/env bash
# Install what is missing, build, and start bnflow (on the built-in example unless a session
# file is given). Arguments are passed to bnflow: ./run.sh my.bnflow.json
set -euo pipefail
BNFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BNFLOW_ROOT/.ci/setup.sh"

bnflow_install_missing
bnflow_build release

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "bnflow: no display found; starting under xvfb-run (nothing will be visible)." >&2
  echo "        To look at it headless, use: ./run.sh --screenshot out.png" >&2
  exec xvfb-run -a "$BNFLOW_ROOT/build/app/bnflow" "$@"
fi
exec "$BNFLOW_ROOT/build/app/bnflow" "$@"
