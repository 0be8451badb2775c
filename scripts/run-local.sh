#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the local cluster (a PostgreSQL kept
# under --data_dir, the Message Center services, demo events). Flags go to mc-local; see
#   scripts/run-local.sh --help
# It installs only what building and running the cluster needs: the tools of the deploy checks
# (docker-compose, node, npm and the Kubernetes validator's npm packages) are left to
# scripts/test.sh (MC_DEPLOY_TOOLS=1 here installs them too), as is the browser of the console's
# test (MC_BROWSER_TOOLS=1).
set -euo pipefail
cd "$(dirname "$0")/.."
export MC_DEPLOY_TOOLS="${MC_DEPLOY_TOOLS:-0}" MC_BROWSER_TOOLS="${MC_BROWSER_TOOLS:-0}"
# --list-deps: what this command installs, without installing or building anything.
[ "${1:-}" = --list-deps ] && exec scripts/install-deps.sh --list
scripts/build.sh >&2
exec "${MC_BUILD_DIR:-build}/deploy/local/mc-local" "$@"
