// End to end: what a demanding caller can send and what it gets back, on both real binaries.
// Every method of every service is called with bodies that are not its message (bytes that are
// no protobuf encoding, a 5 MB zero-filled body, a text field that is not UTF-8) with no token,
// a wrong token and a good one; ctx nesting at its documented limit; health for each service
// by name; stderr of such a run read line by line as JSON; SIGTERM in the middle of a stream
// of pushes, checked against what was stored.
#include <google/protobuf/descriptor.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/raw_call.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace health = grpc::health::v1;

// Bodies that are no encoding of the method's request message (the one with a text field that
// is not UTF-8 only for the push methods, whose message it nearly is).
std::vector<std::pair<std::string, std::string>> GarbageBodies(const std::string& path) {
  // A PushEventRequest whose event type is not UTF-8 (protobuf logs a line parsing it).
  std::string bad_utf8;
  {
    v1::PushEventRequest r;
    r.set_queue(v1::QUEUE_REAL_TIME);
    r.mutable_event()->set_type("AB");
    bad_utf8 = r.SerializeAsString();
    size_t at = bad_utf8.find("AB");
    bad_utf8.replace(at, 2, "\xff\xfe");
  }
  std::vector<std::pair<std::string, std::string>> bodies = {
      {"0xff bytes", std::string(64, '\xff')}, {"5 MB of zeros", std::string(5 << 20, '\0')}};
  if (path.find("EventService/PushEvent") != std::string::npos) {
    bodies.push_back({"text field not UTF-8", bad_utf8});
  }
  return bodies;
}

size_t FileSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? static_cast<size_t>(in.tellg()) : 0;
}

// Every line of the file parses as a JSON object.
void CheckJsonLines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    INFO("line " << n << ": " << line);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    CHECK(j.is_object());
  }
  CHECK(n > 0);
}

void CheckGarbageOnEveryMethod(process::ServiceProcess& service,
                               const std::vector<std::string>& services) {
  auto channel = Channel(service.address());
  const std::vector<std::string> paths = MethodPaths(services);
  const size_t log_before = FileSize(service.log_path());
  SECTION("no token or a wrong one: UNAUTHENTICATED whatever the body, and not a log line") {
    for (const std::string& path : paths) {
      for (const auto& [label, body] : GarbageBodies(path)) {
        INFO(path << " with " << label);
        CHECK(RawCall(channel, path, "", body).error_code() == grpc::UNAUTHENTICATED);
        CHECK(RawCall(channel, path, "not-a-token-of-this-service-00", body).error_code() ==
              grpc::UNAUTHENTICATED);
      }
    }
    CHECK(FileSize(service.log_path()) == log_before);
  }
  SECTION("a good token: INVALID_ARGUMENT saying the request could not be parsed") {
    for (const std::string& path : paths) {
      for (const auto& [label, body] : GarbageBodies(path)) {
        INFO(path << " with " << label);
        grpc::Status s = RawCall(channel, path, kToken, body);
        CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
        CHECK(s.error_message().rfind("request: could not be parsed as ", 0) == 0);
      }
    }
    // protobuf's own complaints went through the JSON logger.
    service.Terminate();
    CheckJsonLines(service.log_path());
  }
}

TEST_CASE("execution instance: garbage bodies on every method") {
  auto exec = StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("hard"),
                             {"--log_level=info", "--purge_interval_seconds=0"});
  CheckGarbageOnEveryMethod(exec, kExecutionServices);
}

TEST_CASE("control instance: garbage bodies on every method") {
  auto control = StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("hardc"),
                              {"--log_level=info", "--purge_interval_seconds=0"});
  CheckGarbageOnEveryMethod(control, kControlServices);
}

// A ctx of `levels` levels: objects in objects, or arrays in arrays below the ctx object.
google::protobuf::Struct DeepCtx(int levels, bool lists) {
  google::protobuf::Struct top;
  if (lists) {
    google::protobuf::Value* cur = &(*top.mutable_fields())["l"];
    for (int i = 1; i < levels; ++i) cur = cur->mutable_list_value()->add_values();
    cur->set_string_value("leaf");
  } else {
    google::protobuf::Struct* cur = &top;
    for (int i = 1; i < levels; ++i) cur = (*cur->mutable_fields())["d"].mutable_struct_value();
  }
  return top;
}

TEST_CASE("ctx nesting: 32 levels accepted, deeper refused naming ctx, in both push methods") {
  auto exec = StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("deep"));
  auto stub = v1::EventService::NewStub(Channel(exec.address()));
  for (bool lists : {false, true}) {
    for (int levels : {30, 32, 33, 50, 120}) {
      INFO((lists ? "arrays " : "objects ") << levels << " levels");
      v1::PushEventRequest req;
      req.set_queue(v1::QUEUE_BATCH);
      req.mutable_event()->set_type("DEEP");
      req.mutable_event()->set_email("deep@example.test");
      *req.mutable_event()->mutable_ctx() = DeepCtx(levels, lists);
      v1::PushEventResponse resp;
      grpc::Status s = stub->PushEvent(Context().get(), req, &resp);
      if (levels <= 32) {
        CHECK(s.ok());
        CHECK(resp.id() > 0);
      } else {
        CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
        CHECK(s.error_message() == "ctx: nested deeper than 32 levels");
      }
      v1::PushEventsRequest many;
      many.set_queue(v1::QUEUE_BATCH);
      *many.add_events() = req.event();
      v1::PushEventsResponse results;
      REQUIRE(stub->PushEvents(Context().get(), many, &results).ok());
      REQUIRE(results.results_size() == 1);
      if (levels <= 32) {
        CHECK(results.results(0).id() > 0);
      } else {
        CHECK(results.results(0).rejection().field() == "ctx");
      }
    }
  }
}

TEST_CASE("health answers for each service by name, NOT_FOUND for others") {
  const std::string dsn = testing::SharedPostgresDsn();
  auto exec = StartExecution(dsn, testing::FreshSchema("health"));
  auto control = StartControl(dsn, testing::FreshSchema("healthc"));
  for (auto [address, services] : {std::pair{exec.address(), kExecutionServices},
                                   std::pair{control.address(), kControlServices}}) {
    auto stub = health::Health::NewStub(Channel(address));
    std::vector<std::string> names = services;
    names.push_back("");
    for (const std::string& name : names) {
      INFO(address << " " << name);
      health::HealthCheckRequest req;
      req.set_service(name);
      health::HealthCheckResponse resp;
      grpc::Status s = stub->Check(Context("").get(), req, &resp);
      CHECK(s.ok());
      CHECK(resp.status() == health::HealthCheckResponse::SERVING);
    }
    health::HealthCheckRequest req;
    req.set_service("messagecenter.v1.NoSuchService");
    health::HealthCheckResponse resp;
    CHECK(stub->Check(Context("").get(), req, &resp).error_code() == grpc::NOT_FOUND);
  }
}

TEST_CASE(
    "SIGTERM during a stream of pushes: no call cancelled, each answer true to what is stored") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string schema = testing::FreshSchema("term");
  auto exec = StartExecution(dsn, schema);
  constexpr int kThreads = 40;
  struct Call {
    int thread, n;
    grpc::StatusCode code;
  };
  std::vector<std::vector<Call>> calls(kThreads);
  std::atomic<int> ok_calls{0};
  std::vector<std::thread> threads;
  auto channel = Channel(exec.address());
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::EventService::NewStub(channel);
      // A well-behaved caller: pushes until the first failure (then it would back off).
      for (int n = 0; n < 100000; ++n) {
        v1::PushEventsRequest req;
        req.set_queue(v1::QUEUE_BATCH);
        for (int i = 0; i < 10; ++i) {
          v1::Event* e = req.add_events();
          e->set_type("TERM");
          e->set_email("term@example.test");
          e->set_external_id(absl::StrCat("t", t, "-", n, "-", i));
        }
        v1::PushEventsResponse resp;
        grpc::Status s = stub->PushEvents(Context().get(), req, &resp);
        calls[t].push_back({t, n, s.error_code()});
        if (!s.ok()) return;
        ++ok_calls;
      }
    });
  }
  while (ok_calls.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(exec.Terminate() == 0);
  for (std::thread& t : threads) t.join();

  auto again = StartExecution(dsn, schema);
  auto stub = v1::EventService::NewStub(Channel(again.address()));
  int unavailable = 0;
  for (const std::vector<Call>& list : calls) {
    for (size_t k = 0; k < list.size(); ++k) {
      const Call& c = list[k];
      INFO("thread " << c.thread << " call " << c.n << " code " << c.code);
      CHECK(c.code != grpc::CANCELLED);
      CHECK((c.code == grpc::OK || c.code == grpc::UNAVAILABLE));
      unavailable += c.code == grpc::UNAVAILABLE;
      if (k + 5 < list.size()) continue;  // the calls around the SIGTERM are the question
      // OK: all ten stored; UNAVAILABLE: none ("retry").
      for (int i = 0; i < 10; ++i) {
        v1::GetEventRequest get;
        get.mutable_external()->set_queue(v1::QUEUE_BATCH);
        get.mutable_external()->set_external_id(absl::StrCat("t", c.thread, "-", c.n, "-", i));
        v1::StoredEvent stored;
        grpc::Status s = stub->GetEvent(Context().get(), get, &stored);
        CHECK(s.error_code() == (c.code == grpc::OK ? grpc::OK : grpc::NOT_FOUND));
      }
    }
  }
  CHECK(unavailable == kThreads);  // each caller's last call, after the SIGTERM
}

}  // namespace
}  // namespace mc::e2e
