#include "control-service/api/archive_search_proto.h"

#include "common/grpc/timestamps.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;
using grpcutil::FromTimestamp;
using grpcutil::ToTimestamp;

namespace {

v1::FailureType FailureTypeToProto(const std::string& type) {
  if (type == "hard") return v1::FAILURE_TYPE_HARD;
  if (type == "soft") return v1::FAILURE_TYPE_SOFT;
  return v1::FAILURE_TYPE_UNSPECIFIED;
}

void EntryToProto(const TimelineEntry& e, v1::TimelineEntry* p) {
  ToTimestamp(e.at, p->mutable_at());
  p->set_step(static_cast<v1::TimelineStep>(e.step));
  p->set_status(static_cast<v1::EventStatus>(e.status));
  p->set_try_number(e.try_number);
  p->set_failure_type(FailureTypeToProto(e.failure_type));
  p->set_reason(e.reason);
  if (e.next_try) ToTimestamp(*e.next_try, p->mutable_next_try());
}

}  // namespace

SearchRequest SearchRequestFromProto(const pb::SearchEventsRequest& p) {
  SearchRequest r;
  r.filter.accounts.assign(p.accounts().begin(), p.accounts().end());
  r.filter.address = p.address();
  r.filter.external_id = p.external_id();
  r.filter.event_type = p.event_type();
  if (p.has_status()) r.filter.status = static_cast<int>(p.status());
  if (p.has_received_after()) r.filter.received_after = FromTimestamp(p.received_after());
  if (p.has_received_before()) r.filter.received_before = FromTimestamp(p.received_before());
  r.page_size = p.page_size();
  r.page_token = p.page_token();
  return r;
}

void StoryToProto(const ArchivedStory& s, pb::ArchivedEventStory* p) {
  p->set_account(s.account);
  p->set_instance_id(s.instance_id);
  p->set_event_id(s.event_id);
  p->set_queue(static_cast<v1::Queue>(s.queue));
  p->set_event_type(s.event_type);
  p->set_external_id(s.external_id);
  p->set_channel(static_cast<v1::Channel>(s.channel));
  p->set_address(s.address);
  p->set_status(static_cast<v1::EventStatus>(s.status));
  p->set_template_name(s.template_name);
  p->set_template_version(s.template_version);
  p->set_message_id(s.message_id);
  p->set_tries(s.tries);
  p->set_last_failure_type(FailureTypeToProto(s.last_failure_type));
  p->set_last_failure_reason(s.last_failure_reason);
  ToTimestamp(s.received, p->mutable_received());
  if (s.taken_up) ToTimestamp(*s.taken_up, p->mutable_taken_up());
  if (s.handed_to_relay) ToTimestamp(*s.handed_to_relay, p->mutable_handed_to_relay());
  ToTimestamp(s.finished, p->mutable_finished());
  ToTimestamp(s.archived, p->mutable_archived());
  for (const TimelineEntry& e : s.timeline) EntryToProto(e, p->add_timeline());
}

}  // namespace mc::control
