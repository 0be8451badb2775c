#include "execution-service/inbound/report_outcome.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "execution-service/bounces/dsn_classification.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxReason = 1000;

// `text` cut at `max` bytes, as valid UTF-8 without NUL (PostgreSQL refuses either in text): an
// invalid byte, or a sequence the cut leaves incomplete, becomes '?'.
std::string CleanText(absl::string_view text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= text.size() && c != 0 && c != 0xC0 && c != 0xC1 && c <= 0xF4;
    for (size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && n == 3) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0);  // overlong, surrogates
    } else if (ok && n == 4) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
    }
    if (!ok) n = 1;
    if (out.size() + (ok ? n : 1) > max) break;
    if (ok) {
      out.append(text.data() + i, n);
    } else {
      out.push_back('?');
    }
    i += n;
  }
  return out;
}

const DsnRecipient* ChosenGroup(const BounceReport& report) {
  for (const DsnRecipient& r : report.recipients) {
    if (r.action == "failed") return &r;
  }
  for (const DsnRecipient& r : report.recipients) {
    if (r.action == "delayed") return &r;
  }
  return report.recipients.empty() ? nullptr : &report.recipients.front();
}

std::string Reason(const DsnRecipient& group, const DsnClassification& c) {
  const std::string code = c.status ? c.status->ToString() : group.status;
  std::string reason;
  if (group.diagnostic.empty()) {
    reason = group.action.empty()
                 ? code
                 : absl::StrCat(code, code.empty() ? "" : " ", "(", group.action, ")");
  } else if (code.empty() || absl::StrContains(group.diagnostic, code)) {
    reason = group.diagnostic;
  } else {
    reason = absl::StrCat(code, " ", group.diagnostic);
  }
  return CleanText(reason, kMaxReason);
}

bool IsComplaint(absl::string_view feedback_type) {
  return feedback_type.empty() || feedback_type == "abuse" || feedback_type == "fraud" ||
         feedback_type == "virus" || feedback_type == "other";
}

}  // namespace

ReportOutcome DecideReportOutcome(const BounceReport& report, Queue queue, int64_t event_id) {
  LateOutcome outcome{.queue = queue, .event_id = event_id};
  switch (report.type) {
    case ReportType::kComplaint:
      if (!IsComplaint(report.feedback_type)) return {.dropped = "ignored"};
      outcome.kind = LateOutcomeKind::kComplaint;
      outcome.reason = report.feedback_type.empty()
                           ? "complaint"
                           : absl::StrCat("complaint (", report.feedback_type, ")");
      return {.outcome = std::move(outcome)};
    case ReportType::kAutoReply:
      return {.dropped = "auto_reply"};
    case ReportType::kNotAReport:
      return {.dropped = "not_a_report"};
    case ReportType::kDsn:
    case ReportType::kUnstructured:
      break;
  }
  const DsnRecipient* group = ChosenGroup(report);
  if (group == nullptr) return {.dropped = "no_recipient"};
  const DsnClassification c = ClassifyDsn(group->action, group->status, group->diagnostic);
  switch (c.severity) {
    case BounceSeverity::kIgnore:
      return {.dropped = "ignored"};
    case BounceSeverity::kSoft:
      outcome.kind = LateOutcomeKind::kSoftBounce;
      break;
    case BounceSeverity::kHard:
      outcome.kind = LateOutcomeKind::kHardBounce;
      outcome.quarantine_address = c.quarantine;
      break;
  }
  outcome.reason = Reason(*group, c);
  return {.outcome = std::move(outcome)};
}

}  // namespace mc::execution
