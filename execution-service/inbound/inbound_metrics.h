// InboundMetrics: the Prometheus family of the bounce listener, registered in the process's
// registry:
//   mc_inbound_reports_total{type,outcome}  inbound messages by what they were (dsn, complaint,
//       auto_reply, unstructured, not_a_report, unparsed) and what became of them:
//       recorded:  applied, duplicate, unknown_event, not_sent
//       dropped:   ignored, no_recipient, auto_reply, not_a_report, malformed (not MIME, or over
//                  the size limit), bad_signature (a forged or edited return path),
//                  unknown_return_path (no return path of ours), other_instance (signed, but
//                  for another instance)
//       refused:   unavailable (the database: the sender is told to try again)
// The label sets are few and fixed: a sender cannot make new ones.
// Failure modes: none. Thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "absl/strings/string_view.h"

namespace mc::execution {

class InboundMetrics {
 public:
  explicit InboundMetrics(prometheus::Registry& registry);

  void Counted(absl::string_view type, absl::string_view outcome);

 private:
  prometheus::Family<prometheus::Counter>& reports_;
};

}  // namespace mc::execution
