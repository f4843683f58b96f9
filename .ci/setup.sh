#!/usr/bin/env bash
# Shared by run.sh, test.sh (and so CI): install what is missing (Debian packages only), then configure
# and build. apt is not called at all when everything is already installed.
set -euo pipefail

BNFLOW_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libeigen3-dev nlohmann-json3-dev libzip-dev
  fonts-dejavu-core xvfb xauth
  desktop-file-utils appstream dpkg-dev
  python3 python3-numpy poppler-utils ccache
)

# ccache makes a rebuild after a small change, or CI's run on a fresh clone after an earlier run on
# this machine, cost only what changed. Paths are hashed relative to the checkout and the folder is
# left out of the hash, so two clones in different folders share the cache; compiler, flags and
# sources are in the hash, so a changed flag rebuilds.
export CCACHE_BASEDIR="$BNFLOW_ROOT"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-4G}"

bnflow_install_missing() {
  local missing=()
  local pkg
  for pkg in "${BNFLOW_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bnflow: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# bnflow_build PRESET [targets...]: configure with a preset of CMakePresets.json (every time, so
# that a changed preset or CMakeLists is never silently ignored; a no-op configure takes about a
# second), then build.
bnflow_build() {
  local preset=$1
  shift
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  (cd "$BNFLOW_ROOT" && cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" --parallel "$(nproc)" "${targets[@]}")
}
