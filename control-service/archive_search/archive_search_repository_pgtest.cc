// The archive search against a real PostgreSQL, over rows the archiver's own statement stored
// (ArchivingRepository::StorePage): each filter, the address normalised for the event's
// channel, two accounts, paging across pages with tokens bound to the filter, and one event's
// story with its timeline.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "control-service/archive_search/archive_search.h"
#include "control-service/archive_search/archive_search_repository.h"
#include "control-service/archive_search/search_token_key_repository.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

ArchivedEvent Ev(int64_t id, int channel, const std::string& address, int minute, int status = 2) {
  ArchivedEvent e{.id = id,
                  .queue = 1,
                  .event_type = "RECEIPT",
                  .channel = channel,
                  .address = address,
                  .external_id = absl::StrCat("order-", id),
                  .status = status,
                  .template_name = "receipt",
                  .template_version = 3,
                  .tries = 1,
                  .created = kT0 + absl::Minutes(minute),
                  .routed = kT0 + absl::Minutes(minute) + absl::Seconds(1),
                  .finished = kT0 + absl::Minutes(minute) + absl::Seconds(3)};
  if (status == 2 || status == 4) {
    e.log = ArchivedDeliveryLog{.id = 1000 + id,
                                .channel = channel,
                                .address = address,
                                .status = status,
                                .failure_type = status == 4 ? "hard" : "",
                                .failure_reason = status == 4 ? "550 no such user" : "",
                                .tries = 1,
                                .message_id = absl::StrCat("<ev-", id, "@mc.test>"),
                                .template_version = 3,
                                .logged = e.created + absl::Seconds(2)};
    e.message_id = e.log->message_id;
  }
  return e;
}

struct Fixture {
  std::string schema = testing::FreshSchema("archive_search", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  ArchivingRepository archiving{pool};
  ArchiveSearchRepository store{pool};
  SearchTokenCodec codec =
      *SearchTokenCodec::Create(*SearchTokenKeyRepository(pool).LoadOrCreate());
  ArchiveSearch search{store, codec};

  void Store(const std::string& account, std::vector<ArchivedEvent> events) {
    REQUIRE(archiving
                .StorePage("mcSynch_" + account, 0, account,
                           {.instance_id = "inst-" + account, .events = std::move(events)})
                .ok());
  }

  // "account/id" of every event the filter finds, newest first, read in one page.
  std::vector<std::string> Find(SearchFilter filter) {
    absl::StatusOr<SearchPage> page =
        search.Search({.filter = std::move(filter), .page_size = 1000});
    REQUIRE(page.ok());
    CHECK(page->next_page_token.empty());
    std::vector<std::string> out;
    for (const ArchivedStory& s : page->events)
      out.push_back(absl::StrCat(s.account, "/", s.event_id));
    return out;
  }
};

using Found = std::vector<std::string>;

TEST_CASE_METHOD(Fixture, "the address is compared as its channel keys it") {
  Store("exec_a", {Ev(1, 0, "Jane@Example.com", 1), Ev(2, 0, "Jane@example.COM", 2),
                   Ev(3, 0, "jane@example.com", 3), Ev(4, 1, "+33 6 12 34 56 78", 4),
                   Ev(5, 1, "+33612345678", 5), Ev(6, 41, "Jane@Example.com", 6),
                   Ev(7, 41, "Jane@EXAMPLE.COM", 7)});
  // The email's domain in any case (its local part as given); a device token exactly as given.
  CHECK(Find({.address = "Jane@EXAMPLE.COM"}) == Found{"exec_a/7", "exec_a/2", "exec_a/1"});
  CHECK(Find({.address = "jane@EXAMPLE.com"}) == Found{"exec_a/3"});
  CHECK(Find({.address = "nobody@example.com"}).empty());
  // A phone number with or without separators.
  CHECK(Find({.address = "+33612345678"}) == Found{"exec_a/5", "exec_a/4"});
  CHECK(Find({.address = "+33 (6) 12-34.56.78"}) == Found{"exec_a/5", "exec_a/4"});
  CHECK(Find({.address = "33612345678"}).empty());
}

TEST_CASE_METHOD(Fixture, "each filter alone and together, over two accounts") {
  std::vector<ArchivedEvent> a = {Ev(1, 0, "jane@example.com", 1),
                                  Ev(2, 0, "jane@example.com", 2, 4),
                                  Ev(3, 0, "joe@example.com", 3, 5)};
  a[2].event_type = "WELCOME";
  Store("exec_a", a);
  // The same remote ids on another instance are other events.
  std::vector<ArchivedEvent> b = {Ev(1, 0, "jane@EXAMPLE.com", 4),
                                  Ev(2, 0, "joe@example.com", 5, 6)};
  b[1].external_id = "order-1";
  Store("exec_b", b);

  CHECK(Find({.address = "jane@example.com"}) == Found{"exec_b/1", "exec_a/2", "exec_a/1"});
  CHECK(Find({.accounts = {"exec_a"}, .address = "jane@example.com"}) ==
        Found{"exec_a/2", "exec_a/1"});
  CHECK(Find({.accounts = {"exec_b", "exec_c"}, .address = "jane@example.com"}) ==
        Found{"exec_b/1"});
  CHECK(Find({.external_id = "order-1"}) == Found{"exec_b/2", "exec_b/1", "exec_a/1"});
  CHECK(Find({.external_id = "order-1", .status = 6}) == Found{"exec_b/2"});
  CHECK(Find({.event_type = "WELCOME"}) == Found{"exec_a/3"});
  CHECK(Find({.status = 4}) == Found{"exec_a/2"});
  CHECK(Find({.address = "jane@example.com", .status = 2}) == Found{"exec_b/1", "exec_a/1"});
  CHECK(
      Find({.received_after = kT0 + absl::Minutes(2), .received_before = kT0 + absl::Minutes(4)}) ==
      Found{"exec_a/3", "exec_a/2"});  // [after, before)
  CHECK(Find({.received_before = kT0 + absl::Minutes(2)}) == Found{"exec_a/1"});
  CHECK(Find({.address = "joe@example.com", .received_after = kT0 + absl::Minutes(4)}) ==
        Found{"exec_b/2"});
  CHECK(Find({.address = "jane@example.com", .external_id = "order-2"}) == Found{"exec_a/2"});
  CHECK(Find({.address = "jane@example.com", .event_type = "WELCOME"}).empty());

  absl::StatusOr<SearchPage> page = search.Search({.filter = {.external_id = "order-2"}});
  REQUIRE(page.ok());
  REQUIRE(page->events.size() == 1);
  const ArchivedStory& s = page->events[0];
  CHECK(s.account == "exec_a");
  CHECK(s.instance_id == "inst-exec_a");
  CHECK(s.status == 4);
  CHECK(s.template_name == "receipt");
  CHECK(s.template_version == 3);
  CHECK(s.message_id == "<ev-2@mc.test>");
  CHECK(s.last_failure_type == "hard");
  CHECK(s.last_failure_reason == "550 no such user");
  CHECK(s.received == kT0 + absl::Minutes(2));
  CHECK(s.taken_up == kT0 + absl::Minutes(2) + absl::Seconds(1));
  CHECK(s.handed_to_relay == kT0 + absl::Minutes(2) + absl::Seconds(2));
  CHECK(s.finished == kT0 + absl::Minutes(2) + absl::Seconds(3));
  CHECK(s.timeline.empty());  // GetArchivedEvent only
}

TEST_CASE_METHOD(Fixture, "pages follow each other across accounts and equal times") {
  // 25 events of one address over two accounts, several received in the same instant.
  std::vector<ArchivedEvent> a, b;
  for (int i = 1; i <= 25; ++i) {
    (i % 3 ? a : b).push_back(Ev(i, 0, i % 2 ? "Jane@example.com" : "Jane@EXAMPLE.com", i / 4));
  }
  Store("exec_a", a);
  Store("exec_b", b);
  const SearchFilter filter{.address = "Jane@Example.Com"};
  const Found all = Find(filter);
  REQUIRE(all.size() == 25);

  Found paged;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<SearchPage> page =
        search.Search({.filter = filter, .page_size = pages == 1 ? 7 : 10, .page_token = token});
    REQUIRE(page.ok());
    ++pages;
    for (const ArchivedStory& s : page->events)
      paged.push_back(absl::StrCat(s.account, "/", s.event_id));
    token = page->next_page_token;
  } while (!token.empty());
  CHECK(pages == 3);  // 10, 7, then the last 8
  CHECK(paged == all);
  CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == 25);

  SECTION("a token only serves the filter it was issued for") {
    absl::StatusOr<SearchPage> first = search.Search({.filter = filter, .page_size = 10});
    REQUIRE(first.ok());
    for (SearchFilter other : {SearchFilter{.address = "jane@example.com"},
                               SearchFilter{.accounts = {"exec_a"}, .address = "Jane@Example.Com"},
                               SearchFilter{.address = "Jane@Example.Com", .status = 2}}) {
      absl::StatusOr<SearchPage> refused =
          search.Search({.filter = other, .page_size = 10, .page_token = first->next_page_token});
      CHECK(refused.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK(refused.status().message().rfind("page_token: not a token SearchEvents issued for "
                                             "this filter",
                                             0) == 0);
    }
  }
  SECTION("another replica (the same stored key) continues the paging") {
    SearchTokenCodec other_codec =
        *SearchTokenCodec::Create(*SearchTokenKeyRepository(pool).LoadOrCreate());
    ArchiveSearch other(store, other_codec);
    absl::StatusOr<SearchPage> first = search.Search({.filter = filter, .page_size = 10});
    REQUIRE(first.ok());
    absl::StatusOr<SearchPage> second =
        other.Search({.filter = filter, .page_size = 10, .page_token = first->next_page_token});
    REQUIRE(second.ok());
    CHECK(absl::StrCat(second->events[0].account, "/", second->events[0].event_id) == all[10]);
  }
}

TEST_CASE_METHOD(Fixture, "one event's story: retries, outcome, final, as a timeline") {
  ArchivedEvent e = Ev(7, 0, "jane@example.com", 1);
  e.tries = 3;
  e.log->tries = 3;
  e.log->logged = e.created + absl::Seconds(40);
  e.finished = e.created + absl::Seconds(41);
  e.retries = {{.try_number = 1,
                .failure_type = "soft",
                .reason = "451 busy",
                .at = e.created + absl::Seconds(2),
                .next_try = e.created + absl::Seconds(12)},
               {.try_number = 2,
                .failure_type = "soft",
                .reason = "451 still busy",
                .at = e.created + absl::Seconds(12),
                .next_try = e.created + absl::Seconds(40)}};
  Store("exec_a", {e});

  absl::StatusOr<ArchivedStory> s = search.Get("exec_a", 7);
  REQUIRE(s.ok());
  CHECK(s->message_id == "<ev-7@mc.test>");
  CHECK(s->tries == 3);
  CHECK(s->last_failure_type == "soft");  // sent, after soft failures
  CHECK(s->last_failure_reason == "451 still busy");
  REQUIRE(s->timeline.size() == 6);
  using S = TimelineStep;
  std::vector<S> steps;
  for (const TimelineEntry& t : s->timeline) steps.push_back(t.step);
  CHECK(steps == std::vector<S>{S::kReceived, S::kTakenUp, S::kRetried, S::kRetried,
                                S::kDeliveryOutcome, S::kFinal});
  CHECK(s->timeline[2] == TimelineEntry{.at = e.created + absl::Seconds(2),
                                        .step = S::kRetried,
                                        .status = 1,
                                        .try_number = 1,
                                        .failure_type = "soft",
                                        .reason = "451 busy",
                                        .next_try = e.created + absl::Seconds(12)});
  CHECK(s->timeline[4].at == e.created + absl::Seconds(40));
  CHECK(s->timeline[4].try_number == 3);
  CHECK(s->timeline[4].status == 2);
  CHECK(s->timeline[5].at == e.finished);

  CHECK(search.Get("exec_b", 7).status().code() == absl::StatusCode::kNotFound);
  CHECK(search.Get("exec_a", 8).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace mc::control
