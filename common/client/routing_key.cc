#include "common/client/routing_key.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/text/fnv1a.h"

namespace mc::client {

int RoutingShard(std::string_view external_id) {
  if (external_id.empty()) {
    thread_local absl::BitGen gen;
    return absl::Uniform(gen, 0, kRoutingShards);
  }
  return static_cast<int>(text::Fnv1a64(external_id) % kRoutingShards);
}

std::string RoutingKeyOfShard(int shard) { return absl::StrCat("shard-", shard); }

std::string RoutingKey(std::string_view external_id) {
  return RoutingKeyOfShard(RoutingShard(external_id));
}

}  // namespace mc::client
