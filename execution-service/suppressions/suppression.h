// The suppression list's entries as the execution instance reads and writes them (the
// `quarantine` table, migration 0009; messagecenter.v1.SuppressionService): one entry per
// (channel, address key), a quarantine entry (hard or soft) or a deny entry, with its history.
//
// StateOf() is the entry's state at `now`, the rule of mc_suppresses() in the schema (the test
// of delivery) spelled out: removed -> kRemoved; past expires -> kExpired; active -> kActive;
// else kCounting (a soft entry below the threshold). Only kActive suppresses. The repository
// filters states with the same rule in SQL (its pgtest keeps the two equal).
// Pure values and functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::execution {

// The numbers of messagecenter.v1.SuppressionKind and SuppressionState.
enum class SuppressionKind { kUnspecified = 0, kQuarantine = 1, kDeny = 2 };
enum class SuppressionState {
  kUnspecified = 0,
  kActive = 1,
  kCounting = 2,
  kExpired = 3,
  kRemoved = 4
};

struct SuppressionEntry {
  int channel = 0;
  std::string address;  // the address key
  SuppressionKind kind = SuppressionKind::kDeny;
  std::string failure_type;  // "hard" or "soft" for quarantine entries; "" for deny entries
  std::string reason;
  int errors = 0;
  absl::Time first_seen, last_seen;
  std::optional<absl::Time> expires;  // soft entries
  bool active = true;
  int event_queue = 0;  // the event that caused it; 0 / 0: none
  int64_t event_id = 0;
  std::optional<absl::Time> removed;
  std::string changed_by;  // "" when only the instance's own bounces wrote it
  absl::Time changed_at;
  SuppressionState state = SuppressionState::kUnspecified;  // StateOf() at the read
};

SuppressionState StateOf(bool active, std::optional<absl::Time> removed,
                         std::optional<absl::Time> expires, absl::Time now);

// "quarantine" / "deny", the table's words; kUnspecified: "".
const char* KindWord(SuppressionKind kind);

// Where a page of a list starts: after this entry in (changed_at DESC, channel, address) order.
struct SuppressionCursor {
  absl::Time changed_at;
  int channel = 0;
  std::string address;
};

// A list's filter as the store takes it (SuppressionList has validated and normalised it).
struct SuppressionQuery {
  std::optional<int> channel;
  // Address keys to match (several when no channel says which rule makes the key); empty: any.
  std::vector<std::string> keys;
  bool prefix = false;  // keys are prefixes
  SuppressionKind kind = SuppressionKind::kUnspecified;
  std::vector<SuppressionState> states;  // empty: any
  std::string failure_type;              // "" any
  std::optional<SuppressionCursor> after;
  int limit = 100;
};

// An entry added or made to suppress again by hand.
struct SuppressionAddition {
  int channel = 0;
  std::string address;  // the key
  SuppressionKind kind = SuppressionKind::kDeny;
  std::string reason;
  std::string changed_by;
};

}  // namespace mc::execution
