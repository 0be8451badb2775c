// End to end: authentication and transport security of both services. Every role and the
// no-token case against every RPC family of each service; TLS and mutual TLS (certificates
// made by the test with the openssl tool) for clients and for the control instance calling an
// execution instance; no token ever written to a log.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/test_certificates.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

constexpr char kPusher[] = "pusher-token-0123456789";
constexpr char kOperator[] = "operator-token-0123456789";
constexpr char kControlRole[] = "control-token-0123456789";
const std::string kRoleTokens = absl::StrCat("--auth_tokens=pusher:", kPusher,
                                             ",operator:", kOperator, ",control:", kControlRole);

enum Role { kNone = 0, kPusherRole = 1, kOperatorRole = 2, kControlRoleBit = 4 };

using Call = std::function<grpc::Status(grpc::ClientContext*)>;

struct Rpc {
  const char* name;
  int allowed;  // Role bits
  Call call;
};

// Calls each RPC with no token and with each role's token; checks who gets through.
void CheckRoles(const std::vector<Rpc>& rpcs) {
  const std::vector<std::pair<int, std::string>> callers = {{kNone, ""},
                                                            {kPusherRole, kPusher},
                                                            {kOperatorRole, kOperator},
                                                            {kControlRoleBit, kControlRole}};
  for (const Rpc& rpc : rpcs) {
    for (const auto& [role, token] : callers) {
      INFO(rpc.name << " with role bit " << role);
      grpc::Status s = rpc.call(Context(token).get());
      if (role == kNone) {
        CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
      } else if ((rpc.allowed & role) == 0) {
        CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
        CHECK(s.error_message().find("may not make this call") != std::string::npos);
      } else {
        CHECK(s.error_code() != grpc::StatusCode::UNAUTHENTICATED);
        CHECK(s.error_code() != grpc::StatusCode::PERMISSION_DENIED);
      }
    }
  }
}

TEST_CASE("execution instance: each RPC admits exactly its roles") {
  process::ServiceProcess exec =
      StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("sec_exec"), {kRoleTokens});
  auto channel = Channel(exec.address());
  auto events = v1::EventService::NewStub(channel);
  auto templates = v1::TemplateService::NewStub(channel);
  auto workflows = v1::WorkflowService::NewStub(channel);
  auto instance = v1::InstanceService::NewStub(channel);
  const int pusher_or_operator = kPusherRole | kOperatorRole;
  const int control_or_operator = kControlRoleBit | kOperatorRole;
  v1::PushEventRequest push;
  push.set_queue(v1::QUEUE_REAL_TIME);
  push.mutable_event()->set_type("T");
  push.mutable_event()->set_email("a@example.com");
  v1::PushEventsRequest push_many;
  push_many.set_queue(v1::QUEUE_BATCH);
  *push_many.add_events() = push.event();
  CheckRoles({
      {"PushEvent", pusher_or_operator,
       [&](auto* c) {
         v1::PushEventResponse r;
         return events->PushEvent(c, push, &r);
       }},
      {"PushEvents", pusher_or_operator,
       [&](auto* c) {
         v1::PushEventsResponse r;
         return events->PushEvents(c, push_many, &r);
       }},
      {"GetEvent", pusher_or_operator,
       [&](auto* c) {
         v1::GetEventRequest q;
         q.set_id(1);
         v1::StoredEvent r;
         return events->GetEvent(c, q, &r);
       }},
      {"ListEvents", pusher_or_operator,
       [&](auto* c) {
         v1::ListEventsResponse r;
         return events->ListEvents(c, {}, &r);
       }},
      {"PublishTemplate", kControlRoleBit,
       [&](auto* c) {
         v1::PublishTemplateResponse r;
         return templates->PublishTemplate(c, {}, &r);
       }},
      {"UnpublishTemplate", kControlRoleBit,
       [&](auto* c) {
         v1::UnpublishTemplateResponse r;
         return templates->UnpublishTemplate(c, {}, &r);
       }},
      {"ListTemplates", control_or_operator,
       [&](auto* c) {
         v1::ListTemplatesResponse r;
         return templates->ListTemplates(c, {}, &r);
       }},
      {"ListWorkflows", control_or_operator,
       [&](auto* c) {
         v1::ListWorkflowsResponse r;
         return workflows->ListWorkflows(c, {}, &r);
       }},
      {"StartWorkflow", control_or_operator,
       [&](auto* c) {
         v1::ChangeWorkflowRequest q;
         q.set_internal_name("updateEventStatus");
         v1::Workflow r;
         return workflows->StartWorkflow(c, q, &r);
       }},
      {"GetInstanceInfo", control_or_operator,
       [&](auto* c) {
         v1::InstanceInfo r;
         return instance->GetInstanceInfo(c, {}, &r);
       }},
      {"InitializeInstance", kControlRoleBit,
       [&](auto* c) {
         v1::InitializeInstanceRequest q;
         q.set_instance_id("sec-1");
         v1::InstanceInfo r;
         return instance->InitializeInstance(c, q, &r);
       }},
      {"ExportArchive", kControlRoleBit,
       [&](auto* c) {
         auto reader = instance->ExportArchive(c, v1::ExportArchiveRequest());
         v1::ExportArchivePage page;
         while (reader->Read(&page)) {
         }
         return reader->Finish();
       }},
      {"ExportQuarantine", kControlRoleBit,
       [&](auto* c) {
         auto reader = instance->ExportQuarantine(c, v1::ExportQuarantineRequest());
         v1::ExportQuarantinePage page;
         while (reader->Read(&page)) {
         }
         return reader->Finish();
       }},
      {"Purge", control_or_operator,
       [&](auto* c) {
         v1::PurgeResponse r;
         return instance->Purge(c, {}, &r);
       }},
  });
  // Health and reflection stay open to probes.
  exec.Terminate();
  std::ifstream log(exec.log_path());
  std::stringstream text;
  text << log.rdbuf();
  for (const char* token : {kPusher, kOperator, kControlRole}) {
    CHECK(text.str().find(token) == std::string::npos);
  }
}

TEST_CASE("control instance: only operators") {
  process::ServiceProcess control =
      StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("sec_ctrl"), {kRoleTokens});
  auto channel = Channel(control.address());
  auto accounts = pb::AccountService::NewStub(channel);
  auto templates = pb::TemplateService::NewStub(channel);
  auto archiving = pb::ArchivingService::NewStub(channel);
  auto reports = pb::ReportService::NewStub(channel);
  pb::CreateAccountRequest create;
  create.mutable_account()->set_internal_name("secret_holder");
  create.mutable_account()->set_endpoint("127.0.0.1:1");
  create.mutable_account()->set_credential("the-instance-credential-0123");
  CheckRoles({
      {"CreateAccount", kOperatorRole,
       [&](auto* c) {
         pb::Account r;
         return accounts->CreateAccount(c, create, &r);
       }},
      {"ListAccounts", kOperatorRole,
       [&](auto* c) {
         pb::ListAccountsResponse r;
         return accounts->ListAccounts(c, {}, &r);
       }},
      {"TestConnection", kOperatorRole,
       [&](auto* c) {
         pb::TestConnectionRequest q;
         q.set_internal_name("secret_holder");
         pb::TestConnectionResponse r;
         return accounts->TestConnection(c, q, &r);
       }},
      {"ListTemplates", kOperatorRole,
       [&](auto* c) {
         pb::ListTemplatesResponse r;
         return templates->ListTemplates(c, {}, &r);
       }},
      {"PublishTemplate", kOperatorRole,
       [&](auto* c) {
         pb::PublishTemplateResponse r;
         return templates->PublishTemplate(c, {}, &r);
       }},
      {"ListArchivingWorkflows", kOperatorRole,
       [&](auto* c) {
         pb::ListArchivingWorkflowsResponse r;
         return archiving->ListArchivingWorkflows(c, {}, &r);
       }},
      {"PurgeArchive", kOperatorRole,
       [&](auto* c) {
         pb::PurgeArchiveResponse r;
         return archiving->PurgeArchive(c, {}, &r);
       }},
      {"ServiceLevel", kOperatorRole,
       [&](auto* c) {
         pb::ServiceLevelResponse r;
         return reports->ServiceLevel(c, {}, &r);
       }},
      {"History", kOperatorRole,
       [&](auto* c) {
         pb::HistoryResponse r;
         return reports->History(c, {}, &r);
       }},
  });
  // The account's credential never comes back, and is never logged.
  pb::GetAccountRequest get;
  get.set_internal_name("secret_holder");
  pb::Account account;
  REQUIRE(accounts->GetAccount(Context(kOperator).get(), get, &account).ok());
  CHECK(account.credential().empty());
  CHECK(account.has_credential());
  control.Terminate();
  std::ifstream log(control.log_path());
  std::stringstream text;
  text << log.rdbuf();
  CHECK(text.str().find("the-instance-credential-0123") == std::string::npos);
  CHECK(text.str().find(kOperator) == std::string::npos);
}

const TestCertificates& Certs() {
  static TestCertificates c("security");
  return c;
}

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, bool client_cert,
                                          const std::string& cert = "client") {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Certs().Read("ca.crt");
  if (client_cert) {
    ssl.pem_cert_chain = Certs().Read(cert + ".crt");
    ssl.pem_private_key = Certs().Read(cert + ".key");
  }
  return grpc::CreateChannel(address, grpc::SslCredentials(ssl));
}

grpc::Status Info(const std::shared_ptr<grpc::Channel>& channel) {
  v1::InstanceInfo info;
  auto ctx = Context();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  return v1::InstanceService::NewStub(channel)->GetInstanceInfo(ctx.get(), {}, &info);
}

TEST_CASE("TLS: only TLS clients that trust the CA get through") {
  const TestCertificates& c = Certs();
  process::ServiceProcess exec =
      StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("tls_exec"),
                     {"--tls_cert=" + c.Path("server.crt"), "--tls_key=" + c.Path("server.key")});
  CHECK(Info(Channel(exec.address())).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Info(TlsChannel(exec.address(), false)).ok());
  grpc::SslCredentialsOptions other_roots;  // the system's roots do not know the test CA
  other_roots.pem_root_certs = c.Read("rogue.crt");
  CHECK(Info(grpc::CreateChannel(exec.address(), grpc::SslCredentials(other_roots))).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("mutual TLS: clients need a certificate from the configured CA; the control has one") {
  const TestCertificates& c = Certs();
  const std::string dsn = testing::SharedPostgresDsn();
  process::ServiceProcess exec =
      StartExecution(dsn, testing::FreshSchema("mtls_exec"),
                     {"--tls_cert=" + c.Path("server.crt"), "--tls_key=" + c.Path("server.key"),
                      "--tls_client_ca=" + c.Path("ca.crt")});
  CHECK(Info(TlsChannel(exec.address(), false)).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Info(TlsChannel(exec.address(), true, "rogue")).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  CHECK(Info(TlsChannel(exec.address(), true)).ok());

  // The control instance, itself behind mutual TLS, reaches the instance with its certificate.
  process::ServiceProcess control =
      StartControl(dsn, testing::FreshSchema("mtls_ctrl"),
                   {"--tls_cert=" + c.Path("server.crt"), "--tls_key=" + c.Path("server.key"),
                    "--tls_client_ca=" + c.Path("ca.crt"), "--execution_tls_ca=" + c.Path("ca.crt"),
                    "--execution_tls_cert=" + c.Path("client.crt"),
                    "--execution_tls_key=" + c.Path("client.key")});
  auto accounts = pb::AccountService::NewStub(TlsChannel(control.address(), true));
  pb::Account created;
  for (auto [name, method] : {std::pair{"over_tls", pb::CONNECTION_METHOD_TLS},
                              std::pair{"in_clear", pb::CONNECTION_METHOD_INSECURE}}) {
    pb::CreateAccountRequest create;
    create.mutable_account()->set_internal_name(name);
    create.mutable_account()->set_endpoint(exec.address());
    create.mutable_account()->set_connection_method(method);
    create.mutable_account()->set_credential(kToken);
    REQUIRE(accounts->CreateAccount(Context().get(), create, &created).ok());
  }
  pb::TestConnectionRequest test;
  pb::TestConnectionResponse tested;
  test.set_internal_name("over_tls");
  grpc::Status ok = accounts->TestConnection(Context().get(), test, &tested);
  INFO(ok.error_message());
  CHECK(ok.ok());
  CHECK(tested.version() == MC_VERSION);
  test.set_internal_name("in_clear");
  CHECK(accounts->TestConnection(Context().get(), test, &tested).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  // And the control refuses clients without a certificate.
  auto no_cert = pb::AccountService::NewStub(TlsChannel(control.address(), false));
  pb::ListAccountsResponse listed;
  auto ctx = Context();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  CHECK(no_cert->ListAccounts(ctx.get(), {}, &listed).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace mc::e2e
