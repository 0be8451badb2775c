#include "execution-service/suppressions/suppression.h"

namespace mc::execution {

SuppressionState StateOf(bool active, std::optional<absl::Time> removed,
                         std::optional<absl::Time> expires, absl::Time now) {
  if (removed) return SuppressionState::kRemoved;
  if (expires && *expires <= now) return SuppressionState::kExpired;
  return active ? SuppressionState::kActive : SuppressionState::kCounting;
}

const char* KindWord(SuppressionKind kind) {
  switch (kind) {
    case SuppressionKind::kQuarantine:
      return "quarantine";
    case SuppressionKind::kDeny:
      return "deny";
    default:
      return "";
  }
}

}  // namespace mc::execution
