// The suppression list against a real PostgreSQL, through SuppressionList and its repository:
// add (deny by default, quarantine hard), remove keeps the row with who and when, reactivate,
// list filters and pages, and a soft entry's expiry, each checked against what delivery's own
// claim then sees (ProcessingRepository: the event quarantined or not).
#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/suppressions/suppression_list.h"
#include "execution-service/suppressions/suppression_repository.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("suppressions", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  SuppressionRepository repository{pool};
  SuppressionList list{repository, {.soft_threshold = 3, .soft_expiry = absl::Hours(48)}};
  EventRepository events{pool};
  TemplateRepository templates{pool};
  ProcessingRepository processing{workflow_pool};

  Fixture() {
    REQUIRE(templates
                .Publish({.internal_name = "tpl",
                          .event_type = "SHIP",
                          .channel = 0,
                          .version = 1,
                          .subject = "s",
                          .text_body = "t"})
                .ok());
  }

  void Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    tx.exec(sql);
    tx.commit();
  }

  // Whether delivery's claim finds an email event to `address` suppressed.
  bool Suppressed(const std::string& address) {
    NewEvent e;
    e.type = "SHIP";
    e.wished_channel = 0;
    e.email = address;
    auto pushed = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{e});
    REQUIRE(pushed.ok());
    auto routed = processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5));
    REQUIRE(routed.ok());
    for (const DeliveryItem& d : routed->to_deliver) {
      if (d.id == (*pushed)[0].id) return d.quarantined;
    }
    FAIL("not routed");
    return false;
  }

  std::vector<std::string> Addresses(const SuppressionListRequest& r) {
    auto page = list.List(r);
    REQUIRE(page.ok());
    std::vector<std::string> out;
    for (const SuppressionEntry& e : page->entries) out.push_back(e.address);
    return out;
  }
};

TEST_CASE_METHOD(Fixture, "add: deny by default, quarantine as hard; both suppress") {
  auto deny = list.Add(0, "Ana@EXAMPLE.test", SuppressionKind::kUnspecified, "asked", "ana");
  REQUIRE(deny.ok());
  CHECK(deny->address == "Ana@example.test");
  CHECK(deny->kind == SuppressionKind::kDeny);
  CHECK(deny->failure_type.empty());
  CHECK(deny->state == SuppressionState::kActive);
  CHECK(deny->changed_by == "ana");
  CHECK(deny->errors == 1);
  CHECK(deny->event_id == 0);
  CHECK_FALSE(deny->expires.has_value());
  CHECK(deny->first_seen == deny->last_seen);

  auto hard = list.Add(0, "bo@example.test", SuppressionKind::kQuarantine, "550 by hand", "bo");
  REQUIRE(hard.ok());
  CHECK(hard->kind == SuppressionKind::kQuarantine);
  CHECK(hard->failure_type == "hard");
  CHECK(Suppressed("Ana@example.TEST"));
  CHECK(Suppressed("bo@example.test"));
  CHECK_FALSE(Suppressed("ana@example.test"));  // the local part is compared as given
}

TEST_CASE_METHOD(Fixture, "remove keeps the entry with who and when; reactivate suppresses again") {
  REQUIRE(list.Add(0, "ana@example.test", SuppressionKind::kDeny, "asked", "ana").ok());
  auto removed = list.Remove(0, "ana@EXAMPLE.TEST", "control:bo");
  REQUIRE(removed.ok());
  CHECK(removed->state == SuppressionState::kRemoved);
  REQUIRE(removed->removed.has_value());
  CHECK(removed->changed_by == "control:bo");
  CHECK(removed->reason == "asked");
  CHECK_FALSE(Suppressed("ana@example.test"));
  // Removing it again changes nothing.
  auto again = list.Remove(0, "ana@example.test", "someone else");
  REQUIRE(again.ok());
  CHECK(again->changed_by == "control:bo");
  CHECK(again->removed == removed->removed);
  CHECK(list.Remove(0, "nobody@example.test", "a").status().code() == absl::StatusCode::kNotFound);
  CHECK(list.Reactivate(0, "nobody@example.test", "a").status().code() ==
        absl::StatusCode::kNotFound);

  auto back = list.Reactivate(0, "ana@example.test", "operator");
  REQUIRE(back.ok());
  CHECK(back->state == SuppressionState::kActive);
  CHECK_FALSE(back->removed.has_value());
  CHECK(back->changed_by == "operator");
  CHECK(Suppressed("ana@example.test"));

  // Adding a removed address again: suppresses, with the new kind and reason.
  REQUIRE(list.Remove(0, "ana@example.test", "a").ok());
  auto readded = list.Add(0, "ana@example.test", SuppressionKind::kQuarantine, "bounced", "b");
  REQUIRE(readded.ok());
  CHECK(readded->state == SuppressionState::kActive);
  CHECK(readded->kind == SuppressionKind::kQuarantine);
  CHECK(readded->failure_type == "hard");
  CHECK(readded->reason == "bounced");
  CHECK(readded->first_seen == back->first_seen);
}

TEST_CASE_METHOD(Fixture, "a soft entry: counting, active, expired; reactivating starts a period") {
  Sql("INSERT INTO quarantine (channel, address, reason, failure_type, errors, active, "
      "expires_at, event_queue, event_id) VALUES "
      "(0, 'soft@x.test', '452 mailbox full', 'soft', 3, true, now() + interval '1 day', 1, 42), "
      "(0, 'counting@x.test', '452 mailbox full', 'soft', 1, false, now() + interval '1 day', "
      "NULL, NULL)");
  auto soft = list.List({.address = "soft@x.test"});
  REQUIRE(soft.ok());
  REQUIRE(soft->entries.size() == 1);
  CHECK(soft->entries[0].state == SuppressionState::kActive);
  CHECK(soft->entries[0].event_queue == 1);
  CHECK(soft->entries[0].event_id == 42);
  CHECK(soft->entries[0].errors == 3);
  CHECK(Suppressed("soft@x.test"));
  CHECK(Addresses({.states = {SuppressionState::kCounting}}) ==
        std::vector<std::string>{"counting@x.test"});
  CHECK_FALSE(Suppressed("counting@x.test"));

  // Its expiry passes.
  Sql("UPDATE quarantine SET expires_at = now() - interval '1 second' "
      "WHERE address = 'soft@x.test'");
  auto expired = list.List({.address = "soft@x.test"});
  REQUIRE(expired.ok());
  CHECK(expired->entries[0].state == SuppressionState::kExpired);
  CHECK(Addresses({.states = {SuppressionState::kExpired}}) ==
        std::vector<std::string>{"soft@x.test"});
  CHECK(Addresses({.states = {SuppressionState::kActive}}).empty());
  CHECK_FALSE(Suppressed("soft@x.test"));

  auto back = list.Reactivate(0, "soft@x.test", "ana");
  REQUIRE(back.ok());
  CHECK(back->state == SuppressionState::kActive);
  REQUIRE(back->expires.has_value());
  CHECK(*back->expires - back->changed_at == absl::Hours(48));
  CHECK(Suppressed("soft@x.test"));
}

TEST_CASE_METHOD(Fixture, "list: filters by channel, key, prefix, kind, state and failure type") {
  REQUIRE(list.Add(0, "ana@example.test", SuppressionKind::kDeny, "asked", "a").ok());
  REQUIRE(list.Add(0, "anabel@example.test", SuppressionKind::kQuarantine, "550", "a").ok());
  REQUIRE(list.Add(0, "bo@other.test", SuppressionKind::kQuarantine, "550", "a").ok());
  REQUIRE(list.Add(1, "+33 6 12 34 56 78", SuppressionKind::kDeny, "stop", "a").ok());
  REQUIRE(list.Add(42, "ana-token", SuppressionKind::kDeny, "gone", "a").ok());
  REQUIRE(list.Remove(0, "bo@other.test", "a").ok());
  using V = std::vector<std::string>;
  const auto sorted = [](V v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  CHECK(sorted(Addresses({.channel = 0})) ==
        V{"ana@example.test", "anabel@example.test", "bo@other.test"});
  CHECK(Addresses({.address = "ANA@EXAMPLE.TEST"}).empty());  // the local part as given
  CHECK(Addresses({.address = "ana@EXAMPLE.TEST"}) == V{"ana@example.test"});
  CHECK(sorted(Addresses({.address = "ana*"})) ==
        V{"ana-token", "ana@example.test", "anabel@example.test"});
  CHECK(sorted(Addresses({.channel = 0, .address = "ana*"})) ==
        V{"ana@example.test", "anabel@example.test"});
  CHECK(Addresses({.address = "+33 6 12*"}) == V{"+33612345678"});
  CHECK(Addresses({.address = "+33 6 12 34 56 78"}) == V{"+33612345678"});
  CHECK(sorted(Addresses({.kind = SuppressionKind::kQuarantine})) ==
        V{"anabel@example.test", "bo@other.test"});
  CHECK(Addresses({.states = {SuppressionState::kRemoved}}) == V{"bo@other.test"});
  CHECK(Addresses({.kind = SuppressionKind::kQuarantine, .states = {SuppressionState::kActive}}) ==
        V{"anabel@example.test"});
  CHECK(sorted(Addresses({.failure_type = "hard"})) == V{"anabel@example.test", "bo@other.test"});
  CHECK(Addresses({.failure_type = "soft"}).empty());
  CHECK(Addresses({.address = "%*"}).empty());  // no LIKE pattern: '%' is a character
}

TEST_CASE_METHOD(Fixture, "pages: most recently changed first, every entry once") {
  // Ten entries, four of them changed at the same instant (ties broken by channel, address).
  for (int i = 0; i < 10; ++i) {
    REQUIRE(list.Add(0, absl::StrCat("a", i, "@x.test"), SuppressionKind::kDeny, "r", "a").ok());
  }
  Sql("UPDATE quarantine SET changed_at = '2024-01-01T00:00:00.123456Z' "
      "WHERE address IN ('a2@x.test', 'a5@x.test', 'a7@x.test', 'a9@x.test')");
  Sql("UPDATE quarantine SET changed_at = '2024-06-01'::timestamptz + "
      "substr(address, 2, 1)::int * interval '1 second' "
      "WHERE address NOT IN ('a2@x.test', 'a5@x.test', 'a7@x.test', 'a9@x.test')");
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = list.List({.page_size = 3, .page_token = token});
    REQUIRE(page.ok());
    CHECK(page->entries.size() <= 3);
    for (const SuppressionEntry& e : page->entries) seen.push_back(e.address);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(pages == 4);
  CHECK(seen == std::vector<std::string>{"a8@x.test", "a6@x.test", "a4@x.test", "a3@x.test",
                                         "a1@x.test", "a0@x.test", "a2@x.test", "a5@x.test",
                                         "a7@x.test", "a9@x.test"});
}

}  // namespace
}  // namespace mc::execution
