#include "control-service/execution/suppression_proto.h"

#include "common/grpc/timestamps.h"

namespace mc::control {
namespace v1 = messagecenter::v1;

SuppressionEntry SuppressionFromProto(const v1::Suppression& p) {
  SuppressionEntry e{.channel = p.channel(),
                     .address = p.address(),
                     .kind = static_cast<SuppressionKind>(p.kind()),
                     .failure_type = p.failure_type(),
                     .reason = p.reason(),
                     .errors = p.errors(),
                     .first_seen = grpcutil::FromTimestamp(p.first_seen()),
                     .last_seen = grpcutil::FromTimestamp(p.last_seen()),
                     .state = static_cast<SuppressionState>(p.state()),
                     .event_queue = p.event_queue(),
                     .event_id = p.event_id(),
                     .changed_by = p.changed_by(),
                     .changed_at = grpcutil::FromTimestamp(p.changed_at())};
  if (p.has_expires()) e.expires = grpcutil::FromTimestamp(p.expires());
  if (p.has_removed()) e.removed = grpcutil::FromTimestamp(p.removed());
  return e;
}

void SuppressionToProto(const SuppressionEntry& e, v1::Suppression* p) {
  p->set_channel(e.channel);
  p->set_address(e.address);
  p->set_kind(static_cast<v1::SuppressionKind>(e.kind));
  p->set_failure_type(e.failure_type);
  p->set_reason(e.reason);
  p->set_errors(e.errors);
  grpcutil::ToTimestamp(e.first_seen, p->mutable_first_seen());
  grpcutil::ToTimestamp(e.last_seen, p->mutable_last_seen());
  if (e.expires) grpcutil::ToTimestamp(*e.expires, p->mutable_expires());
  p->set_state(static_cast<v1::SuppressionState>(e.state));
  p->set_event_queue(e.event_queue);
  p->set_event_id(e.event_id);
  p->set_changed_by(e.changed_by);
  grpcutil::ToTimestamp(e.changed_at, p->mutable_changed_at());
  if (e.removed) grpcutil::ToTimestamp(*e.removed, p->mutable_removed());
}

}  // namespace mc::control
