// End to end: every execution instance's suppression list managed at once from the control
// instance (messagecenter.control.v1.SuppressionService): one control instance and two execution
// instances (real binaries, three schemas on one real PostgreSQL, gRPC on port 0) with a real
// SMTP server on loopback. A deny entry added through the control reaches both instances (each
// outcome ok) and an event to that address ends "Ignored by the delivery" on each, nothing sent;
// `mcctl suppressions list`, run as a subprocess, shows it on both; archiving copies it; removed
// through the control, the next event to it is Sent (the SMTP server gets it) and the next
// archiving run shows the archived entry removed, with who removed it and when. With one
// instance stopped, its outcome is UNAVAILABLE while the other's is ok, and a list names it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/process/subprocess.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/mcctl_run.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

constexpr char kJane[] = "Jane@example.test";  // an email address key: its domain in lower case

struct Instance {
  std::string account;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::string control_schema;
  std::unique_ptr<process::ServiceProcess> control;
  std::unique_ptr<ControlClient> client;
  std::unique_ptr<pb::SuppressionService::Stub> suppressions;
  Instance a, b;
};

Instance StartInstance(const std::string& account, Cluster& c) {
  Instance i{.account = account};
  i.service = std::make_unique<process::ServiceProcess>(StartExecution(
      testing::SharedPostgresDsn(), testing::FreshSchema(account),
      {"--smtp_url=" + c.smtp->url(), "--start_workflows", "--workflow_refresh_ms=100",
       "--batch_poll_ms=100", "--message_id_domain=mc.test"}));
  i.client = std::make_unique<ExecClient>(i.service->address());
  v1::Template t;
  t.set_internal_name("receipt");
  t.set_event_type("RECEIPT");
  t.set_version(1);
  t.set_subject("Your receipt");
  t.set_text_body("Thanks");
  REQUIRE(i.client->Publish(t).ok());
  c.client->CreateAccount(account, i.service->address(), kToken);
  REQUIRE(c.client->InitializeConnection(account).ok());
  REQUIRE(c.client->CreateArchivingWorkflow(account).ok());
  return i;
}

Cluster& TheCluster() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.control_schema = testing::FreshSchema("supp_control");
    c.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), c.control_schema, {"--noarchiving_scheduler"}));
    c.client = std::make_unique<ControlClient>(c.control->address());
    c.suppressions = pb::SuppressionService::NewStub(Channel(c.control->address()));
    c.a = StartInstance("exec_a", c);
    c.b = StartInstance("exec_b", c);
    return c;
  }();
  return c;
}

// Pushes a receipt to `address` on the instance and waits for its final status.
v1::EventStatus PushTo(Instance& i, const std::string& address) {
  v1::Event e;
  e.set_type("RECEIPT");
  e.set_email(address);
  const int64_t id = i.client->Push(v1::QUEUE_REAL_TIME, e);
  return i.client->WaitFinal(id).status();
}

// "account code state changed_by" per outcome; "account code" when it failed.
std::vector<std::string> Outcomes(const pb::SuppressionChange& change) {
  std::vector<std::string> out;
  for (const pb::SuppressionOutcome& o : change.outcomes()) {
    if (o.code() != 0) {
      out.push_back(absl::StrCat(o.account(), " ", o.code()));
      continue;
    }
    out.push_back(absl::StrCat(o.account(), " 0 ",
                               v1::SuppressionState_Name(o.suppression().state()), " ",
                               o.suppression().changed_by()));
  }
  return out;
}

// The archived entry of `address` for `account`: "kind state changed_by removed?" (state as
// the schema's suppression_state(): 1 active, 4 removed).
std::string Archived(const std::string& account, const std::string& address) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::read_transaction tx(c);
  const std::string schema = tx.quote_name(TheCluster().control_schema);
  pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT kind || ' ' || ", schema,
                   ".suppression_state(active, removed_at, expires_at) || ' ' || changed_by || "
                   "' ' || (removed_at IS NOT NULL) || ' ' || (changed_at <= now()) FROM ",
                   schema,
                   ".archived_quarantine WHERE account = $1 AND channel = 0 AND address = $2"),
      account, address);
  if (r.empty()) return "none";
  return r[0][0].as<std::string>();
}

// Runs the mcctl binary against the control instance, with the test token.
McctlRun Mcctl(const std::vector<std::string>& args) {
  return RunMcctl(MC_MCCTL_BIN, args,
                  {"MC_CONTROL=" + TheCluster().control->address(),
                   std::string("MC_TOKEN=") + kToken, "MC_TOKEN_FILE="});
}

TEST_CASE("a deny entry added through the control suppresses on every instance; removed, not") {
  Cluster& c = TheCluster();
  pb::AddSuppressionRequest add;
  add.set_channel(0);
  add.set_address("Jane@EXAMPLE.test");  // stored as its key on each instance
  add.set_reason("asked to stop");
  add.set_actor("ana");
  pb::SuppressionChange added;
  REQUIRE(c.suppressions->AddSuppression(Context().get(), add, &added).ok());
  CHECK(Outcomes(added) == std::vector<std::string>{"exec_a 0 SUPPRESSION_ACTIVE ana",
                                                    "exec_b 0 SUPPRESSION_ACTIVE ana"});
  for (const pb::SuppressionOutcome& o : added.outcomes()) {
    CHECK(o.instance_id().rfind(o.account() + "-", 0) == 0);
    CHECK(o.suppression().address() == kJane);
    CHECK(o.suppression().kind() == v1::SUPPRESSION_DENY);
  }

  // Each instance ignores a message to it, in any case of its domain: nothing reaches the relay.
  for (Instance* i : {&c.a, &c.b}) {
    INFO(i->account);
    CHECK(PushTo(*i, "Jane@example.TEST") == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
  }
  CHECK(c.smtp->rcpt_count("Jane@example.TEST") == 0);

  // Listed through the control, tagged with each account; and by mcctl.
  pb::ListSuppressionsRequest list;
  list.set_address(kJane);
  pb::ListSuppressionsResponse listed;
  REQUIRE(c.suppressions->ListSuppressions(Context().get(), list, &listed).ok());
  REQUIRE(listed.suppressions_size() == 2);
  std::vector<std::string> accounts;
  for (const pb::AccountSuppression& s : listed.suppressions()) {
    accounts.push_back(s.account());
    CHECK(s.suppression().reason() == "asked to stop");
    CHECK(s.suppression().changed_by() == "ana");
    CHECK(s.suppression().state() == v1::SUPPRESSION_ACTIVE);
  }
  std::sort(accounts.begin(), accounts.end());
  CHECK(accounts == std::vector<std::string>{"exec_a", "exec_b"});
  CHECK(listed.errors().empty());
  McctlRun cli = Mcctl({"suppressions", "list", "--kind", "deny"});
  INFO("stdout:\n" << cli.out << "stderr:\n" << cli.err);
  CHECK(cli.code == 0);
  CHECK(cli.out.find("ACCOUNT  CHANNEL  ADDRESS") == 0);
  for (const char* account : {"exec_a ", "exec_b "}) {
    const size_t row = cli.out.find(std::string("\n") + account);
    REQUIRE(row != std::string::npos);
    const std::string line = cli.out.substr(row + 1, cli.out.find('\n', row + 1) - row - 1);
    CHECK(line.find("email    Jane@example.test  deny") != std::string::npos);
    CHECK(line.find("active") != std::string::npos);
    CHECK(line.find("asked to stop") != std::string::npos);
    CHECK(line.find(" ana ") != std::string::npos);
  }

  // Archiving copies it as it stands.
  for (const char* account : {"exec_a", "exec_b"}) {
    pb::ArchiveRun run = c.client->RunNow(absl::StrCat("mcSynch_", account));
    CHECK(run.error().empty());
    CHECK(Archived(account, kJane) == "deny 1 ana false true");
  }

  // Removed through the control (by mcctl, as bob): the next message is sent on each instance.
  cli = Mcctl({"suppressions", "remove", kJane, "--actor", "bob"});
  INFO("stdout:\n" << cli.out << "stderr:\n" << cli.err);
  CHECK(cli.code == 0);
  CHECK(cli.out.find("Removed Jane@example.test.") == 0);
  CHECK(cli.out.find("ok       removed  bob") != std::string::npos);
  for (Instance* i : {&c.a, &c.b}) {
    INFO(i->account);
    CHECK(PushTo(*i, "Jane@example.TEST") == v1::EVENT_STATUS_SENT);
  }
  CHECK(c.smtp->rcpt_count("Jane@example.TEST") == 2);

  // The next archiving run keeps the archive in step: removed, by bob.
  for (const char* account : {"exec_a", "exec_b"}) {
    pb::ArchiveRun run = c.client->RunNow(absl::StrCat("mcSynch_", account));
    CHECK(run.error().empty());
    CHECK(run.quarantine_copied() == 1);
    CHECK(Archived(account, kJane) == "deny 4 bob true true");
  }
  // A removal again: each instance keeps who removed it and when.
  pb::ChangeSuppressionRequest again;
  again.set_address(kJane);
  pb::SuppressionChange changed;
  REQUIRE(c.suppressions->RemoveSuppression(Context().get(), again, &changed).ok());
  CHECK(Outcomes(changed) == std::vector<std::string>{"exec_a 0 SUPPRESSION_REMOVED bob",
                                                      "exec_b 0 SUPPRESSION_REMOVED bob"});
  // Reactivated without an actor: the caller's role is kept (the test token is an admin's).
  REQUIRE(c.suppressions->ReactivateSuppression(Context().get(), again, &changed).ok());
  CHECK(Outcomes(changed) == std::vector<std::string>{"exec_a 0 SUPPRESSION_ACTIVE admin",
                                                      "exec_b 0 SUPPRESSION_ACTIVE admin"});
  // An address no instance has: NOT_FOUND from each, an outcome (mcctl exits 3).
  again.set_address("nobody@example.test");
  REQUIRE(c.suppressions->RemoveSuppression(Context().get(), again, &changed).ok());
  CHECK(Outcomes(changed) == std::vector<std::string>{"exec_a 5", "exec_b 5"});
  cli = Mcctl({"suppressions", "reactivate", "nobody@example.test"});
  CHECK(cli.code == 3);
  CHECK(cli.err.find("no instance has an entry for this address") != std::string::npos);
  // Refused by every instance as invalid: the call fails with the reason.
  add.set_address("not an address");
  grpc::Status invalid = c.suppressions->AddSuppression(Context().get(), add, &added);
  CHECK(invalid.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(invalid.error_message().find("address: not an email address") != std::string::npos);
}

TEST_CASE("an instance out of reach is its outcome; the other takes the change") {
  Cluster& c = TheCluster();
  c.b.service->Terminate();
  pb::AddSuppressionRequest add;
  add.set_channel(0);
  add.set_address("bounced@example.test");
  add.set_kind(v1::SUPPRESSION_QUARANTINE);
  add.set_reason("550 by hand");
  add.set_actor("ana");
  pb::SuppressionChange added;
  REQUIRE(c.suppressions->AddSuppression(Context().get(), add, &added).ok());
  CHECK(Outcomes(added) ==
        std::vector<std::string>{"exec_a 0 SUPPRESSION_ACTIVE ana",
                                 absl::StrCat("exec_b ", grpc::StatusCode::UNAVAILABLE)});
  REQUIRE(added.outcomes_size() == 2);
  CHECK(added.outcomes(0).suppression().failure_type() == "hard");
  CHECK(added.outcomes(1).message().find("execution instance 'exec_b' at ") == 0);
  CHECK(added.outcomes(1).message().find("is unreachable") != std::string::npos);
  CHECK(PushTo(c.a, "bounced@example.test") == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);

  // A list shows what the reachable instance holds and names the other.
  pb::ListSuppressionsRequest list;
  list.set_address("bounced@example.test");
  pb::ListSuppressionsResponse listed;
  REQUIRE(c.suppressions->ListSuppressions(Context().get(), list, &listed).ok());
  REQUIRE(listed.suppressions_size() == 1);
  CHECK(listed.suppressions(0).account() == "exec_a");
  REQUIRE(listed.errors_size() == 1);
  CHECK(listed.errors(0).account() == "exec_b");
  CHECK(listed.errors(0).code() == grpc::StatusCode::UNAVAILABLE);
  McctlRun cli = Mcctl({"suppressions", "list", "--address", "bounced@example.test"});
  INFO("stdout:\n" << cli.out << "stderr:\n" << cli.err);
  CHECK(cli.code == 3);
  CHECK(cli.out.find("exec_a   email    bounced@example.test  quarantine  hard") !=
        std::string::npos);
  CHECK(cli.out.find("exec_b") != std::string::npos);
  CHECK(cli.out.find("UNAVAILABLE") != std::string::npos);
  CHECK(cli.err.find("1 instance did not answer") != std::string::npos);
  cli = Mcctl({"suppressions", "add", "x@example.test", "--reason", "r"});
  CHECK(cli.code == 3);
  CHECK(cli.err.find("1 of 2 instances did not take it") != std::string::npos);
}

}  // namespace
}  // namespace mc::e2e
