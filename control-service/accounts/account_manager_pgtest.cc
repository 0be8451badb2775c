// AccountManager's connection operations against a real PostgreSQL (the accounts) and a
// scripted execution instance (FakeExecutionGateway): testing a connection, and initializing
// one, which keeps the identifier when the instance was out of reach (a retry reuses it) and
// puts the previous one back when the instance refused; the instance's technical workflows,
// listed and changed through the account.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "common/testing/shared_postgres.h"
#include "control-service/accounts/account_manager.h"
#include "control-service/execution/fake_execution_gateway.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

constexpr char kEndpoint[] = "exec-a:50051";

struct Fixture {
  Fixture()
      : schema(testing::FreshSchema("account_manager", Migrations())),
        pool({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}),
        accounts(pool),
        manager(accounts, gateway) {
    REQUIRE(manager
                .Create({.internal_name = "exec_a",
                         .endpoint = kEndpoint,
                         .credential = "0123456789abcdef"})
                .ok());
    gateway.Set(kEndpoint, {.summary = {.version = "0.1.0", .workflows_started = true}});
  }

  std::string InstanceId() {
    absl::StatusOr<Account> a = accounts.Get("exec_a");
    REQUIRE(a.ok());
    return a->instance_id;
  }

  const std::string schema;
  pg::ConnectionPool pool;
  AccountRepository accounts;
  FakeExecutionGateway gateway;
  AccountManager manager;
};

TEST_CASE("testing a connection reports the instance and its endpoint") {
  Fixture f;
  absl::StatusOr<ConnectionReport> report = f.manager.TestConnection("exec_a");
  REQUIRE(report.ok());
  CHECK(report->endpoint == kEndpoint);
  CHECK(report->instance.version == "0.1.0");
  CHECK(report->instance.workflows_started);
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.down = absl::UnavailableError("execution instance 'exec_a' at exec-a:50051 is unreachable");
  });
  CHECK(f.manager.TestConnection("exec_a").status().code() == absl::StatusCode::kUnavailable);
  CHECK(f.manager.TestConnection("nope").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("an account's technical workflows are listed and changed on its instance") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.workflows = {{.internal_name = "rtEventsProcessing", .state = "stopped"},
                   {.internal_name = "updateEventStatus", .state = "started", .processed = 7}};
  });
  absl::StatusOr<std::vector<TechnicalWorkflow>> list = f.manager.ListWorkflows("exec_a");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[1].processed == 7);
  absl::StatusOr<TechnicalWorkflow> started =
      f.manager.ChangeWorkflow("exec_a", "rtEventsProcessing", WorkflowAction::kStart);
  REQUIRE(started.ok());
  CHECK(started->state == "started");
  CHECK(f.gateway.Get(kEndpoint).workflows[0].state == "started");
  CHECK(f.manager.ChangeWorkflow("exec_a", "updateEventStatus", WorkflowAction::kPause)->state ==
        "paused");
  CHECK(f.manager.ChangeWorkflow("exec_a", "nope", WorkflowAction::kStop).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.manager.ChangeWorkflow("exec_a", "", WorkflowAction::kStop).status().message() ==
        "workflow: required");
  CHECK(f.manager.ListWorkflows("nope").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("initializing a connection stamps the account's identifier on the instance") {
  Fixture f;
  absl::StatusOr<Account> a = f.manager.InitializeConnection("exec_a", "", false);
  REQUIRE(a.ok());
  CHECK(std::regex_match(a->instance_id, std::regex("exec_a-[0-9a-f]{8}")));
  CHECK(f.gateway.Get(kEndpoint).summary.instance_id == a->instance_id);
  CHECK(f.InstanceId() == a->instance_id);
  // Again: the account's own identifier, not a new one.
  absl::StatusOr<Account> again = f.manager.InitializeConnection("exec_a", "", false);
  REQUIRE(again.ok());
  CHECK(again->instance_id == a->instance_id);
}

TEST_CASE("an instance out of reach: the account keeps the identifier for the retry") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.down = absl::UnavailableError("execution instance 'exec_a' at exec-a:50051 is unreachable");
  });
  CHECK(f.manager.InitializeConnection("exec_a", "inst-a", false).status().code() ==
        absl::StatusCode::kUnavailable);
  CHECK(f.InstanceId() == "inst-a");
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) { i.down = absl::OkStatus(); });
  REQUIRE(f.manager.InitializeConnection("exec_a", "", false).ok());
  CHECK(f.gateway.Get(kEndpoint).summary.instance_id == "inst-a");
}

TEST_CASE("an instance that refuses the identifier: the account is left as it was") {
  Fixture f;
  REQUIRE(f.manager.InitializeConnection("exec_a", "inst-a", false).ok());
  f.gateway.Change(kEndpoint,
                   [](FakeExecutionGateway::Instance& i) { i.summary.instance_id = "inst-other"; });
  CHECK(f.manager.InitializeConnection("exec_a", "inst-b", false).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(f.InstanceId() == "inst-a");
  // With force, the instance takes it.
  REQUIRE(f.manager.InitializeConnection("exec_a", "inst-b", true).ok());
  CHECK(f.InstanceId() == "inst-b");
  CHECK(f.gateway.Get(kEndpoint).summary.instance_id == "inst-b");
  CHECK(f.manager.InitializeConnection("exec_a", "bad id", false).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mc::control
