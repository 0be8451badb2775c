#include "control-service/archive_search/story_timeline.h"

#include <catch2/catch.hpp>

namespace mc::control {
namespace {

absl::Time T(int seconds) { return absl::FromUnixSeconds(1700000000 + seconds); }

std::vector<TimelineStep> Steps(const std::vector<TimelineEntry>& timeline) {
  std::vector<TimelineStep> steps;
  for (const TimelineEntry& e : timeline) steps.push_back(e.step);
  return steps;
}

using S = TimelineStep;

TEST_CASE("timelines, case by case") {
  struct Case {
    const char* what;
    ArchivedStory story;
    std::vector<TimelineStep> steps;
    std::vector<int> statuses;
  };
  ArchivedStory sent{.status = 2, .received = T(0), .taken_up = T(1), .finished = T(3)};
  sent.log = StoryDeliveryLog{.status = 2, .tries = 1, .logged = T(2)};
  ArchivedStory retried = sent;
  retried.retries = {{.try_number = 1, .failure_type = "soft", .reason = "451 busy", .at = T(2)},
                     {.try_number = 2, .failure_type = "soft", .reason = "451 again", .at = T(5)}};
  retried.log = StoryDeliveryLog{.status = 2, .tries = 3, .logged = T(9)};
  retried.finished = T(10);
  ArchivedStory not_taken{.status = 5, .received = T(0), .taken_up = T(1), .finished = T(1)};
  ArchivedStory expired_early{.status = 6, .received = T(0), .finished = T(4)};
  ArchivedStory failed = sent;
  failed.status = 4;
  failed.log = StoryDeliveryLog{.status = 4,
                                .failure_type = "hard",
                                .failure_reason = "550 no user",
                                .tries = 1,
                                .logged = T(2)};
  const std::vector<Case> cases = {
      {"sent at the first try",
       sent,
       {S::kReceived, S::kTakenUp, S::kDeliveryOutcome, S::kFinal},
       {0, 1, 2, 2}},
      {"sent after two soft failures",
       retried,
       {S::kReceived, S::kTakenUp, S::kRetried, S::kRetried, S::kDeliveryOutcome, S::kFinal},
       {0, 1, 1, 1, 2, 2}},
      {"no template: final when taken up",
       not_taken,
       {S::kReceived, S::kTakenUp, S::kFinal},
       {0, 5, 5}},
      {"expired before it was taken up", expired_early, {S::kReceived, S::kFinal}, {0, 6}},
      {"refused for good",
       failed,
       {S::kReceived, S::kTakenUp, S::kDeliveryOutcome, S::kFinal},
       {0, 1, 4, 4}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const std::vector<TimelineEntry> timeline = StoryTimeline(c.story);
    CHECK(Steps(timeline) == c.steps);
    std::vector<int> statuses;
    for (const TimelineEntry& e : timeline) statuses.push_back(e.status);
    CHECK(statuses == c.statuses);
    for (size_t i = 1; i < timeline.size(); ++i) CHECK(timeline[i - 1].at <= timeline[i].at);
  }
}

TEST_CASE("each retry and the outcome carry their try, failure and times") {
  ArchivedStory s{.status = 2, .received = T(0), .taken_up = T(1), .finished = T(10)};
  s.retries = {{.try_number = 1,
                .failure_type = "soft",
                .reason = "451 busy",
                .at = T(2),
                .next_try = T(4)}};
  s.log = StoryDeliveryLog{.status = 2, .tries = 2, .logged = T(9)};
  const std::vector<TimelineEntry> t = StoryTimeline(s);
  REQUIRE(t.size() == 5);
  CHECK(t[2] == TimelineEntry{.at = T(2),
                              .step = S::kRetried,
                              .status = 1,
                              .try_number = 1,
                              .failure_type = "soft",
                              .reason = "451 busy",
                              .next_try = T(4)});
  CHECK(t[3] ==
        TimelineEntry{.at = T(9), .step = S::kDeliveryOutcome, .status = 2, .try_number = 2});
  CHECK(t[4] == TimelineEntry{.at = T(10), .step = S::kFinal, .status = 2});
}

}  // namespace
}  // namespace mc::control
