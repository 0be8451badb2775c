#!/usr/bin/env bash
# Checks deploy/lb offline (ctest deploy_lb_config, label deploy): haproxy.cfg is valid for
# HAProxy as shipped, grpc_refusal.lua included (`haproxy -c`: once with its production names,
# which need not resolve here, once with local addresses and no warning allowed); shards.map
# names every key shard-0..shard-63 exactly once (the count of common/client/routing_key.h) and
# only backends haproxy.cfg has; haproxy.cfg keeps what the same-instance rule needs: no hash
# balancing, no redispatch, no bounded load, one server per backend (README.md, "Several
# instances behind one address", says why). Usage: lb_check.sh SOURCE_DIR [HAPROXY].
# Exit 1 with the reasons.
set -euo pipefail
root="$1"
haproxy="${2:-haproxy}"
cfg="$root/deploy/lb/haproxy.cfg"
map="$root/deploy/lb/shards.map"
fail=0
bad() { echo "lb_check: $*" >&2; fail=1; }

command -v "$haproxy" >/dev/null || { bad "$haproxy not found (scripts/install-deps.sh installs it)"; exit 1; }

# 1. As in production: only the Services' names may fail to resolve (they leave the server down).
if ! out=$(MC_LB_DIR="$root/deploy/lb" "$haproxy" -c -f "$cfg" 2>&1); then
  bad "haproxy -c refused haproxy.cfg:"; echo "$out" >&2
else
  unexpected=$(grep -E 'WARNING|ALERT' <<<"$out" | grep -v 'could not resolve address' || true)
  [ -z "$unexpected" ] || { bad "haproxy -c warned:"; echo "$unexpected" >&2; }
fi
# 2. With addresses that need no DNS: not a single warning.
if ! out=$(MC_LB_DIR="$root/deploy/lb" MC_LB_EXEC_A=127.0.0.1:50051 MC_LB_EXEC_B=127.0.0.1:50052 \
           MC_LB_BIND=127.0.0.1:50050 MC_LB_METRICS_BIND=127.0.0.1:8405 \
           "$haproxy" -dW -c -f "$cfg" 2>&1); then
  bad "haproxy -dW -c (local addresses) failed:"; echo "$out" >&2
fi

# 3. The map: shard-0..shard-(N-1) exactly once each, onto backends of haproxy.cfg.
shards=$(sed -nE 's/^ *inline constexpr int kRoutingShards = ([0-9]+);.*/\1/p' \
         "$root/common/client/routing_key.h")
[ -n "$shards" ] || { bad "kRoutingShards not found in common/client/routing_key.h"; shards=64; }
backends=$(sed -nE 's/^backend +([A-Za-z0-9_]+).*/\1/p' "$cfg")
declare -A seen=()
while read -r key backend extra; do
  [ -z "$key" ] || [ "${key:0:1}" = "#" ] && continue
  [ -z "${extra:-}" ] || bad "shards.map: more than a key and a backend: $key $backend $extra"
  [[ "$key" =~ ^shard-(0|[1-9][0-9]*)$ ]] && [ "${BASH_REMATCH[1]}" -lt "$shards" ] \
    || { bad "shards.map: $key is not shard-0..shard-$((shards - 1))"; continue; }
  [ -z "${seen[$key]:-}" ] || bad "shards.map: $key twice (${seen[$key]}, $backend)"
  seen[$key]="$backend"
  grep -qx -- "$backend" <<<"$backends" || bad "shards.map: $key -> $backend, no such backend"
done <"$map"
for ((i = 0; i < shards; i++)); do
  [ -n "${seen[shard-$i]:-}" ] || bad "shards.map: shard-$i has no instance"
done

# 4. A key must never be served by another instance than its own (haproxy.cfg's header).
code=$(sed -E 's/^[[:space:]]*#.*//' "$cfg")
moving=$(grep -nE '^[[:space:]]*(balance|hash-type|hash-balance-factor|option[[:space:]]+redispatch)([[:space:]]|$)' \
         <<<"$code" || true)
[ -z "$moving" ] || { bad "haproxy.cfg would let a key move to another instance:"; echo "$moving" >&2; }
servers=$(awk '/^backend /{name=$2; n[name]=0} /^[[:space:]]+server /{n[name]++}
               END {for (b in n) if (n[b] != 1) print "backend " b ": " n[b] " servers"}' <<<"$code")
[ -z "$servers" ] || { bad "one instance (one server) per backend:"; echo "$servers" >&2; }

[ "$fail" = 0 ] && echo "lb_check: haproxy.cfg valid; shards.map: ${#seen[@]} keys onto" \
  "$(tr '\n' ' ' <<<"$backends")"
exit "$fail"
