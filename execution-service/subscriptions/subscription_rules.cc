#include "execution-service/subscriptions/subscription_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxName = 64;
constexpr size_t kMaxEventTypes = 100;
constexpr int kMaxBatch = 500;

// A letter, then letters, digits, '_', '-' and '.'; at most 64 characters.
bool IsName(const std::string& s) {
  if (s.empty() || s.size() > kMaxName || !absl::ascii_isalpha(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("subscription.", field, ": ", why));
}

}  // namespace

absl::Status CheckSubscriptionName(const std::string& name) {
  if (name.empty()) return Invalid("name", "required");
  if (!IsName(name)) {
    return Invalid("name",
                   "a letter, then letters, digits, '_', '-' and '.'; at most 64 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckSubscription(const SubscriptionRules& rules, Subscription& s,
                               const std::vector<SecretInput>& secrets, absl::Time now) {
  if (absl::Status st = CheckSubscriptionName(s.name); !st.ok()) return st;
  if (s.url.empty()) return Invalid("url", "required");
  if (absl::Status st = rules.check_url(s.url); !st.ok()) {
    // A host that cannot be resolved now may resolve later: UNAVAILABLE, retried.
    if (st.code() == absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(absl::StrCat("subscription.url: ", st.message()));
    }
    return Invalid("url", st.message());
  }
  for (EventStatus st : s.statuses) {
    const int n = static_cast<int>(st);
    if (n < 1 || n >= kEventStatuses) {
      return Invalid("statuses", absl::StrCat(n, " is not a status an event changes to (1 to 7)"));
    }
  }
  if (s.event_types.size() > kMaxEventTypes) {
    return Invalid("event_types", absl::StrCat("more than ", kMaxEventTypes));
  }
  for (const std::string& t : s.event_types) {
    if (!IsName(t)) {
      return Invalid("event_types",
                     absl::StrCat("'", t.substr(0, kMaxName),
                                  "' is not an event type (a letter, then letters, digits, '_', "
                                  "'-' and '.'; at most 64 characters)"));
    }
  }
  if (s.max_batch < 0 || s.max_batch > kMaxBatch) {
    return Invalid("max_batch", absl::StrCat("0 to ", kMaxBatch));
  }
  if (s.max_batch == 0) s.max_batch = 1;
  if (s.version < 0) return Invalid("version", "negative");
  if (secrets.empty()) return Invalid("secrets", "required (one, or two during a rotation)");
  if (secrets.size() > 2) return Invalid("secrets", "at most two (during a rotation)");
  s.secrets.clear();
  bool in_force = false;
  for (size_t i = 0; i < secrets.size(); ++i) {
    absl::StatusOr<std::string> key = rules.parse_secret(secrets[i].value);
    if (!key.ok()) {
      // The message says what is wrong with the form, never the value.
      return Invalid(absl::StrCat("secrets[", i, "]"), key.status().message());
    }
    s.secrets.push_back({.key = *std::move(key), .expires = secrets[i].expires});
    if (!secrets[i].expires || *secrets[i].expires > now) in_force = true;
  }
  if (!in_force) return Invalid("secrets", "every secret has expired");
  return absl::OkStatus();
}

}  // namespace mc::execution
