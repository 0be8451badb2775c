#include "execution-service/inbound/bounce_processor.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/inbound/report_outcome.h"

namespace mc::execution {
namespace {

absl::string_view ResultLabel(LateOutcomeResult result) {
  switch (result) {
    case LateOutcomeResult::kApplied:
      return "applied";
    case LateOutcomeResult::kDuplicate:
      return "duplicate";
    case LateOutcomeResult::kUnknownEvent:
      return "unknown_event";
    case LateOutcomeResult::kNotSent:
      break;
  }
  return "not_sent";
}

// The first address of ours among `candidates`: a verified one wins; else a badly signed one
// (kBadSignature), else kNotVerp.
template <typename Range>
VerpAddress FirstOurs(const VerpCodec& verp, const Range& candidates) {
  VerpAddress best;
  for (const auto& address : candidates) {
    if (address.empty()) continue;
    VerpAddress decoded = verp.Decode(address);
    if (decoded.status == VerpStatus::kOk) return decoded;
    if (decoded.status == VerpStatus::kBadSignature) best = std::move(decoded);
  }
  return best;
}

}  // namespace

BounceProcessor::BounceProcessor(const VerpCodec& verp, std::vector<std::string> instance_names,
                                 LateOutcomeStore& store, InboundMetrics& metrics,
                                 log::Logger& logger, size_t max_message_bytes)
    : verp_(verp),
      instance_names_(std::move(instance_names)),
      store_(store),
      metrics_(metrics),
      logger_(logger),
      max_message_bytes_(max_message_bytes) {}

HandledReport BounceProcessor::Count(absl::string_view type, absl::string_view outcome) {
  metrics_.Counted(type, outcome);
  return {.type = type, .outcome = outcome};
}

absl::StatusOr<HandledReport> BounceProcessor::Handle(const InboundMail& mail) {
  absl::StatusOr<BounceReport> report = ParseBounceReport(mail.data, max_message_bytes_);
  if (!report.ok()) return Count("unparsed", "malformed");
  const absl::string_view type = ReportTypeName(report->type);

  VerpAddress target = FirstOurs(verp_, mail.recipients);
  if (target.status != VerpStatus::kOk) {
    const std::string fallbacks[] = {report->original_return_path, report->original_mail_from};
    VerpAddress from_report = FirstOurs(verp_, fallbacks);
    if (from_report.status == VerpStatus::kOk || target.status == VerpStatus::kNotVerp) {
      target = std::move(from_report);
    }
  }
  if (target.status == VerpStatus::kBadSignature) return Count(type, "bad_signature");
  if (target.status != VerpStatus::kOk) return Count(type, "unknown_return_path");
  bool ours = false;
  for (const std::string& name : instance_names_)
    ours |= absl::EqualsIgnoreCase(target.instance_id, name);
  if (!ours) return Count(type, "other_instance");

  ReportOutcome decided = DecideReportOutcome(*report, target.queue, target.event_id);
  if (!decided.outcome) return Count(type, decided.dropped);
  absl::StatusOr<LateOutcomeResult> result = store_.Record(*decided.outcome);
  if (!result.ok()) {
    Count(type, "unavailable");
    const int64_t now = absl::GetCurrentTimeNanos();
    int64_t last = last_store_error_log_ns_.load();
    if (now - last >= absl::ToInt64Nanoseconds(absl::Minutes(1)) &&
        last_store_error_log_ns_.compare_exchange_strong(last, now)) {
      logger_.Warn("cannot record a bounce report; its sender is told to try again",
                   {{"error", result.status().message()}});
    }
    return absl::UnavailableError(result.status().message());
  }
  return Count(type, ResultLabel(*result));
}

}  // namespace mc::execution
