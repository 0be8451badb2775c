#!/usr/bin/env bash
# Builds, then runs the benchmarks with their default (full) sizes. Flags go to the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >&2
exec "${MC_BUILD_DIR:-build}/bench/ingest_bench" "$@"
