#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs to build, test and run, if any is missing.
# Idempotent and quick when all is there (no apt-get call at all). Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # toolchain; clang-format checks the pinned .clang-format (scripts/check-format.sh)
  g++ cmake ninja-build ccache pkg-config git clang-format
  # gRPC and Protocol Buffers (API and transport), Abseil (status, strings, time)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  # PostgreSQL: client library (libpqxx over libpq) and the server binaries for throwaway clusters
  libpqxx-dev libpq-dev postgresql-15 postgresql-client-15
  # JSON (nlohmann), SHA-256 for token digests (OpenSSL), tests (Catch2)
  nlohmann-json3-dev libssl-dev catch2
  # email over SMTP and SMS over HTTP (libcurl with OpenSSL: STARTTLS, TLS)
  libcurl4-openssl-dev
  # the openssl tool: the security tests make their own TLS certificates
  openssl
  # python3: the tests decode mail headers with Python's email package; the deploy checks
  python3
  # Prometheus metrics served on /metrics (prometheus-cpp core and pull, over civetweb)
  prometheus-cpp-dev
  # MIME parsing of inbound bounce reports (DSN, RFC 3464) and complaints (ARF, RFC 5965)
  libgmime-3.0-dev
  # template code (<% %> blocks, JS expressions): Duktape, built from its packaged duktape.c with
  # the project's budgets; formatDate/formatNumber/formatCurrency per locale (ICU)
  duktape-dev libicu-dev
  # HTTP/JSON for every RPC, plain or TLS: cpp-httplib (built by Debian with OpenSSL); the
  # OpenAPI documents are validated against the OpenAPI 3.0 JSON Schema with python3-jsonschema
  libcpp-httplib-dev python3-jsonschema
  # the web console's Bootstrap 5 and D3, compiled into the control binary (no CDN)
  libjs-bootstrap5 libjs-d3
)
# The console's browser test: headless Chromium driven by Selenium. Installed by default
# (scripts/test.sh); scripts/run-local.sh and the image build set MC_BROWSER_TOOLS=0.
if [ "${MC_BROWSER_TOOLS:-1}" != 0 ]; then
  PACKAGES+=(chromium chromium-driver python3-selenium)
fi
# The checks of deploy/ (deploy/tests): docker-compose (`docker-compose config`), and node with
# npm for the Kubernetes schema validator (any node/npm already there will do). Installed by
# default (scripts/test.sh); scripts/run-local.sh and the image build (deploy/Dockerfile) set
# MC_DEPLOY_TOOLS=0 to leave them out.
if [ "${MC_DEPLOY_TOOLS:-1}" != 0 ]; then
  PACKAGES+=(docker-compose)
  # HAProxy, the load balancer in front of several execution instances (deploy/lb/): its check
  # runs `haproxy -c`, tests/e2e_load_spread_test.cc runs its configuration. No service needs it.
  PACKAGES+=(haproxy)
  command -v npm >/dev/null && [ "${1:-}" != --list ] || PACKAGES+=(nodejs npm)
fi

# `install-deps.sh --list`: what this call would need (Debian packages, then the npm lock
# file), one a line; installs nothing.
if [ "${1:-}" = --list ]; then
  printf '%s\n' "${PACKAGES[@]}"
  [ "${MC_DEPLOY_TOOLS:-1}" = 0 ] || echo "npm-ci:deploy/tests/k8s-validator"
  exit 0
fi

# The validator's npm packages, from the committed lock file (npm ci), again only when the lock
# file changed since the last install. Run as the calling user: it writes into the work tree.
install_npm_packages() {
  [ "${MC_DEPLOY_TOOLS:-1}" != 0 ] || return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/deploy/tests/k8s-validator"
  cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json" && return 0
  echo "install-deps: npm ci in ${dir#"$PWD"/}" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json"
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && { install_npm_packages; exit 0; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
# The project runs its own throwaway PostgreSQL clusters; do not let the package create and
# start a system-wide one.
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  $SUDO mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm_packages
