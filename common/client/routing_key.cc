#include "common/client/routing_key.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"

namespace mc::client {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

int RoutingShard(std::string_view external_id) {
  if (external_id.empty()) {
    thread_local absl::BitGen gen;
    return absl::Uniform(gen, 0, kRoutingShards);
  }
  return static_cast<int>(Fnv1a64(external_id) % kRoutingShards);
}

std::string RoutingKeyOfShard(int shard) { return absl::StrCat("shard-", shard); }

std::string RoutingKey(std::string_view external_id) {
  return RoutingKeyOfShard(RoutingShard(external_id));
}

}  // namespace mc::client
