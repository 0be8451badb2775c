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

}  // namespace mc::execution
