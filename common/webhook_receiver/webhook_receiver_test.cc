// The receiver's handling of requests, fed directly (no HTTP): signed single and batched
// payloads, duplicates by webhook id, refusals, latencies from the payload's change time; and
// once over a real WebhookSink on loopback.
#include "common/webhook_receiver/webhook_receiver.h"

#include <arpa/inet.h>
#include <google/protobuf/util/json_util.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/webhook_receiver/webhook_signature.h"
#include "messagecenter/v1/webhooks.pb.h"

namespace mc::webhook_receiver {
namespace {
namespace v1 = messagecenter::v1;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

v1::WebhookPayload Payload(const std::string& webhook_id, int64_t event_id, v1::EventStatus status,
                           absl::Time changed) {
  v1::WebhookPayload p;
  p.set_type("event.status");
  const int64_t micros = absl::ToUnixMicros(changed);  // positive: no rounding to mind
  p.mutable_timestamp()->set_seconds(micros / 1000000);
  p.mutable_timestamp()->set_nanos(static_cast<int32_t>(micros % 1000000 * 1000));
  p.mutable_data()->set_webhook_id(webhook_id);
  p.mutable_data()->set_instance_id("exec1-0123abcd");
  p.mutable_data()->set_event_id(event_id);
  p.mutable_data()->set_status(status);
  return p;
}

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

sinks::WebhookSink::Request Signed(const std::string& key, const std::string& id,
                                   const std::string& body, absl::Time sent = kNow) {
  sinks::WebhookSink::Request r;
  r.method = "POST";
  r.path = "/webhook";
  const std::string ts = absl::StrCat(absl::ToUnixSeconds(sent));
  r.headers = {{"content-type", "application/json"},
               {"webhook-id", id},
               {"webhook-timestamp", ts},
               {"webhook-signature", WebhookSignature(key, id, ts, body)}};
  r.body = body;
  return r;
}

TEST_CASE("a signed payload and a signed batch are counted once per webhook id") {
  const std::string key = NewWebhookKey();
  WebhookReceiver receiver({.key = key, .keep_latencies = true, .keep_changes = true});
  const absl::Time changed = kNow - absl::Milliseconds(1500) + absl::Microseconds(250);
  CHECK(receiver.Handle(
            Signed(key, "wh_a_1_1", Json(Payload("wh_a_1_1", 1, v1::EVENT_STATUS_SENT, changed))),
            kNow) == 200);
  v1::WebhookBatch batch;
  *batch.add_webhooks() = Payload("wh_a_2_2", 2, v1::EVENT_STATUS_EXPIRED, changed);
  *batch.add_webhooks() = Payload("wh_a_1_1", 1, v1::EVENT_STATUS_SENT, changed);  // again
  *batch.add_webhooks() = Payload("wh_a_3_3", 3, v1::EVENT_STATUS_SENT, changed);
  CHECK(receiver.Handle(Signed(key, "batch_wh_a_2_2", Json(batch)), kNow + absl::Seconds(1)) ==
        200);

  ReceiverCounts c = receiver.counts();
  CHECK(c.posts == 2);
  CHECK(c.webhooks == 4);
  CHECK(c.unique == 3);
  CHECK(receiver.unique() == 3);
  CHECK(c.duplicates == 1);
  CHECK(c.bad_signatures == 0);
  CHECK(c.unparsable == 0);
  CHECK(c.by_status ==
        std::map<int, int64_t>{{v1::EVENT_STATUS_SENT, 2}, {v1::EVENT_STATUS_EXPIRED, 1}});
  CHECK(c.last_new == kNow + absl::Seconds(1));
  const std::vector<absl::Duration> latencies = receiver.TakeLatencies();
  REQUIRE(latencies.size() == 3);
  CHECK(latencies[0] == absl::Microseconds(1499750));
  CHECK(latencies[1] == absl::Microseconds(2499750));
  CHECK(receiver.TakeLatencies().empty());
  const std::vector<ReceivedChange> changes = receiver.TakeChanges();
  REQUIRE(changes.size() == 3);
  CHECK(changes[1].event_id == 2);
  CHECK(changes[1].status == v1::EVENT_STATUS_EXPIRED);
  CHECK(changes[1].instance_id == "exec1-0123abcd");
}

TEST_CASE("unsigned, badly signed, stale and unparsable requests are refused and counted") {
  const std::string key = NewWebhookKey();
  WebhookReceiver receiver({.key = key});
  const std::string body = Json(Payload("wh_a_1_1", 1, v1::EVENT_STATUS_SENT, kNow));

  sinks::WebhookSink::Request other_key = Signed(NewWebhookKey(), "wh_a_1_1", body);
  CHECK(receiver.Handle(other_key, kNow) == 401);
  sinks::WebhookSink::Request tampered = Signed(key, "wh_a_1_1", body);
  tampered.body[tampered.body.size() / 2] ^= 1;
  CHECK(receiver.Handle(tampered, kNow) == 401);
  CHECK(receiver.Handle(Signed(key, "wh_a_1_1", body, kNow - absl::Minutes(10)), kNow) == 401);
  sinks::WebhookSink::Request unsigned_request = Signed(key, "wh_a_1_1", body);
  unsigned_request.headers.pop_back();
  CHECK(receiver.Handle(unsigned_request, kNow) == 401);
  CHECK(receiver.counts().last_error == "webhook-signature: missing");

  CHECK(receiver.Handle(Signed(key, "wh_a_1_1", "not json"), kNow) == 400);
  CHECK(receiver.Handle(Signed(key, "wh_a_1_1", "{}"), kNow) == 400);  // no webhook id
  CHECK(receiver.Handle(Signed(key, "batch_wh_a_1_1", R"({"webhooks":[]})"), kNow) == 400);

  const ReceiverCounts c = receiver.counts();
  CHECK(c.posts == 7);
  CHECK(c.bad_signatures == 4);
  CHECK(c.unparsable == 3);
  CHECK(c.webhooks == 0);
  CHECK(c.unique == 0);
  CHECK(c.last_error == "body: not a WebhookPayload or WebhookBatch with webhook ids");
}

TEST_CASE("attached to a WebhookSink, it answers real POSTs") {
  const std::string key = NewWebhookKey();
  WebhookReceiver receiver({.key = key});
  absl::StatusOr<std::unique_ptr<sinks::WebhookSink>> sink =
      sinks::WebhookSink::Start({.keep_requests = false});
  REQUIRE(sink.ok());
  receiver.Attach(**sink);

  const std::string body =
      Json(Payload("wh_a_1_1", 1, v1::EVENT_STATUS_SENT, absl::Now() - absl::Seconds(1)));
  const sinks::WebhookSink::Request good = Signed(key, "wh_a_1_1", body, absl::Now());
  const sinks::WebhookSink::Request bad = Signed(NewWebhookKey(), "wh_a_1_1", body, absl::Now());
  std::string wire;
  for (const auto* r : {&good, &bad}) {
    absl::StrAppend(&wire,
                    "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ", r->body.size(),
                    "\r\n");
    for (const auto& [name, value] : r->headers) absl::StrAppend(&wire, name, ": ", value, "\r\n");
    absl::StrAppend(&wire, "\r\n", r->body);
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>((*sink)->port()));
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(send(fd, wire.data(), wire.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(wire.size()));
  std::string answers;
  while (answers.find("HTTP/1.1 401") == std::string::npos) {
    char chunk[4096];
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    REQUIRE(n > 0);
    answers.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  CHECK(answers.rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(receiver.counts().unique == 1);
  CHECK(receiver.counts().bad_signatures == 1);
}

}  // namespace
}  // namespace mc::webhook_receiver
