#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs to build, test and run, if any is missing.
# Idempotent and quick when all is there (no apt-get call at all). Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # gRPC and Protocol Buffers (API and transport), Abseil (status, strings, time)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  # PostgreSQL: client library (libpqxx over libpq) and the server binaries for throwaway clusters
  libpqxx-dev libpq-dev postgresql-15 postgresql-client-15
  # JSON (nlohmann), SHA-256 for token digests (OpenSSL), tests (Catch2)
  nlohmann-json3-dev libssl-dev catch2
  # email over SMTP and SMS over HTTP (libcurl with OpenSSL: STARTTLS, TLS)
  libcurl4-openssl-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
