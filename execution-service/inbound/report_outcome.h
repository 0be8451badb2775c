// DecideReportOutcome: what one parsed inbound report (bounces/bounce_report.h) does to the
// event its signed return path names. Pure policy, no I/O; the bounce processor records the
// outcome (late_outcome.h) and counts the rest.
//
//   report                          outcome
//   DSN, the recipient group chosen  by its classification (bounces/dsn_classification.h):
//                                    hard -> kHardBounce (quarantine as the table says),
//                                    soft -> kSoftBounce, ignore -> nothing ("ignored")
//   DSN without a recipient group    nothing ("no_recipient")
//   old-style bounce (unstructured)  classified by its text alone, as a DSN
//   ARF, Feedback-Type abuse, fraud, kComplaint (the address on the deny list, "complaint")
//     virus, other or none
//   ARF, any other type (not-spam,   nothing ("ignored": not a complaint about the message)
//     auth-failure, dmarc...)
//   auto-reply                       nothing ("auto_reply")
//   anything else                    nothing ("not_a_report")
// The group chosen: the first whose Action is failed, else the first delayed, else the first.
// The reason kept (the attempt's, the delivery log's, a quarantine entry's): the status code
// that decided followed by the diagnostic (the diagnostic alone when it holds the code), else
// the status and the action; valid UTF-8 without NUL (an invalid byte becomes '?'), at most
// 1,000 bytes.
// Pure, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/events/queue.h"
#include "execution-service/inbound/late_outcome.h"

namespace mc::execution {

struct ReportOutcome {
  std::optional<LateOutcome> outcome;  // nullopt: nothing to record
  absl::string_view dropped;           // why nothing (a metric label); empty with an outcome
};

ReportOutcome DecideReportOutcome(const BounceReport& report, Queue queue, int64_t event_id);

}  // namespace mc::execution
