// ArchiveSearch against a small in-memory store: the filter's rules, paging with tokens bound to
// the filter, and GetArchivedEvent's story.
#include "control-service/archive_search/archive_search.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace mc::control {
namespace {

// Holds stories; Search returns them newest first after the cursor (the filter is not applied:
// the repository's pgtest covers that), and records what it was asked.
class FakeStore final : public ArchiveSearchStore {
 public:
  absl::StatusOr<std::vector<ArchivedStory>> Search(const SearchFilter& filter,
                                                    const std::optional<StoryCursor>& after,
                                                    int limit) override {
    ++searches;
    last_limit = limit;
    last_after = after;
    std::vector<ArchivedStory> sorted = stories;
    auto key = [](const ArchivedStory& s) {
      return std::make_tuple(s.received, s.account, s.event_id);
    };
    std::sort(sorted.begin(), sorted.end(),
              [&](const ArchivedStory& a, const ArchivedStory& b) { return key(a) > key(b); });
    std::vector<ArchivedStory> out;
    for (const ArchivedStory& s : sorted) {
      if (after && !(key(s) < std::make_tuple(after->received, after->account, after->event_id))) {
        continue;
      }
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(s);
    }
    return out;
  }
  absl::StatusOr<std::optional<ArchivedStory>> Get(const std::string& account,
                                                   int64_t event_id) override {
    for (const ArchivedStory& s : stories) {
      if (s.account == account && s.event_id == event_id) return s;
    }
    return std::nullopt;
  }

  std::vector<ArchivedStory> stories;
  int searches = 0;
  int last_limit = 0;
  std::optional<StoryCursor> last_after;
};

SearchTokenCodec Codec() { return *SearchTokenCodec::Create(std::string(32, 'k')); }

ArchivedStory Story(const std::string& account, int64_t id, int seconds) {
  return {.account = account,
          .event_id = id,
          .status = 2,
          .received = absl::FromUnixSeconds(1700000000 + seconds),
          .finished = absl::FromUnixSeconds(1700000100 + seconds)};
}

SearchRequest ByAddress(int page_size = 0, std::string token = "") {
  return {.filter = {.address = "jane@example.com"},
          .page_size = page_size,
          .page_token = std::move(token)};
}

std::string Refusal(const ArchiveSearch& search, const SearchRequest& request) {
  absl::StatusOr<SearchPage> page = search.Search(request);
  if (page.ok()) return "ok";
  CHECK(page.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(page.status().message());
}

TEST_CASE("a bad filter or page size is refused naming the field, before any read") {
  FakeStore store;
  const SearchTokenCodec codec = Codec();
  const ArchiveSearch search(store, codec);
  CHECK(Refusal(search, {}).rfind("filter: give at least one of address, external_id", 0) == 0);
  CHECK(Refusal(search, {.filter = {.accounts = {"exec_a"}}}).rfind("filter: ", 0) == 0);
  CHECK(Refusal(search, {.filter = {.accounts = {""}, .event_type = "T"}}) ==
        "accounts: an empty account name");
  CHECK(Refusal(search, {.filter = {.status = 1}}).rfind("status: archived events are final", 0) ==
        0);
  CHECK(Refusal(search, {.filter = {.status = 8}}).rfind("status: ", 0) == 0);
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  CHECK(Refusal(search, {.filter = {.received_after = t, .received_before = t}}) ==
        "received_before: must be after received_after");
  CHECK(Refusal(search, {.filter = {.external_id = std::string(256, 'x')}}) ==
        "external_id: longer than 255 characters");
  CHECK(Refusal(search, {.filter = {.event_type = std::string(65, 'x')}}) ==
        "event_type: longer than 64 characters");
  CHECK(Refusal(search, {.filter = {.address = std::string(4097, 'x')}}) ==
        "address: longer than 4096 characters");
  CHECK(Refusal(search, ByAddress(1001)) == "page_size: 1 to 1000 (0: 100), got 1001");
  CHECK(Refusal(search, ByAddress(-1)) == "page_size: 1 to 1000 (0: 100), got -1");
  CHECK(Refusal(search, ByAddress(10, "not-a-token"))
            .rfind("page_token: not a token SearchEvents issued", 0) == 0);
  CHECK(store.searches == 0);
  // Each filter alone is enough.
  CHECK(Refusal(search, {.filter = {.external_id = "x"}}) == "ok");
  CHECK(Refusal(search, {.filter = {.event_type = "T"}}) == "ok");
  CHECK(Refusal(search, {.filter = {.status = 2}}) == "ok");
  CHECK(Refusal(search, {.filter = {.received_after = t}}) == "ok");
  CHECK(Refusal(search, {.filter = {.received_before = t}}) == "ok");
  CHECK(store.last_limit == 101);  // the default page, and one more to know whether there is more
}

TEST_CASE("pages follow each other with tokens; the last one has none") {
  FakeStore store;
  for (int i = 1; i <= 7; ++i) store.stories.push_back(Story(i % 2 ? "exec_a" : "exec_b", i, i));
  store.stories.push_back(Story("exec_a", 50, 7));  // same time as #7: account, then id order
  const SearchTokenCodec codec = Codec();
  const ArchiveSearch search(store, codec);

  std::vector<int64_t> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<SearchPage> page = search.Search(ByAddress(3, token));
    REQUIRE(page.ok());
    ++pages;
    CHECK(page->events.size() == (pages < 3 ? 3u : 2u));
    for (const ArchivedStory& s : page->events) seen.push_back(s.event_id);
    token = page->next_page_token;
  } while (!token.empty());
  CHECK(pages == 3);
  CHECK(seen == std::vector<int64_t>{50, 7, 6, 5, 4, 3, 2, 1});

  SECTION("a page ending exactly at the last event carries no token") {
    absl::StatusOr<SearchPage> all = search.Search(ByAddress(8));
    REQUIRE(all.ok());
    CHECK(all->events.size() == 8);
    CHECK(all->next_page_token.empty());
  }
  SECTION("the page size may change from page to page") {
    absl::StatusOr<SearchPage> first = search.Search(ByAddress(2));
    REQUIRE(first.ok());
    absl::StatusOr<SearchPage> rest = search.Search(ByAddress(100, first->next_page_token));
    REQUIRE(rest.ok());
    CHECK(rest->events.size() == 6);
    CHECK(rest->events.front().event_id == 6);
    CHECK(store.last_after == first->events.back().cursor());
  }
  SECTION("a token is bound to its filter") {
    absl::StatusOr<SearchPage> first = search.Search(ByAddress(2));
    REQUIRE(first.ok());
    SearchRequest other = ByAddress(2, first->next_page_token);
    other.filter.address = "jane@example.org";
    CHECK(Refusal(search, other)
              .rfind("page_token: not a token SearchEvents issued for this "
                     "filter",
                     0) == 0);
    other = ByAddress(2, first->next_page_token);
    other.filter.accounts = {"exec_a"};
    CHECK(Refusal(search, other) != "ok");
  }
}

TEST_CASE("one archived event comes with its timeline; a missing one is NOT_FOUND") {
  FakeStore store;
  ArchivedStory s = Story("exec_a", 42, 0);
  s.taken_up = s.received + absl::Seconds(1);
  s.retries = {{.try_number = 1, .failure_type = "soft", .reason = "451", .at = s.received}};
  s.log = StoryDeliveryLog{.status = 2, .tries = 2, .logged = s.finished};
  store.stories.push_back(s);
  const SearchTokenCodec codec = Codec();
  const ArchiveSearch search(store, codec);

  absl::StatusOr<ArchivedStory> got = search.Get("exec_a", 42);
  REQUIRE(got.ok());
  REQUIRE(got->timeline.size() == 5);
  CHECK(got->timeline[2].step == TimelineStep::kRetried);
  CHECK(got->timeline[3].step == TimelineStep::kDeliveryOutcome);

  absl::StatusOr<ArchivedStory> missing = search.Get("exec_b", 42);
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(missing.status().message() == "account 'exec_b' archived no event 42");
  CHECK(search.Get("", 42).status().message() == "account: required");
  CHECK(search.Get("exec_a", 0).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mc::control
