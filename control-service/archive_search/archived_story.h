// Domain types of the archive search (ArchiveService, proto/messagecenter/control/v1/
// control.proto): what a search filters on, where a page of results stands, and one archived
// event with its story as the archive holds it (migration 0006). Statuses and channels are the
// execution instances' numbers (2 Sent ... 6 Expired; 0 email, 1 SMS, 41 iOS, 42 Android).
// Plain values: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::control {

struct SearchFilter {
  std::vector<std::string> accounts;  // empty: every account
  std::string address;                // as given; compared as the event's channel keys it
  std::string external_id;
  std::string event_type;
  std::optional<int> status;
  std::optional<absl::Time> received_after, received_before;  // [after, before)
};

// The last event of a page in the search order (received time, account, event id; newest
// first): the next page holds the events strictly after it.
struct StoryCursor {
  absl::Time received;
  std::string account;
  int64_t event_id = 0;

  bool operator==(const StoryCursor&) const = default;
};

// The steps of a timeline, numbered as messagecenter.v1.TimelineStep.
enum class TimelineStep {
  kReceived = 1,
  kTakenUp = 2,
  kRetried = 3,
  kDeliveryOutcome = 4,
  kFinal = 5,
  kBounced = 6,
  kComplained = 7,
};

struct TimelineEntry {
  absl::Time at;
  TimelineStep step = TimelineStep::kReceived;
  int status = 0;  // the event's status after the step
  int try_number = 0;
  std::string failure_type;  // "", "hard" or "soft"
  std::string reason;
  std::optional<absl::Time> next_try;

  bool operator==(const TimelineEntry&) const = default;
};

// A soft failure tried again.
// A retried soft failure (kind 0), a late hard bounce (1), soft bounce (2) or complaint (3).
struct StoryRetry {
  int kind = 0;
  int try_number = 0;
  std::string failure_type, reason;
  absl::Time at;
  std::optional<absl::Time> next_try;
};

// The try that ended delivery.
struct StoryDeliveryLog {
  int status = 0;
  std::string failure_type, failure_reason;
  int tries = 0;
  absl::Time logged;
};

struct ArchivedStory {
  std::string account, instance_id;
  int64_t event_id = 0;
  int queue = 0;
  std::string event_type, external_id;
  int channel = 0;
  std::string address;
  int status = 0;
  std::string template_name;
  int template_version = 0;
  std::string message_id;
  int tries = 0;
  std::string last_failure_type, last_failure_reason;
  absl::Time received;
  std::optional<absl::Time> taken_up, handed_to_relay;
  absl::Time finished, archived;
  // Read by GetArchivedEvent only (a search leaves them empty).
  std::vector<StoryRetry> retries;
  std::optional<StoryDeliveryLog> log;
  std::vector<TimelineEntry> timeline;

  StoryCursor cursor() const {
    return {.received = received, .account = account, .event_id = event_id};
  }
};

struct SearchRequest {
  SearchFilter filter;
  int page_size = 0;       // 1 to 1000; 0: 100
  std::string page_token;  // empty: the first page
};

struct SearchPage {
  std::vector<ArchivedStory> events;  // newest received first
  std::string next_page_token;        // empty on the last page
};

}  // namespace mc::control
