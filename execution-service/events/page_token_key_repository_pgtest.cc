#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "common/testing/shared_postgres.h"
#include "execution-service/events/page_token.h"
#include "execution-service/events/page_token_key_repository.h"
#include "execution-service/migrations/migrations.h"

namespace mc::execution {
namespace {

pg::PoolOptions Options(const std::string& schema) {
  return {.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2};
}

int64_t Rows(const std::string& schema) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::nontransaction tx(c);
  return tx.exec("SELECT count(*) FROM " + schema + ".page_token_key")[0][0].as<int64_t>();
}

TEST_CASE("the key is created once and every pool of the schema reads the same one") {
  const std::string schema = testing::FreshSchema("ptkey", Migrations());
  CHECK(Rows(schema) == 0);  // the migration leaves it to the first replica
  std::string first;
  {
    pg::ConnectionPool pool(Options(schema));
    PageTokenKeyRepository repo(pool);
    absl::StatusOr<std::string> key = repo.LoadOrCreate();
    REQUIRE(key.ok());
    CHECK(key->size() == PageTokenCodec::kKeySize);
    CHECK(*key != std::string(PageTokenCodec::kKeySize, '\0'));
    CHECK(*repo.LoadOrCreate() == *key);  // a second load does not replace it
    first = *key;
  }
  // Another pool: another replica, or this one after a restart.
  pg::ConnectionPool other(Options(schema));
  absl::StatusOr<std::string> again = PageTokenKeyRepository(other).LoadOrCreate();
  REQUIRE(again.ok());
  CHECK(*again == first);
  CHECK(Rows(schema) == 1);

  // So a token one replica issued is accepted by the other.
  const EventFilter filter{.type = "T"};
  const std::string token = PageTokenCodec::Create(first)->Encode(42, filter);
  CHECK(*PageTokenCodec::Create(*again)->Decode(token, filter) == 42);
}

TEST_CASE("replicas starting together agree on one key") {
  const std::string schema = testing::FreshSchema("ptrace", Migrations());
  constexpr int kReplicas = 6;
  std::vector<std::unique_ptr<pg::ConnectionPool>> pools;
  for (int i = 0; i < kReplicas; ++i) {
    pools.push_back(std::make_unique<pg::ConnectionPool>(Options(schema)));
  }
  std::vector<absl::StatusOr<std::string>> keys(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { keys[i] = PageTokenKeyRepository(*pools[i]).LoadOrCreate(); });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kReplicas; ++i) {
    REQUIRE(keys[i].ok());
    CHECK(*keys[i] == *keys[0]);
  }
  CHECK(Rows(schema) == 1);
}

TEST_CASE("each instance (schema) has a key of its own") {
  pg::ConnectionPool a(Options(testing::FreshSchema("pta", Migrations())));
  pg::ConnectionPool b(Options(testing::FreshSchema("ptb", Migrations())));
  absl::StatusOr<std::string> ka = PageTokenKeyRepository(a).LoadOrCreate();
  absl::StatusOr<std::string> kb = PageTokenKeyRepository(b).LoadOrCreate();
  REQUIRE(ka.ok());
  REQUIRE(kb.ok());
  CHECK(*ka != *kb);
}

}  // namespace
}  // namespace mc::execution
