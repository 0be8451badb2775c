// The routing key a pusher sends with every call to execution instances behind one load
// balancer address (deploy/lb/), so that the same external_id always reaches the same instance:
// idempotency is per instance (external_id is unique per queue within one instance's schema).
//
// The rule, which client and load balancer share: an event's shard is FNV-1a 64 of its
// external_id's bytes modulo kRoutingShards (64, fixed: changing it moves every key); its key
// is "shard-<n>", sent as the gRPC metadata kRoutingKeyHeader. One call carries one key, so a
// PushEvents batch holds events of one shard only (group a batch by RoutingKey()). The load
// balancer maps each of the 64 keys to one instance (deploy/lb/shards.map) and refuses a call
// without a known key.
//
// An event without external_id has no idempotency to keep: RoutingKey("") is a random shard's
// key, so such events spread over every instance. Everything else here is pure.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace mc::client {

inline constexpr int kRoutingShards = 64;
inline constexpr char kRoutingKeyHeader[] = "mc-routing-key";

// The shard of an event, 0..kRoutingShards-1: text::Fnv1a64(external_id) % kRoutingShards; for an
// empty external_id, a random shard.
int RoutingShard(std::string_view external_id);

// "shard-<shard>", the header's value for that shard (shard in 0..kRoutingShards-1).
std::string RoutingKeyOfShard(int shard);

// RoutingKeyOfShard(RoutingShard(external_id)).
std::string RoutingKey(std::string_view external_id);

}  // namespace mc::client
