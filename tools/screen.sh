#!/usr/bin/env bash
# Renders bnflow in a real window on a virtual screen with a window manager (openbox), as a
# user's laptop or projector shows it, and saves the whole screen as a PNG:
#   tools/screen.sh WIDTHxHEIGHT OUT.png [-- bnflow arguments...]
# Environment: SCALE=2 for QT_SCALE_FACTOR=2 (HiDPI), KEYS="F5" to press keys (xdotool syntax)
# once the window is up, WAIT seconds before the capture (default 3).
# Needs xvfb, openbox, xdotool, x11-apps and imagemagick (Debian packages).
set -euo pipefail
size=$1 out=$2
shift 2
[ "${1:-}" = "--" ] && shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp &
xvfb=$!
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=$display
openbox >/dev/null 2>&1 &
sleep 1
QT_SCALE_FACTOR=${SCALE:-1} QT_QPA_PLATFORM=xcb "$root/build/app/bnflow" "$@" >/dev/null 2>&1 &
sleep "${WAIT:-3}"
if [ -n "${KEYS:-}" ]; then
  window=$(xdotool search --onlyvisible --class bnflow | head -n 1)
  for key in $KEYS; do xdotool key --window "$window" "$key"; sleep 0.5; done
  sleep 1
fi
xwd -root -display "$display" -silent | /usr/bin/convert xwd:- "png:$out"
echo "$out: $(/usr/bin/identify -format '%wx%h' "$out")"
