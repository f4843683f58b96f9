#!/usr/bin/env bash
# Renders the PNG sizes of the icon from its SVG (run after editing the SVG; the PNGs are
# committed so that a build needs no SVG renderer). Needs rsvg-convert (Debian librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
id=io.github.bnflow.Bnflow
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "icons/${size}x${size}"
  rsvg-convert -w "$size" -h "$size" "$id.svg" -o "icons/${size}x${size}/$id.png"
done
