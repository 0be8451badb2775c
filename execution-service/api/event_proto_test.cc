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

}  // namespace
}  // namespace mc::execution
