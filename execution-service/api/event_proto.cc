#include "execution-service/api/event_proto.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "execution-service/api/struct_json.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using google::protobuf::Timestamp;

absl::StatusOr<std::optional<absl::Time>> TimeFromProto(const char* field, bool has,
                                                        const Timestamp& ts) {
  if (!has) return std::optional<absl::Time>();
  if (ts.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
      ts.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": timestamp out of range"));
  }
  return std::optional<absl::Time>(absl::FromUnixSeconds(ts.seconds()) +
                                   absl::Nanoseconds(ts.nanos()));
}

void TimeToProto(absl::Time t, Timestamp* ts) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  ts->set_seconds(secs);
  ts->set_nanos(static_cast<int32_t>(rem * 1000));
}

absl::StatusOr<Queue> QueueFromProto(int queue) {
  switch (queue) {
    case v1::QUEUE_REAL_TIME:
      return Queue::kRealTime;
    case v1::QUEUE_BATCH:
      return Queue::kBatch;
    case v1::QUEUE_UNSPECIFIED:
      return absl::InvalidArgumentError("queue: required (QUEUE_REAL_TIME or QUEUE_BATCH)");
    default:
      return absl::InvalidArgumentError(absl::StrCat("queue: unknown value ", queue));
  }
}

v1::Queue QueueToProto(Queue q) {
  return q == Queue::kRealTime ? v1::QUEUE_REAL_TIME : v1::QUEUE_BATCH;
}

absl::StatusOr<NewEvent> EventFromProto(const v1::Event& p) {
  NewEvent e;
  e.type = p.type();
  e.email = p.email();
  e.mobile_phone = p.mobile_phone();
  e.device_token = p.device_token();
  e.wished_channel = p.wished_channel();
  e.external_id = p.external_id();
  e.origin = p.origin();
  e.language = p.language();
  e.country = p.country();
  e.email_format = p.email_format();
  auto scheduled = TimeFromProto("scheduled", p.has_scheduled(), p.scheduled());
  if (!scheduled.ok()) return scheduled.status();
  e.scheduled = *scheduled;
  auto expiration = TimeFromProto("expiration", p.has_expiration(), p.expiration());
  if (!expiration.ok()) return expiration.status();
  e.expiration = *expiration;
  if (p.has_ctx()) {
    if (absl::Status s = StructToJson(p.ctx(), &e.ctx_json); !s.ok()) return s;
  }
  return e;
}

void EventToProto(const NewEvent& e, v1::Event* p) {
  p->set_type(e.type);
  p->set_email(e.email);
  p->set_mobile_phone(e.mobile_phone);
  p->set_device_token(e.device_token);
  p->set_wished_channel(static_cast<v1::Channel>(e.wished_channel));
  p->set_external_id(e.external_id);
  p->set_origin(e.origin);
  p->set_language(e.language);
  p->set_country(e.country);
  p->set_email_format(static_cast<v1::EmailFormat>(e.email_format));
  if (e.scheduled) TimeToProto(*e.scheduled, p->mutable_scheduled());
  if (e.expiration) TimeToProto(*e.expiration, p->mutable_expiration());
  // Stored ctx is JSON this service wrote from a Struct: it parses back.
  (void)google::protobuf::util::JsonStringToMessage(e.ctx_json, p->mutable_ctx());
}

void StoredEventToProto(const StoredEvent& s, v1::StoredEvent* p) {
  p->set_id(s.id);
  p->set_queue(QueueToProto(s.queue));
  EventToProto(s.event, p->mutable_event());
  p->set_status(static_cast<v1::EventStatus>(s.status));
  TimeToProto(s.created, p->mutable_created());
  TimeToProto(s.updated, p->mutable_updated());
}

void EventStoryToProto(const EventStory& s, v1::EventStory* p) {
  p->set_template_name(s.template_name);
  p->set_template_version(s.template_version);
  p->set_template_language(s.template_language);
  p->set_channel(static_cast<v1::Channel>(s.channel));
  p->set_address(s.address);
  p->set_message_id(s.message_id);
  p->set_tries(s.tries);
  if (s.next_try) TimeToProto(*s.next_try, p->mutable_next_try());
  p->set_last_failure_type(static_cast<v1::FailureType>(s.last_failure_type));
  p->set_last_failure_reason(s.last_failure_reason);
  TimeToProto(s.received, p->mutable_received());
  if (s.taken_up) TimeToProto(*s.taken_up, p->mutable_taken_up());
  if (s.handed_to_relay) TimeToProto(*s.handed_to_relay, p->mutable_handed_to_relay());
  if (s.finished) TimeToProto(*s.finished, p->mutable_finished());
  for (const TimelineEntry& t : s.timeline) {
    v1::TimelineEntry* e = p->add_timeline();
    TimeToProto(t.at, e->mutable_at());
    e->set_step(static_cast<v1::TimelineStep>(t.step));
    e->set_status(static_cast<v1::EventStatus>(t.status));
    e->set_try_number(t.try_number);
    e->set_failure_type(static_cast<v1::FailureType>(t.failure_type));
    e->set_reason(t.reason);
    if (t.next_try) TimeToProto(*t.next_try, e->mutable_next_try());
  }
}

void EventWithStoryToProto(const EventWithStory& e, v1::StoredEvent* p) {
  StoredEventToProto(e.event, p);
  EventStoryToProto(e.story, p->mutable_story());
}

}  // namespace mc::execution
