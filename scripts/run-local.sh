#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the local cluster (a PostgreSQL kept
# under --data_dir, the Message Center services, demo events). Flags go to mc-local; see
#   scripts/run-local.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >&2
exec "${MC_BUILD_DIR:-build}/deploy/local/mc-local" "$@"
