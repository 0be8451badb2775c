#include "execution-service/webhooks/webhook_payload.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "execution-service/webhooks/webhook_text.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;

namespace {

void TimeToProto(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  ts->set_seconds(secs);
  ts->set_nanos(static_cast<int32_t>(rem * 1000));
}

v1::FailureType FailureTypeToProto(const std::string& f) {
  if (f == "hard") return v1::FAILURE_TYPE_HARD;
  if (f == "soft") return v1::FAILURE_TYPE_SOFT;
  return v1::FAILURE_TYPE_UNSPECIFIED;
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string out;
  if (auto s = google::protobuf::util::MessageToJsonString(m, &out, options); !s.ok()) {
    return absl::InternalError(absl::StrCat("webhook payload: ", s.ToString()));
  }
  return out;
}

}  // namespace

void WebhookPayloadToProto(const WebhookChange& c, v1::WebhookPayload* out) {
  out->set_type(c.attempt ? "event.attempt" : "event.status");
  TimeToProto(c.changed_at, out->mutable_timestamp());
  v1::WebhookData* d = out->mutable_data();
  d->set_webhook_id(ValidUtf8(c.webhook_id));
  d->set_instance_id(ValidUtf8(c.instance_id));
  d->set_event_id(c.event_id);
  d->set_external_id(ValidUtf8(c.external_id));
  d->set_queue(c.queue == Queue::kRealTime ? v1::QUEUE_REAL_TIME : v1::QUEUE_BATCH);
  d->set_event_type(ValidUtf8(c.event_type));
  d->set_status(static_cast<v1::EventStatus>(static_cast<int>(c.status)));
  d->set_status_label(std::string(StatusLabel(c.status)));
  d->set_failure_type(FailureTypeToProto(c.failure_type));
  d->set_reason(ValidUtf8(c.reason));
  d->set_template_name(ValidUtf8(c.template_name));
  d->set_template_version(c.template_version);
  d->set_message_id(ValidUtf8(c.message_id));
  d->set_try_number(c.try_number);
  if (c.next_try) TimeToProto(*c.next_try, d->mutable_next_try());
}

absl::StatusOr<std::string> WebhookPayloadJson(const WebhookChange& change) {
  v1::WebhookPayload p;
  WebhookPayloadToProto(change, &p);
  return ToJson(p);
}

absl::StatusOr<std::string> WebhookBatchJson(absl::Span<const WebhookChange* const> changes) {
  v1::WebhookBatch b;
  for (const WebhookChange* c : changes) WebhookPayloadToProto(*c, b.add_webhooks());
  return ToJson(b);
}

std::string BatchWebhookId(const WebhookChange& first) {
  return absl::StrCat("batch_", first.webhook_id);
}

}  // namespace mc::execution
