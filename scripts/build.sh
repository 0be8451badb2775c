#!/usr/bin/env bash
# Installs what is missing, then configures (once) and builds everything with Ninja and ccache
# into build/ (override with MC_BUILD_DIR). The project's code is built with warnings as errors
# (CMake option MC_WERROR; MC_WERROR=0 in the environment builds without).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR="${MC_BUILD_DIR:-build}"
# ccache: paths relative to the checkout and no working directory in the hash, so that every
# checkout (a CI clone, a second work tree) reuses what another one compiled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
WERROR=ON
if [ "${MC_WERROR:-1}" = 0 ]; then WERROR=OFF; fi
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${MC_BUILD_TYPE:-RelWithDebInfo}" \
    -DMC_WERROR="$WERROR"
elif ! grep -qx "MC_WERROR:BOOL=$WERROR" "$BUILD_DIR/CMakeCache.txt"; then
  # configured earlier with the other setting (or before the option existed)
  cmake -B "$BUILD_DIR" -DMC_WERROR="$WERROR"
fi
ninja -C "$BUILD_DIR"
