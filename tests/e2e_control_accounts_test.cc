// End to end, control (ctest e2e_control_test, fixture tests/control_e2e_fixture.h): the
// accounts of both execution instances registered, validated, tested and initialized; the
// credential never shown. The first test case of the executable: the others use these accounts.
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/pgcluster/free_port.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/control_e2e_fixture.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::control_e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

TEST_CASE("accounts: registered, validated, tested and initialized; the credential stays secret") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::Account a = control.CreateAccount("exec_a", c.a.service->address(), kToken);
  CHECK(a.credential().empty());
  CHECK(a.has_credential());
  CHECK(a.instance_id().empty());
  control.CreateAccount("exec_b", c.b.service->address(), kToken);

  pb::CreateAccountRequest dup;
  dup.mutable_account()->set_internal_name("exec_a");
  dup.mutable_account()->set_endpoint("127.0.0.1:1");
  dup.mutable_account()->set_credential(kToken);
  pb::Account ignored;
  CHECK(control.accounts().CreateAccount(Context().get(), dup, &ignored).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  dup.mutable_account()->set_internal_name("bad_endpoint");
  dup.mutable_account()->set_endpoint("no-port");
  grpc::Status bad = control.accounts().CreateAccount(Context().get(), dup, &ignored);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message().find("account.endpoint") != std::string::npos);

  // Unreachable, then a wrong credential: each says which instance and what to do.
  const std::string nowhere = absl::StrCat("127.0.0.1:", *pgcluster::FreeLoopbackPort());
  control.CreateAccount("gone", nowhere, kToken);
  control.CreateAccount("wrong_token", c.a.service->address(), "not-the-right-token-at-all");
  pb::TestConnectionRequest test;
  pb::TestConnectionResponse tested;
  test.set_internal_name("gone");
  grpc::Status unreachable = control.accounts().TestConnection(Context().get(), test, &tested);
  CHECK(unreachable.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(unreachable.error_message().find(nowhere) != std::string::npos);
  test.set_internal_name("wrong_token");
  grpc::Status refused = control.accounts().TestConnection(Context().get(), test, &tested);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(refused.error_message().find("refused the account's credential") != std::string::npos);
  CHECK(refused.error_message().find("not-the-right-token") == std::string::npos);
  for (const char* name : {"gone", "wrong_token"}) {
    pb::DeleteAccountRequest del;
    del.set_internal_name(name);
    pb::DeleteAccountResponse deleted;
    REQUIRE(control.accounts().DeleteAccount(Context().get(), del, &deleted).ok());
  }

  test.set_internal_name("exec_a");
  REQUIRE(control.accounts().TestConnection(Context().get(), test, &tested).ok());
  CHECK(tested.version() == MC_VERSION);
  CHECK_FALSE(tested.workflows_started());
  CHECK(tested.workflows_size() == 4);

  for (Execution* e : {&c.a, &c.b}) {
    pb::Account initialized;
    REQUIRE(control.InitializeConnection(e->name, &initialized).ok());
    CHECK(initialized.instance_id().rfind(e->name + "-", 0) == 0);
    auto stub = v1::InstanceService::NewStub(Channel(e->service->address()));
    v1::InstanceInfo info;
    REQUIRE(stub->GetInstanceInfo(Context().get(), v1::GetInstanceInfoRequest(), &info).ok());
    CHECK(info.instance_id() == initialized.instance_id());
    // Again: the same identifier, stamped again.
    pb::Account again;
    REQUIRE(control.InitializeConnection(e->name, &again).ok());
    CHECK(again.instance_id() == initialized.instance_id());
  }
  pb::ListAccountsResponse listed;
  REQUIRE(control.accounts().ListAccounts(Context().get(), {}, &listed).ok());
  CHECK(listed.accounts_size() == 2);
}

}  // namespace
}  // namespace mc::e2e::control_e2e
