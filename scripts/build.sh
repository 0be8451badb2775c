#!/usr/bin/env bash
# Installs what is missing, then configures (once) and builds everything with Ninja and ccache
# into build/ (override with MC_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR="${MC_BUILD_DIR:-build}"
# ccache: paths relative to the checkout and no working directory in the hash, so that every
# checkout (a CI clone, a second work tree) reuses what another one compiled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${MC_BUILD_TYPE:-RelWithDebInfo}"
fi
ninja -C "$BUILD_DIR"
