// BounceProcessor: what the bounce listener does with each message it accepted (the SMTP
// listener's `deliver`): parse it (bounces/bounce_report.h), find the event its signed return
// path names, decide (report_outcome.h), record the late outcome (late_outcome_store.h) and
// count it (inbound_metrics.h).
//
// The event: the first envelope recipient that decodes as this key's VERP address; without
// one (a feedback loop reports to a fixed address of its own), the returned message's
// Return-Path, then the ARF's Original-Mail-From. A signature that does not verify
// (bad_signature), no address of ours (unknown_return_path), or a signed address naming none of
// this instance's names (other_instance, compared without case: the key is the instance's own,
// so this only happens when the name changed in a way it does not know) is counted and
// dropped: nothing changes.
// Nothing in a report other than its signed return path picks the event: a forged report can
// only fail the message whose return path its sender received.
//
// Handle returns OK for every message that was read, recorded or dropped alike (a bounce is
// never bounced back: that would be backscatter), and UNAVAILABLE only when the store is: the
// listener then answers 451 and the sending MTA tries again, so nothing is lost. Nothing is
// logged per message (a sender controls how many arrive); the store's failures are logged,
// at most once a minute.
// Thread-safe (the listener calls it from one thread per connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/log/logger.h"
#include "execution-service/bounces/verp.h"
#include "execution-service/inbound/inbound_mail.h"
#include "execution-service/inbound/inbound_metrics.h"
#include "execution-service/inbound/late_outcome_store.h"

namespace mc::execution {

// How one message was counted.
struct HandledReport {
  absl::string_view type;     // InboundMetrics' type label
  absl::string_view outcome;  // InboundMetrics' outcome label
};

class BounceProcessor {
 public:
  // `instance_names`: the names its return paths carry or carried (verp_return_paths.h: the
  // identifier the control stamped, else the schema; both, so that a message sent before the
  // instance was initialised and restarted still counts). `max_message_bytes`: the listener's
  // limit, checked again here.
  BounceProcessor(const VerpCodec& verp, std::vector<std::string> instance_names,
                  LateOutcomeStore& store, InboundMetrics& metrics, log::Logger& logger,
                  size_t max_message_bytes);

  [[nodiscard]] absl::StatusOr<HandledReport> Handle(const InboundMail& mail);

 private:
  HandledReport Count(absl::string_view type, absl::string_view outcome);

  const VerpCodec& verp_;
  const std::vector<std::string> instance_names_;
  LateOutcomeStore& store_;
  InboundMetrics& metrics_;
  log::Logger& logger_;
  const size_t max_message_bytes_;
  std::atomic<int64_t> last_store_error_log_ns_{0};
};

}  // namespace mc::execution
