#include "common/grpc/call_gate.h"

#include <google/protobuf/struct.pb.h>
#include <grpcpp/support/byte_buffer.h>

#include <catch2/catch.hpp>
#include <thread>

#include "absl/time/clock.h"

namespace mc::grpcutil {
namespace {

constexpr char kToken[] = "gate-test-token-0123456789";

BearerAuth Auth() { return *BearerAuth::FromConfig(absl::StrCat("pusher:", kToken), ""); }

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

google::protobuf::Struct Nested(int levels) {
  google::protobuf::Struct top;
  google::protobuf::Struct* cur = &top;
  for (int i = 1; i < levels; ++i) cur = (*cur->mutable_fields())["d"].mutable_struct_value();
  return top;
}

TEST_CASE("the roles table: entries found, a missing method is NOT_FOUND") {
  BearerAuth auth = Auth();
  CallGate gate(auth, {{"pkg.S.M", kPusher}});
  CHECK(*gate.RolesOf("pkg.S.M") == kPusher);
  CHECK(gate.RolesOf("pkg.S.Other").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("Enter: the token and its role, counted until Leave") {
  BearerAuth auth = Auth();
  CallGate gate(auth, {});
  const std::string header = absl::StrCat("Bearer ", kToken);
  CHECK(gate.Enter("", kPusher).code() == absl::StatusCode::kUnauthenticated);
  CHECK(gate.Enter("Bearer wrong-token-0123456789", kPusher).code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(gate.Enter(header, kOperator).code() == absl::StatusCode::kPermissionDenied);
  CHECK(gate.in_flight() == 0);
  REQUIRE(gate.Enter(header, kPusher).ok());
  CHECK(gate.in_flight() == 1);
  gate.Leave();
  CHECK(gate.in_flight() == 0);
}

TEST_CASE("Drain: refuses new calls, waits for the one in flight, then for callers to stop") {
  BearerAuth auth = Auth();
  CallGate gate(auth, {});
  const std::string header = absl::StrCat("Bearer ", kToken);
  REQUIRE(gate.Enter(header, kPusher).ok());
  std::atomic<bool> drained{false};
  std::thread drain([&] {
    gate.Drain(absl::Now() + absl::Hours(1), absl::Milliseconds(50));
    drained = true;
  });
  // Refused while draining, even with a good token (it may take the drain a moment to start).
  absl::Status refused;
  do {
    refused = gate.Enter(header, kPusher);
    if (refused.ok()) gate.Leave();
  } while (refused.ok());
  CHECK(refused.code() == absl::StatusCode::kUnavailable);
  CHECK_FALSE(drained.load());  // the admitted call is still in flight
  gate.Leave();
  drain.join();
  CHECK(drained.load());
  CHECK(gate.Enter(header, kPusher).code() == absl::StatusCode::kUnavailable);
}

// The SIGTERM race: the calls in flight end before their callers send the next ones, which
// must still find the gate refusing, not a closed transport.
TEST_CASE("Drain waits `quiet` after it began even when no call was ever refused") {
  BearerAuth auth = Auth();
  CallGate gate(auth, {});
  const std::string header = absl::StrCat("Bearer ", kToken);
  REQUIRE(gate.Enter(header, kPusher).ok());
  std::atomic<bool> drained{false};
  std::thread drain([&] {
    gate.Drain(absl::Now() + absl::Hours(1), absl::Seconds(2));
    drained = true;
  });
  absl::SleepFor(absl::Milliseconds(20));  // no call refused meanwhile
  gate.Leave();  // the last call in flight ends before its caller sends the next one
  absl::SleepFor(absl::Milliseconds(20));
  CHECK_FALSE(drained.load());
  CHECK(gate.Enter(header, kPusher).code() == absl::StatusCode::kUnavailable);
  drain.join();
  CHECK(drained.load());
}

TEST_CASE("Drain returns at its deadline with a call still in flight") {
  BearerAuth auth = Auth();
  CallGate gate(auth, {});
  REQUIRE(gate.Enter(absl::StrCat("Bearer ", kToken), kPusher).ok());
  gate.Drain(absl::Now() + absl::Milliseconds(20), absl::Milliseconds(10));
  CHECK(gate.in_flight() == 1);
}

TEST_CASE("Parse: the message, or INVALID_ARGUMENT for what is not it") {
  google::protobuf::Struct s = Nested(3);
  google::protobuf::Struct parsed;
  REQUIRE(CallGate::Parse(Bytes(s.SerializeAsString()), &parsed).ok());
  CHECK(parsed.SerializeAsString() == s.SerializeAsString());
  for (const std::string& bad : {std::string(64, '\xff'), std::string(1 << 20, '\0'),
                                 s.SerializeAsString() + std::string(8, '\0')}) {
    absl::Status st = CallGate::Parse(Bytes(bad), &parsed);
    CHECK(st.code() == absl::StatusCode::kInvalidArgument);
    CHECK(st.message().rfind("request: could not be parsed as google.protobuf.Struct", 0) == 0);
  }
}

TEST_CASE("Parse nests far deeper than protobuf's default (100), up to the gate's own limit") {
  google::protobuf::Struct parsed;
  // Three parser levels per level of Struct nesting.
  CHECK(CallGate::Parse(Bytes(Nested(120).SerializeAsString()), &parsed).ok());
  CHECK(CallGate::Parse(Bytes(Nested(CallGate::kParseRecursionLimit).SerializeAsString()), &parsed)
            .code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Serialize then Parse gives the message back, also over several slices") {
  google::protobuf::Struct s;
  (*s.mutable_fields())["big"].set_string_value(std::string(100000, 'x'));
  grpc::ByteBuffer body;
  REQUIRE(CallGate::Serialize(s, &body).ok());
  google::protobuf::Struct parsed;
  REQUIRE(CallGate::Parse(body, &parsed).ok());
  CHECK(parsed.fields().at("big").string_value().size() == 100000);
}

}  // namespace
}  // namespace mc::grpcutil
