#!/usr/bin/env bash
# Checks deploy/k8s strictly against the Kubernetes API schemas and the CloudNativePG, KEDA and
# Prometheus Operator CRD schemas, builds each kustomization and checks the references within it
# (k8s-validator/validate-k8s.js; its npm packages are installed by scripts/install-deps.sh from
# the committed lock file, and must be those of that file: an older node_modules lacks schemas).
# Usage: k8s_check.sh SOURCE_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
validator="$here/k8s-validator"
if ! command -v node >/dev/null; then
  echo "ERROR node is missing: run scripts/install-deps.sh" >&2
  exit 1
fi
if ! cmp -s "$validator/package-lock.json" "$validator/node_modules/.installed-package-lock.json"; then
  echo "ERROR the validator's npm packages are missing or not those of package-lock.json: run scripts/install-deps.sh" >&2
  exit 1
fi
exec node "$validator/validate-k8s.js" "$1/deploy/k8s"
