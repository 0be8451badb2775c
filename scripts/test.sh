#!/usr/bin/env bash
# The test command: installs what is missing, builds once, runs every test (unit, PostgreSQL,
# end to end, benchmark smoke runs). Each test binary starts its own throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR="${MC_BUILD_DIR:-build}"
cd "$BUILD_DIR"
rm -rf test-artifacts/failover
ctest --output-on-failure -j "${MC_TEST_JOBS:-2}" --timeout 900 "$@"
# The PostgreSQL failover test's figures (README.md "Failover"), when it ran.
cat test-artifacts/failover/*.txt 2>/dev/null || true
