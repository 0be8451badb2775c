#!/usr/bin/env bash
# Checks deploy/k8s strictly against the Kubernetes API schemas (k8s-validator/validate-k8s.js;
# its npm packages are installed by scripts/install-deps.sh from the committed lock file).
# Usage: k8s_check.sh SOURCE_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -d "$here/k8s-validator/node_modules/kubernetes-models" ]; then
  echo "ERROR the validator's npm packages are missing: run scripts/install-deps.sh" >&2
  exit 1
fi
exec node "$here/k8s-validator/validate-k8s.js" "$1/deploy/k8s"
