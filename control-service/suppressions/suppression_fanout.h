// SuppressionFanout: the suppression lists of every execution instance managed at once from the
// control instance (the quarantine and the deny list: README, "The control instance",
// Suppression lists). Nothing is stored here: each instance keeps its own list, and archiving
// copies it into the archived quarantine.
//
//  - Add, Remove and Reactivate run on every enabled account's instance in parallel (or on the
//    named accounts'), as a publication does, and return each instance's outcome: OK with the
//    entry as that instance then holds it, or the instance's status code and message (an
//    instance out of reach: UNAVAILABLE; one without an entry for the address: NOT_FOUND). An
//    instance's refusal is an outcome, not a failure of the call.
//  - List asks every enabled account's instance (or one named account's, whose page token it
//    may continue) for one page with the filter, and merges the entries, each tagged with its
//    account, most recently changed first; an instance that did not answer is listed with its
//    reason, and an instance with more entries than the page with its next page token.
//
// Checked before any instance is called (INVALID_ARGUMENT naming the field): channel 0, 1, 41
// or 42; address required; reason required and at most 500 characters (Add); actor at most 128
// characters; page_size 0 to 1000; a page token only with an account. The instances check the
// rest (an address valid for its channel): when every instance called refuses with
// INVALID_ARGUMENT, the call fails with the first one's message.
// Failure modes besides: NOT_FOUND for an unknown account; UNAVAILABLE when the accounts cannot
// be read. Thread-safe; the instances are called in parallel.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "control-service/execution/execution_gateway.h"
#include "control-service/execution/instance_outcome.h"
#include "control-service/execution/suppression_entry.h"
#include "control-service/webhooks/execution_targets.h"

namespace mc::control {

// One instance's outcome of a change.
struct SuppressionOutcome {
  std::string account, instance_id;
  int code = 0;  // absl::StatusCode
  std::string message;
  std::optional<SuppressionEntry> entry;  // when code is 0
};

// An entry of one account's instance.
struct AccountSuppression {
  std::string account, instance_id;
  SuppressionEntry entry;
};

struct NextInstancePage {
  std::string account, page_token;
};

struct SuppressionListing {
  // Most recently changed first across the instances (then account, channel, address).
  std::vector<AccountSuppression> entries;
  // The instances that did not answer, with their reason.
  std::vector<InstanceOutcome> errors;
  // The instances with more entries than the page: the token of their next page.
  std::vector<NextInstancePage> more;
};

class SuppressionFanout {
 public:
  static constexpr int kMaxPageSize = 1000;
  static constexpr size_t kMaxReason = 500;
  static constexpr size_t kMaxActor = 128;

  SuppressionFanout(ExecutionTargets& targets, const ExecutionGateway& gateway, log::Logger& logger)
      : targets_(targets), gateway_(gateway), logger_(logger) {}

  // `account` empty: every enabled account's instance.
  [[nodiscard]] absl::StatusOr<SuppressionListing> List(const std::string& account,
                                                        const SuppressionFilter& filter);
  // `accounts` empty: every enabled account's instance (outcomes by account name); otherwise
  // those accounts' instances, disabled ones too (outcomes as named, each once).
  [[nodiscard]] absl::StatusOr<std::vector<SuppressionOutcome>> Add(
      const SuppressionAddition& addition, const std::vector<std::string>& accounts);
  [[nodiscard]] absl::StatusOr<std::vector<SuppressionOutcome>> Remove(
      const SuppressionRef& ref, const std::vector<std::string>& accounts);
  [[nodiscard]] absl::StatusOr<std::vector<SuppressionOutcome>> Reactivate(
      const SuppressionRef& ref, const std::vector<std::string>& accounts);

 private:
  using Call = std::function<absl::StatusOr<SuppressionEntry>(const ExecutionTarget&)>;

  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> Chosen(
      const std::vector<std::string>& accounts);
  // `call` on every chosen instance, in parallel; logged as `what` (never the address).
  [[nodiscard]] absl::StatusOr<std::vector<SuppressionOutcome>> OnEvery(
      const char* what, const std::string& actor, const std::vector<std::string>& accounts,
      const Call& call);

  ExecutionTargets& targets_;
  const ExecutionGateway& gateway_;
  log::Logger& logger_;
};

}  // namespace mc::control
