// SubscriptionRepository against a real PostgreSQL (migration 0005): every field and both
// secrets round trip (arrays, the previous secret's expiry to the microsecond); a taken name is
// ALREADY_EXISTS; Replace writes only over the version it expects (ABORTED otherwise, NOT_FOUND
// for a name not there); the store's clock stamps `updated`; deletion.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "common/testing/shared_postgres.h"
#include "control-service/migrations/migrations.h"
#include "control-service/webhooks/subscription_repository.h"

namespace mc::control {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("ctrl_webhooks", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  SubscriptionRepository repo{pool};

  static StoredSubscription Make(const std::string& name) {
    return {.subscription = {.name = name,
                             .url = "https://hooks.example.test/mc?x=\"1\"",
                             .statuses = {2, 4, 6},
                             .event_types = {"ORDER_SHIPPED", "a,b", "q\"uote"},
                             .every_attempt = true,
                             .max_batch = 250,
                             .disabled = false,
                             .version = 1},
            .secrets = {.current = "whsec_current"}};
  }
};

TEST_CASE_METHOD(Fixture, "subscriptions round trip with their secrets; names are unique") {
  const absl::Time before = absl::Now() - absl::Seconds(5);
  absl::StatusOr<StoredSubscription> s = repo.Insert(Make("crm"));
  REQUIRE(s.ok());
  CHECK(s->subscription.name == "crm");
  CHECK(s->subscription.url == "https://hooks.example.test/mc?x=\"1\"");
  CHECK(s->subscription.statuses == std::vector<int>{2, 4, 6});
  CHECK(s->subscription.event_types == std::vector<std::string>{"ORDER_SHIPPED", "a,b", "q\"uote"});
  CHECK(s->subscription.every_attempt);
  CHECK(s->subscription.max_batch == 250);
  CHECK_FALSE(s->subscription.disabled);
  CHECK(s->subscription.version == 1);
  CHECK(s->subscription.updated > before);
  CHECK(s->secrets.current == "whsec_current");
  CHECK(s->secrets.previous.empty());
  CHECK_FALSE(s->secrets.previous_expires.has_value());

  CHECK(repo.Insert(Make("crm")).status() ==
        absl::AlreadyExistsError("a webhook subscription named 'crm' already exists"));

  StoredSubscription empty = Make("bare");
  empty.subscription.statuses.clear();
  empty.subscription.event_types.clear();
  empty.subscription.max_batch = 0;
  REQUIRE(repo.Insert(empty).ok());
  absl::StatusOr<StoredSubscription> bare = repo.Get("bare");
  REQUIRE(bare.ok());
  CHECK(bare->subscription.statuses.empty());
  CHECK(bare->subscription.event_types.empty());

  absl::StatusOr<std::vector<StoredSubscription>> all = repo.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].subscription.name == "bare");
  CHECK((*all)[1].subscription.name == "crm");
}

TEST_CASE_METHOD(Fixture, "replace writes over the version it expects, secrets included") {
  REQUIRE(repo.Insert(Make("crm")).ok());
  StoredSubscription next = Make("crm");
  next.subscription.url = "http://other.example.test/";
  next.subscription.statuses = {1};
  next.subscription.disabled = true;
  next.subscription.version = 2;
  const absl::Time expires = absl::FromUnixMicros(1'900'000'000'123'456);
  next.secrets = {.current = "whsec_new", .previous = "whsec_current", .previous_expires = expires};
  absl::StatusOr<StoredSubscription> replaced = repo.Replace(next, 1);
  REQUIRE(replaced.ok());
  CHECK(replaced->subscription.version == 2);
  CHECK(replaced->subscription.url == "http://other.example.test/");
  CHECK(replaced->subscription.statuses == std::vector<int>{1});
  CHECK(replaced->subscription.disabled);
  CHECK(replaced->secrets.current == "whsec_new");
  CHECK(replaced->secrets.previous == "whsec_current");
  CHECK(replaced->secrets.previous_expires == expires);
  CHECK(repo.Get("crm")->secrets.previous_expires == expires);

  // Another writer's version in between: nothing written.
  next.subscription.version = 3;
  next.subscription.url = "https://lost.example.test/";
  CHECK(repo.Replace(next, 1).status() ==
        absl::AbortedError(
            "webhook subscription 'crm' changed meanwhile (now version 2): run the command again"));
  CHECK(repo.Get("crm")->subscription.url == "http://other.example.test/");

  // Back to one secret.
  next.secrets = {.current = "whsec_only"};
  replaced = repo.Replace(next, 2);
  REQUIRE(replaced.ok());
  CHECK(replaced->secrets.previous.empty());
  CHECK_FALSE(replaced->secrets.previous_expires.has_value());

  const absl::Status missing = absl::NotFoundError("no webhook subscription named 'ghost'");
  CHECK(repo.Replace(Make("ghost"), 1).status() == missing);
  CHECK(repo.Get("ghost").status() == missing);
  CHECK(repo.Delete("ghost") == missing);
  CHECK(repo.Delete("crm").ok());
  CHECK(repo.Get("crm").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE_METHOD(Fixture, "the schema refuses what the rules never write") {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  const std::string table = tx.quote_name(schema) + ".webhook_subscriptions";
  CHECK_THROWS_AS(tx.exec("INSERT INTO " + table +
                          " (name, url, version, secret, previous_secret) "
                          "VALUES ('x', 'https://h/', 1, 'whsec_a', 'whsec_b')"),
                  pqxx::check_violation);
}

}  // namespace
}  // namespace mc::control
