#include "tests/support/control_client.h"

#include <catch2/catch.hpp>

#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace pb = messagecenter::control::v1;

ControlClient::ControlClient(const std::string& address) {
  auto channel = Channel(address);
  accounts_ = pb::AccountService::NewStub(channel);
  templates_ = pb::TemplateService::NewStub(channel);
  blocks_ = pb::BlockService::NewStub(channel);
  archiving_ = pb::ArchivingService::NewStub(channel);
  reports_ = pb::ReportService::NewStub(channel);
  archive_ = pb::ArchiveService::NewStub(channel);
}

pb::Account ControlClient::CreateAccount(const std::string& name, const std::string& endpoint,
                                         const std::string& credential) {
  pb::CreateAccountRequest req;
  req.mutable_account()->set_internal_name(name);
  req.mutable_account()->set_label("Instance " + name);
  req.mutable_account()->set_enabled(true);
  req.mutable_account()->set_endpoint(endpoint);
  req.mutable_account()->set_credential(credential);
  pb::Account out;
  grpc::Status s = accounts_->CreateAccount(Context().get(), req, &out);
  if (!s.ok()) FAIL("CreateAccount " << name << ": " << s.error_message());
  return out;
}

grpc::Status ControlClient::InitializeConnection(const std::string& name, pb::Account* out) {
  pb::InitializeConnectionRequest req;
  req.set_internal_name(name);
  pb::Account account;
  grpc::Status s = accounts_->InitializeConnection(Context().get(), req, &account);
  if (out) *out = account;
  return s;
}

grpc::Status ControlClient::CreateArchivingWorkflow(const std::string& account) {
  pb::CreateArchivingWorkflowRequest req;
  req.set_account(account);
  pb::ArchivingWorkflow out;
  return archiving_->CreateArchivingWorkflow(Context().get(), req, &out);
}

pb::ArchiveRun ControlClient::RunNow(const std::string& workflow) {
  pb::RunNowRequest req;
  req.set_internal_name(workflow);
  pb::ArchiveRun run;
  auto ctx = Context();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  grpc::Status s = archiving_->RunNow(ctx.get(), req, &run);
  if (!s.ok()) FAIL("RunNow " << workflow << ": " << s.error_message());
  return run;
}

}  // namespace mc::e2e
