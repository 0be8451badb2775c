#include "execution-service/inbound/inbound_metrics.h"

#include <string>

namespace mc::execution {

InboundMetrics::InboundMetrics(prometheus::Registry& registry)
    : reports_(prometheus::BuildCounter()
                   .Name("mc_inbound_reports_total")
                   .Help("Messages the bounce listener received, by type (dsn, complaint, "
                         "auto_reply, unstructured, not_a_report, unparsed) and outcome "
                         "(applied, duplicate, unknown_event, not_sent, ignored, no_recipient, "
                         "auto_reply, not_a_report, malformed, bad_signature, "
                         "unknown_return_path, other_instance, unavailable)")
                   .Register(registry)) {}

void InboundMetrics::Counted(absl::string_view type, absl::string_view outcome) {
  reports_.Add({{"type", std::string(type)}, {"outcome", std::string(outcome)}}).Increment();
}

}  // namespace mc::execution
