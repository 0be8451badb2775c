#include "execution-service/api/archive_proto.h"

#include "execution-service/api/event_proto.h"
#include "execution-service/api/workflow_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
namespace {

v1::FailureType FailureTypeToProto(const std::string& type) {
  if (type == "hard") return v1::FAILURE_TYPE_HARD;
  if (type == "soft") return v1::FAILURE_TYPE_SOFT;
  return v1::FAILURE_TYPE_UNSPECIFIED;
}

// An attempt as its timeline entry: a retried soft failure (the event stays Pending delivery),
// a late bounce (hard: the event becomes Delivery failed; soft: it stays Sent) or a complaint.
void RetryToProto(const ArchivedRetry& r, v1::TimelineEntry* p) {
  TimeToProto(r.tried, p->mutable_at());
  p->set_step(r.kind == 0   ? v1::TIMELINE_STEP_RETRIED
              : r.kind == 3 ? v1::TIMELINE_STEP_COMPLAINED
                            : v1::TIMELINE_STEP_BOUNCED);
  p->set_status(r.kind == 0   ? v1::EVENT_STATUS_PENDING_DELIVERY
                : r.kind == 1 ? v1::EVENT_STATUS_DELIVERY_FAILED
                              : v1::EVENT_STATUS_SENT);
  p->set_try_number(r.try_number);
  p->set_failure_type(FailureTypeToProto(r.failure_type));
  p->set_reason(r.reason);
  if (r.next_try) TimeToProto(*r.next_try, p->mutable_next_try());
}

}  // namespace

ArchiveCursor ArchiveCursorFromProto(const v1::ArchiveCursor& p) {
  return {.xid = p.xid(), .queue = p.queue(), .id = p.id()};
}

void ArchiveCursorToProto(const ArchiveCursor& c, v1::ArchiveCursor* p) {
  p->set_xid(c.xid);
  p->set_queue(static_cast<v1::Queue>(c.queue));
  p->set_id(c.id);
}

ArchiveExportRequest ArchiveExportRequestFromProto(const v1::ExportArchiveRequest& p) {
  return {.after = ArchiveCursorFromProto(p.after()),
          .page_size = p.page_size(),
          .max_pages = p.max_pages(),
          .expected_instance_id = p.expected_instance_id()};
}

void ArchivedEventToProto(const ArchivedEvent& e, v1::ArchivedEvent* p) {
  p->set_id(e.id);
  p->set_queue(QueueToProto(e.queue));
  p->set_event_type(e.event_type);
  p->set_channel(static_cast<v1::Channel>(e.channel));
  p->set_address(e.address);
  p->set_external_id(e.external_id);
  p->set_status(static_cast<v1::EventStatus>(e.status));
  p->set_template_internal_name(e.template_internal_name);
  p->set_template_version(e.template_version);
  p->set_tries(e.tries);
  TimeToProto(e.created, p->mutable_created());
  if (e.routed) TimeToProto(*e.routed, p->mutable_routed());
  TimeToProto(e.finished, p->mutable_finished());
  if (e.delivery_log) {
    const ArchivedDeliveryLog& l = *e.delivery_log;
    v1::ArchivedDeliveryLog* pl = p->mutable_delivery_log();
    pl->set_id(l.id);
    pl->set_channel(static_cast<v1::Channel>(l.channel));
    pl->set_address(l.address);
    pl->set_status(static_cast<v1::EventStatus>(l.status));
    pl->set_failure_type(l.failure_type);
    pl->set_failure_reason(l.failure_reason);
    pl->set_tries(l.tries);
    pl->set_message_id(l.message_id);
    pl->set_template_version(l.template_version);
    TimeToProto(l.logged, pl->mutable_logged());
  }
  ArchiveCursorToProto(e.cursor, p->mutable_cursor());
  for (const ArchivedRetry& r : e.retries) RetryToProto(r, p->add_retries());
  p->set_message_id(e.message_id);
}

void ArchivePageToProto(const ArchivePage& page, v1::ExportArchivePage* p) {
  p->set_instance_id(page.instance_id);
  p->mutable_events()->Reserve(static_cast<int>(page.events.size()));
  for (const ArchivedEvent& e : page.events) ArchivedEventToProto(e, p->add_events());
  ArchiveCursorToProto(page.next, p->mutable_next());
  p->set_caught_up(page.caught_up);
}

void QuarantinePageToProto(const QuarantinePage& page, v1::ExportQuarantinePage* p) {
  p->set_instance_id(page.instance_id);
  for (const QuarantinedAddress& a : page.addresses) {
    v1::QuarantinedAddress* pa = p->add_addresses();
    pa->set_channel(static_cast<v1::Channel>(a.channel));
    pa->set_address(a.address);
    pa->set_kind(a.kind);
    pa->set_reason(a.reason);
    TimeToProto(a.created, pa->mutable_created());
    pa->set_failure_type(a.failure_type);
    pa->set_errors(a.errors);
    TimeToProto(a.first_seen, pa->mutable_first_seen());
    TimeToProto(a.last_seen, pa->mutable_last_seen());
    if (a.expires) TimeToProto(*a.expires, pa->mutable_expires());
    pa->set_active(a.active);
    pa->set_event_queue(a.event_queue);
    pa->set_event_id(a.event_id);
    if (a.removed) TimeToProto(*a.removed, pa->mutable_removed());
    pa->set_changed_by(a.changed_by);
    TimeToProto(a.changed_at, pa->mutable_changed_at());
  }
}

void InstanceInfoToProto(const InstanceInfo& info, v1::InstanceInfo* p) {
  p->set_version(info.version);
  p->set_instance_id(info.instance_id);
  p->set_schema(info.schema);
  for (const WorkflowInfo& w : info.workflows) WorkflowToProto(w, p->add_workflows());
  p->set_workflows_started(info.workflows_started);
}

}  // namespace mc::execution
