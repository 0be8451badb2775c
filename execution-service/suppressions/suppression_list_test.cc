// SuppressionList's rules with a fake store: validation naming the field, addresses as keys,
// search keys and prefixes, paging and its token, states from the row.
#include "execution-service/suppressions/suppression_list.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mc::execution {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// Keeps what it was asked; answers with `rows` (List) or one entry made of the call.
class FakeStore final : public SuppressionStore {
 public:
  std::vector<SuppressionQuery> queries;
  std::vector<SuppressionAddition> added;
  std::vector<std::string> calls;
  std::vector<SuppressionEntry> rows;
  absl::Status fail;

  absl::StatusOr<SuppressionRead> List(const SuppressionQuery& q) override {
    if (!fail.ok()) return fail;
    queries.push_back(q);
    std::vector<SuppressionEntry> out(rows.begin(),
                                      rows.begin() + std::min<size_t>(rows.size(), q.limit));
    return SuppressionRead{.entries = out, .now = kNow};
  }
  absl::StatusOr<SuppressionRead> Add(const SuppressionAddition& a) override {
    if (!fail.ok()) return fail;
    added.push_back(a);
    SuppressionEntry e{.channel = a.channel, .address = a.address, .kind = a.kind};
    e.changed_by = a.changed_by;
    return SuppressionRead{.entries = {e}, .now = kNow};
  }
  absl::StatusOr<SuppressionRead> Remove(int channel, const std::string& key,
                                         const std::string& by) override {
    calls.push_back("remove " + std::to_string(channel) + " " + key + " " + by);
    if (key == "none@x.test") return absl::NotFoundError("address: none");
    SuppressionEntry e{.channel = channel, .address = key};
    e.removed = kNow;
    return SuppressionRead{.entries = {e}, .now = kNow};
  }
  absl::StatusOr<SuppressionRead> Reactivate(int channel, const std::string& key,
                                             const std::string& by,
                                             absl::Duration expiry) override {
    calls.push_back("reactivate " + std::to_string(channel) + " " + key + " " + by + " " +
                    std::to_string(absl::ToInt64Hours(expiry)));
    return SuppressionRead{.entries = {SuppressionEntry{.channel = channel, .address = key}},
                           .now = kNow};
  }
};

struct Fixture {
  FakeStore store;
  SuppressionList list{store, {.soft_threshold = 3, .soft_expiry = absl::Hours(48)}};
};

std::string FieldError(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ? std::string(s.message()) : "not invalid";
}

TEST_CASE("the state of an entry, at the store's clock") {
  const absl::Time later = kNow + absl::Seconds(1), earlier = kNow - absl::Seconds(1);
  struct Row {
    const char* what;
    bool active;
    std::optional<absl::Time> removed, expires;
    SuppressionState want;
  };
  const std::vector<Row> rows = {
      {"a hard or deny entry", true, std::nullopt, std::nullopt, SuppressionState::kActive},
      {"a soft entry at its threshold", true, std::nullopt, later, SuppressionState::kActive},
      {"a soft entry below it", false, std::nullopt, later, SuppressionState::kCounting},
      {"a soft entry past its expiry", true, std::nullopt, earlier, SuppressionState::kExpired},
      {"expiring exactly now", true, std::nullopt, kNow, SuppressionState::kExpired},
      {"removed, whatever else", true, earlier, later, SuppressionState::kRemoved},
      {"removed and expired", false, earlier, earlier, SuppressionState::kRemoved},
  };
  for (const Row& r : rows) {
    INFO(r.what);
    CHECK(StateOf(r.active, r.removed, r.expires, kNow) == r.want);
  }
}

TEST_CASE_METHOD(Fixture, "adding validates per channel and stores the key") {
  auto added = list.Add(0, "Someone@EXAMPLE.Test", SuppressionKind::kUnspecified, "asked", "ana");
  REQUIRE(added.ok());
  CHECK(added->address == "Someone@example.test");
  CHECK(added->kind == SuppressionKind::kDeny);  // the default
  CHECK(added->state == SuppressionState::kActive);
  REQUIRE(list.Add(1, "+33 6 12-34.56 78", SuppressionKind::kQuarantine, "refused", "bo").ok());
  CHECK(store.added.back().address == "+33612345678");
  CHECK(store.added.back().kind == SuppressionKind::kQuarantine);
  REQUIRE(list.Add(41, "Token-ABC", SuppressionKind::kDeny, "gone", "bo").ok());
  CHECK(store.added.back().address == "Token-ABC");

  struct Bad {
    int channel;
    std::string address, reason, actor;
    SuppressionKind kind;
    std::string want;
  };
  const std::string long_reason(501, 'r'), long_actor(129, 'a');
  const std::vector<Bad> bad = {
      {2, "a@b.test", "r", "a", SuppressionKind::kDeny, "channel: 2 is not"},
      {0, "", "r", "a", SuppressionKind::kDeny, "address: required"},
      {0, "not-an-email", "r", "a", SuppressionKind::kDeny, "address: not an email address"},
      {1, "12ab", "r", "a", SuppressionKind::kDeny, "address: not a phone number"},
      {42, std::string(4097, 't'), "r", "a", SuppressionKind::kDeny, "address: longer than 4096"},
      {0, "a@b.test", "", "a", SuppressionKind::kDeny, "reason: required"},
      {0, "a@b.test", long_reason, "a", SuppressionKind::kDeny, "reason: longer than 500"},
      {0, "a@b.test", std::string("a\0b", 3), "a", SuppressionKind::kDeny, "reason: must not"},
      {0, "a@b.test", "r", "", SuppressionKind::kDeny, "actor: required"},
      {0, "a@b.test", "r", long_actor, SuppressionKind::kDeny, "actor: longer than 128"},
      {0, "a@b.test", "r", "a", static_cast<SuppressionKind>(7), "kind: must be"},
  };
  for (const Bad& b : bad) {
    INFO(b.want);
    CHECK_THAT(FieldError(list.Add(b.channel, b.address, b.kind, b.reason, b.actor).status()),
               Catch::StartsWith(b.want));
  }
  CHECK(store.added.size() == 3);  // nothing invalid reached the store
  // 500 characters (not octets) are fine.
  std::string five_hundred;
  for (int i = 0; i < 500; ++i) five_hundred += "é";
  CHECK(list.Add(0, "a@b.test", SuppressionKind::kDeny, five_hundred, "a").ok());
}

TEST_CASE_METHOD(Fixture, "remove and reactivate find the entry by its key") {
  auto removed = list.Remove(0, "Ana@EXAMPLE.test", "control:ana");
  REQUIRE(removed.ok());
  CHECK(removed->state == SuppressionState::kRemoved);
  CHECK(list.Remove(0, "none@x.test", "a").status().code() == absl::StatusCode::kNotFound);
  REQUIRE(list.Reactivate(1, "+33 6 12 34 56 78", "operator").ok());
  CHECK(store.calls == std::vector<std::string>{"remove 0 Ana@example.test control:ana",
                                                "remove 0 none@x.test a",
                                                "reactivate 1 +33612345678 operator 48"});
  CHECK_THAT(FieldError(list.Remove(0, "", "a").status()), Catch::StartsWith("address: required"));
  CHECK_THAT(FieldError(list.Reactivate(3, "x", "a").status()), Catch::StartsWith("channel:"));
  CHECK_THAT(FieldError(list.Reactivate(0, "a@b.test", "").status()),
             Catch::StartsWith("actor: required"));
}

TEST_CASE_METHOD(Fixture,
                 "search: keys of the channel's rule, of each rule without one, prefixes") {
  REQUIRE(list.List({.channel = 0, .address = "Ana@EXAMPLE.test"}).ok());
  CHECK(store.queries.back().keys == std::vector<std::string>{"Ana@example.test"});
  CHECK_FALSE(store.queries.back().prefix);
  REQUIRE(list.List({.channel = 1, .address = "+33 6 12*"}).ok());
  CHECK(store.queries.back().keys == std::vector<std::string>{"+33612"});
  CHECK(store.queries.back().prefix);
  REQUIRE(list.List({.address = "ana@Ex*"}).ok());
  CHECK(store.queries.back().keys == std::vector<std::string>{"ana@ex", "ana@Ex"});
  CHECK(store.queries.back().prefix);
  REQUIRE(list.List({.address = "*"}).ok());  // any
  CHECK(store.queries.back().keys.empty());
  CHECK_FALSE(store.queries.back().prefix);
  REQUIRE(list.List({.kind = SuppressionKind::kQuarantine,
                     .states = {SuppressionState::kActive, SuppressionState::kExpired},
                     .failure_type = "soft"})
              .ok());
  CHECK(store.queries.back().kind == SuppressionKind::kQuarantine);
  CHECK(store.queries.back().states.size() == 2);
  CHECK(store.queries.back().failure_type == "soft");
  CHECK(store.queries.back().limit == SuppressionList::kDefaultPageSize + 1);

  CHECK_THAT(FieldError(list.List({.channel = 5}).status()), Catch::StartsWith("channel:"));
  CHECK_THAT(FieldError(list.List({.failure_type = "medium"}).status()),
             Catch::StartsWith("failure_type:"));
  CHECK_THAT(FieldError(list.List({.page_size = 1001}).status()), Catch::StartsWith("page_size:"));
  CHECK_THAT(FieldError(list.List({.page_size = -1}).status()), Catch::StartsWith("page_size:"));
  CHECK_THAT(FieldError(list.List({.states = {static_cast<SuppressionState>(9)}}).status()),
             Catch::StartsWith("states:"));
  CHECK_THAT(FieldError(list.List({.kind = static_cast<SuppressionKind>(3)}).status()),
             Catch::StartsWith("kind:"));
  CHECK_THAT(FieldError(list.List({.page_token = "not a token"}).status()),
             Catch::StartsWith("page_token:"));
  CHECK_THAT(FieldError(list.List({.page_token = "MXwxfDJ8"}).status()),  // "1|1|2|": channel 2
             Catch::StartsWith("page_token:"));
}

TEST_CASE_METHOD(Fixture, "pages: one more row than asked means a next page, after the last one") {
  for (int i = 0; i < 3; ++i) {
    SuppressionEntry e{.channel = 0, .address = "a" + std::to_string(i) + "@x|y.test"};
    e.changed_at = kNow - absl::Seconds(i);
    e.expires = i == 2 ? std::optional(kNow - absl::Seconds(1)) : std::nullopt;
    store.rows.push_back(e);
  }
  auto page = list.List({.page_size = 2});
  REQUIRE(page.ok());
  REQUIRE(page->entries.size() == 2);
  CHECK(store.queries.back().limit == 3);
  REQUIRE_FALSE(page->next_page_token.empty());
  auto cursor = SuppressionList::DecodeCursor(page->next_page_token);
  REQUIRE(cursor.ok());
  CHECK(cursor->changed_at == kNow - absl::Seconds(1));
  CHECK(cursor->channel == 0);
  CHECK(cursor->address == "a1@x|y.test");  // a '|' in an address survives

  REQUIRE(list.List({.page_size = 2, .page_token = page->next_page_token}).ok());
  REQUIRE(store.queries.back().after.has_value());
  CHECK(store.queries.back().after->address == "a1@x|y.test");

  auto all = list.List({.page_size = 3});
  REQUIRE(all.ok());
  CHECK(all->next_page_token.empty());
  CHECK(all->entries[2].state == SuppressionState::kExpired);
  CHECK(all->entries[0].state == SuppressionState::kActive);
}

TEST_CASE_METHOD(Fixture, "the store's failure is returned as is") {
  store.fail = absl::UnavailableError("down");
  CHECK(list.List({}).status().code() == absl::StatusCode::kUnavailable);
  CHECK(list.Add(0, "a@b.test", SuppressionKind::kDeny, "r", "a").status().code() ==
        absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace mc::execution
