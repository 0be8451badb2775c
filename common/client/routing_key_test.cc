#include "common/client/routing_key.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::client {
namespace {

TEST_CASE("an external id's key is its hash modulo 64, the same every time") {
  CHECK(RoutingShard("a") == 12);
  CHECK(RoutingKey("a") == "shard-12");
  CHECK(RoutingKey("foobar") == "shard-40");
  CHECK(RoutingKey("order-1234-shipped") == "shard-4");
  CHECK(RoutingKey("bulk-0") == "shard-48");
  for (int i = 0; i < 100; ++i) CHECK(RoutingKey("order-1234-shipped") == "shard-4");
  CHECK(RoutingKeyOfShard(0) == "shard-0");
  CHECK(RoutingKeyOfShard(63) == "shard-63");
}

TEST_CASE("keys cover every shard, and only 0..63") {
  std::set<int> seen;
  for (int i = 0; i < 10000; ++i) {
    int shard = RoutingShard(absl::StrCat("event-", i));
    REQUIRE(shard >= 0);
    REQUIRE(shard < kRoutingShards);
    seen.insert(shard);
  }
  CHECK(seen.size() == static_cast<size_t>(kRoutingShards));
}

TEST_CASE("an event without external id gets a random shard's key") {
  std::set<std::string> keys;
  for (int i = 0; i < 2000; ++i) {
    int shard = RoutingShard("");
    REQUIRE(shard >= 0);
    REQUIRE(shard < kRoutingShards);
    keys.insert(RoutingKey(""));
  }
  CHECK(keys.size() > 32);  // 2000 draws over 64 shards miss more than half with p ~ 0
}

}  // namespace
}  // namespace mc::client
