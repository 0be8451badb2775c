#include "execution-service/api/event_proto.h"

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {
namespace v1 = messagecenter::v1;

TEST_CASE("queue values") {
  CHECK(*QueueFromProto(v1::QUEUE_REAL_TIME) == Queue::kRealTime);
  CHECK(*QueueFromProto(v1::QUEUE_BATCH) == Queue::kBatch);
  CHECK(QueueFromProto(v1::QUEUE_UNSPECIFIED).status().message().rfind("queue:", 0) == 0);
  CHECK(QueueFromProto(7).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("an event round-trips through the domain type") {
  v1::Event p;
  p.set_type("PASSWORD_RESET");
  p.set_email("a@b.co");
  p.set_wished_channel(v1::CHANNEL_SMS);
  p.set_external_id("k1");
  p.set_email_format(v1::EMAIL_FORMAT_HTML);
  p.mutable_scheduled()->set_seconds(1800000000);
  p.mutable_scheduled()->set_nanos(123456000);
  REQUIRE(google::protobuf::util::JsonStringToMessage(R"({"user":{"name":"Ana"},"n":3})",
                                                      p.mutable_ctx())
              .ok());
  absl::StatusOr<NewEvent> e = EventFromProto(p);
  REQUIRE(e.ok());
  CHECK(e->wished_channel == 1);
  CHECK(e->email_format == 2);
  CHECK(absl::ToUnixMicros(*e->scheduled) == 1800000000123456);
  CHECK_FALSE(e->expiration.has_value());
  CHECK(e->ctx_json.find("\"Ana\"") != std::string::npos);
  v1::Event back;
  EventToProto(*e, &back);
  CHECK(back.type() == "PASSWORD_RESET");
  CHECK(back.scheduled().nanos() == 123456000);
  CHECK(back.ctx().fields().at("user").struct_value().fields().at("name").string_value() == "Ana");
}

TEST_CASE("out-of-range timestamps are refused") {
  v1::Event p;
  p.mutable_expiration()->set_seconds(999999999999LL);
  CHECK(EventFromProto(p).status().message().rfind("expiration:", 0) == 0);
}

TEST_CASE("a story becomes the proto field for field; unset times stay unset") {
  EventWithStory e;
  e.event.id = 7;
  e.event.status = EventStatus::kPendingDelivery;
  EventStory& s = e.story;
  s.template_name = "shipped";
  s.template_version = 2;
  s.channel = 1;
  s.address = "+33612345678";
  s.message_id = "<ev-rt-7@x>";
  s.tries = 1;
  s.next_try = absl::FromUnixMillis(1700000000250);
  s.last_failure_type = FailureType::kSoft;
  s.last_failure_reason = "451 later";
  s.received = absl::FromUnixSeconds(1700000000);
  s.taken_up = absl::FromUnixSeconds(1700000001);
  s.timeline.push_back({.at = s.received, .step = TimelineStep::kReceived});
  s.timeline.push_back({.at = absl::FromUnixSeconds(1700000002),
                        .step = TimelineStep::kRetried,
                        .status = EventStatus::kPendingDelivery,
                        .try_number = 1,
                        .failure_type = FailureType::kSoft,
                        .reason = "451 later",
                        .next_try = s.next_try});
  v1::StoredEvent p;
  EventWithStoryToProto(e, &p);
  CHECK(p.id() == 7);
  const v1::EventStory& ps = p.story();
  CHECK(ps.template_name() == "shipped");
  CHECK(ps.template_version() == 2);
  CHECK(ps.channel() == v1::CHANNEL_SMS);
  CHECK(ps.address() == "+33612345678");
  CHECK(ps.message_id() == "<ev-rt-7@x>");
  CHECK(ps.tries() == 1);
  CHECK(ps.next_try().seconds() == 1700000000);
  CHECK(ps.next_try().nanos() == 250000000);
  CHECK(ps.last_failure_type() == v1::FAILURE_TYPE_SOFT);
  CHECK(ps.last_failure_reason() == "451 later");
  CHECK(ps.received().seconds() == 1700000000);
  CHECK(ps.taken_up().seconds() == 1700000001);
  CHECK_FALSE(ps.has_handed_to_relay());
  CHECK_FALSE(ps.has_finished());
  REQUIRE(ps.timeline_size() == 2);
  CHECK(ps.timeline(0).step() == v1::TIMELINE_STEP_RECEIVED);
  CHECK(ps.timeline(0).status() == v1::EVENT_STATUS_PENDING);
  CHECK_FALSE(ps.timeline(0).has_next_try());
  CHECK(ps.timeline(1).step() == v1::TIMELINE_STEP_RETRIED);
  CHECK(ps.timeline(1).try_number() == 1);
  CHECK(ps.timeline(1).failure_type() == v1::FAILURE_TYPE_SOFT);
  CHECK(ps.timeline(1).reason() == "451 later");
  CHECK(ps.timeline(1).next_try().nanos() == 250000000);
}

}  // namespace
}  // namespace mc::execution
