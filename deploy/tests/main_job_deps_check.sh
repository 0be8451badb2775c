#!/usr/bin/env bash
# The main job (scripts/run-local.sh) installs only what the local cluster needs: none of the
# deploy checks' tools (docker-compose, node, npm, the validator's npm packages), which the test
# command (scripts/install-deps.sh as scripts/test.sh calls it) still installs.
set -euo pipefail
root="$1"
main_job=$(cd "$root" && env -u MC_DEPLOY_TOOLS scripts/run-local.sh --list-deps)
tests=$(cd "$root" && env -u MC_DEPLOY_TOOLS scripts/install-deps.sh --list)
fail=0
for tool in docker-compose nodejs npm npm-ci:deploy/tests/k8s-validator; do
  if grep -qx -- "$tool" <<<"$main_job"; then
    echo "run-local.sh would install $tool, which only the deploy checks use"; fail=1
  fi
  grep -qx -- "$tool" <<<"$tests" || { echo "the test command no longer installs $tool"; fail=1; }
done
for needed in g++ postgresql-15 libgrpc++-dev; do
  grep -qx -- "$needed" <<<"$main_job" || { echo "run-local.sh lacks $needed"; fail=1; }
done
[ "$fail" = 0 ] && echo "main job: $(wc -l <<<"$main_job") packages; test command: $(wc -l <<<"$tests")"
exit "$fail"
