// The suppression list of an execution instance as the control instance reads and changes it
// (messagecenter.v1.SuppressionService; suppressions.proto says what each field means):
// SuppressionEntry, one entry of the quarantine or the deny list with its history;
// SuppressionFilter, a list's filters and page; SuppressionAddition, an entry added by hand;
// SuppressionRef, the entry a removal or reactivation names. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::control {

// The numbers of messagecenter.v1.SuppressionKind and SuppressionState.
enum class SuppressionKind { kUnspecified = 0, kQuarantine = 1, kDeny = 2 };
enum class SuppressionState {
  kUnspecified = 0,
  kActive = 1,    // messages to the address are ignored
  kCounting = 2,  // soft errors below the instance's threshold
  kExpired = 3,   // a soft entry past its expiry
  kRemoved = 4    // removed by hand
};

struct SuppressionEntry {
  int channel = 0;      // 0 email, 1 SMS, 41 iOS, 42 Android
  std::string address;  // the address key
  SuppressionKind kind = SuppressionKind::kUnspecified;
  std::string failure_type;  // "hard" or "soft" for quarantine entries; "" for deny entries
  std::string reason;
  int errors = 0;
  absl::Time first_seen, last_seen;
  std::optional<absl::Time> expires;  // soft entries
  SuppressionState state = SuppressionState::kUnspecified;
  int event_queue = 0;  // the event that caused it; 0: none
  int64_t event_id = 0;
  std::string changed_by;  // "" when only the instance's own bounces wrote it
  absl::Time changed_at;
  std::optional<absl::Time> removed;
};

struct SuppressionFilter {
  std::optional<int> channel;  // unset: every channel
  std::string address;         // compared by its key; a trailing '*': a prefix; "": any
  SuppressionKind kind = SuppressionKind::kUnspecified;  // unspecified: both
  std::vector<SuppressionState> states;                  // empty: every state
  std::string failure_type;                              // "hard", "soft" or "" for any
  int page_size = 0;                                     // 1..1000; 0: 100
  std::string page_token;                                // the instance's, from its last page
};

struct SuppressionPage {
  std::vector<SuppressionEntry> entries;  // most recently changed first
  std::string next_page_token;            // "" on the last page
};

struct SuppressionAddition {
  int channel = 0;
  std::string address;  // as written; the instance stores its key
  SuppressionKind kind = SuppressionKind::kDeny;
  std::string reason;
  std::string actor;  // who asks
};

struct SuppressionRef {
  int channel = 0;
  std::string address;
  std::string actor;
};

}  // namespace mc::control
