// The webhook bodies: the exact JSON of a change, every field read back through protobuf's
// parser, a batch, and text that is not UTF-8.
#include "execution-service/webhooks/webhook_payload.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {
namespace v1 = messagecenter::v1;

WebhookChange Change() {
  WebhookChange c;
  c.outbox_id = 7;
  c.webhook_id = "wh_mc_exec_1_42_7";
  c.queue = Queue::kRealTime;
  c.event_id = 42;
  c.status = EventStatus::kSent;
  c.event_type = "ORDER_SHIPPED";
  c.external_id = "order-1234";
  c.template_name = "shipping";
  c.template_version = 3;
  c.message_id = "ev-rt-42@mc.test";
  c.try_number = 1;
  c.changed_at = absl::FromUnixSeconds(1714557600);  // 2024-05-01T10:00:00Z
  c.instance_id = "exec-1";
  return c;
}

TEST_CASE("a status change is the JSON of WebhookPayload, fields at their default left out") {
  absl::StatusOr<std::string> json = WebhookPayloadJson(Change());
  REQUIRE(json.ok());
  CHECK(*json ==
        R"({"type":"event.status","timestamp":"2024-05-01T10:00:00Z","data":{)"
        R"("webhookId":"wh_mc_exec_1_42_7","instanceId":"exec-1","eventId":"42",)"
        R"("externalId":"order-1234","queue":"QUEUE_REAL_TIME","eventType":"ORDER_SHIPPED",)"
        R"("status":"EVENT_STATUS_SENT","statusLabel":"Sent","templateName":"shipping",)"
        R"("templateVersion":3,"messageId":"ev-rt-42@mc.test","tryNumber":1}})");
}

TEST_CASE("a retried soft failure is event.attempt; every field reads back") {
  WebhookChange c = Change();
  c.attempt = true;
  c.queue = Queue::kBatch;
  c.status = EventStatus::kPendingDelivery;
  c.failure_type = "soft";
  c.reason = "452 4.2.2 <jane@example.com>: mailbox \"full\"";
  c.message_id = "<ev-batch-42@mc.test>";
  c.try_number = 2;
  c.next_try = absl::FromUnixMicros(1714557900123456);
  c.changed_at = absl::FromUnixMicros(1714557600500000);
  absl::StatusOr<std::string> json = WebhookPayloadJson(c);
  REQUIRE(json.ok());
  CHECK(json->find(R"("type":"event.attempt")") != std::string::npos);
  CHECK(json->find(R"("timestamp":"2024-05-01T10:00:00.500Z")") != std::string::npos);
  CHECK(json->find(R"("nextTry":"2024-05-01T10:05:00.123456Z")") != std::string::npos);

  v1::WebhookPayload back;
  REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  v1::WebhookPayload want;
  want.set_type("event.attempt");
  want.mutable_timestamp()->set_seconds(1714557600);
  want.mutable_timestamp()->set_nanos(500000000);
  v1::WebhookData* d = want.mutable_data();
  d->set_webhook_id("wh_mc_exec_1_42_7");
  d->set_instance_id("exec-1");
  d->set_event_id(42);
  d->set_external_id("order-1234");
  d->set_queue(v1::QUEUE_BATCH);
  d->set_event_type("ORDER_SHIPPED");
  d->set_status(v1::EVENT_STATUS_PENDING_DELIVERY);
  d->set_status_label("Pending delivery");
  d->set_failure_type(v1::FAILURE_TYPE_SOFT);
  d->set_reason("452 4.2.2 <jane@example.com>: mailbox \"full\"");
  d->set_template_name("shipping");
  d->set_template_version(3);
  d->set_message_id("<ev-batch-42@mc.test>");
  d->set_try_number(2);
  d->mutable_next_try()->set_seconds(1714557900);
  d->mutable_next_try()->set_nanos(123456000);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  const bool same = differ.Compare(want, back);
  INFO(diff);
  CHECK(same);

  c.failure_type = "hard";
  WebhookPayloadToProto(c, &back);
  CHECK(back.data().failure_type() == v1::FAILURE_TYPE_HARD);
  c.failure_type = "";
  back.Clear();
  WebhookPayloadToProto(c, &back);
  CHECK(back.data().failure_type() == v1::FAILURE_TYPE_UNSPECIFIED);
}

TEST_CASE("every status maps to its proto number and ACC label") {
  const std::pair<EventStatus, v1::EventStatus> rows[] = {
      {EventStatus::kPending, v1::EVENT_STATUS_PENDING},
      {EventStatus::kPendingDelivery, v1::EVENT_STATUS_PENDING_DELIVERY},
      {EventStatus::kSent, v1::EVENT_STATUS_SENT},
      {EventStatus::kIgnoredByDelivery, v1::EVENT_STATUS_IGNORED_BY_DELIVERY},
      {EventStatus::kDeliveryFailed, v1::EVENT_STATUS_DELIVERY_FAILED},
      {EventStatus::kNotTakenIntoAccount, v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT},
      {EventStatus::kExpired, v1::EVENT_STATUS_EXPIRED},
  };
  for (const auto& [status, proto] : rows) {
    WebhookChange c = Change();
    c.status = status;
    v1::WebhookPayload p;
    WebhookPayloadToProto(c, &p);
    CHECK(p.data().status() == proto);
    CHECK(p.data().status_label() == StatusLabel(status));
  }
}

TEST_CASE("a batch is WebhookBatch of its changes in order; its id is batch_ and the first's") {
  WebhookChange a = Change(), b = Change();
  b.webhook_id = "wh_mc_exec_1_43_8";
  b.event_id = 43;
  b.status = EventStatus::kExpired;
  absl::StatusOr<std::string> json = WebhookBatchJson({&a, &b});
  REQUIRE(json.ok());
  CHECK(json->rfind(R"({"webhooks":[{"type":"event.status",)", 0) == 0);
  v1::WebhookBatch back;
  REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  REQUIRE(back.webhooks_size() == 2);
  CHECK(back.webhooks(0).data().webhook_id() == "wh_mc_exec_1_42_7");
  CHECK(back.webhooks(1).data().webhook_id() == "wh_mc_exec_1_43_8");
  CHECK(back.webhooks(1).data().status() == v1::EVENT_STATUS_EXPIRED);
  // Each item is exactly the single payload of its change.
  CHECK(json->find(*WebhookPayloadJson(a)) != std::string::npos);
  CHECK(json->find(*WebhookPayloadJson(b)) != std::string::npos);
  CHECK(BatchWebhookId(a) == "batch_wh_mc_exec_1_42_7");
  CHECK(*WebhookBatchJson({}) == "{}");
}

TEST_CASE("text that is not UTF-8 still makes valid JSON") {
  WebhookChange c = Change();
  c.reason = "550 \xFF\xFE refused";
  absl::StatusOr<std::string> json = WebhookPayloadJson(c);
  REQUIRE(json.ok());
  v1::WebhookPayload back;
  REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  CHECK(back.data().reason() == "550 \xEF\xBF\xBD\xEF\xBF\xBD refused");
}

}  // namespace
}  // namespace mc::execution
