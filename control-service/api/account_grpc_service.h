// AccountGrpcService: the messagecenter.control.v1.AccountService handlers. Behind the call
// gate (token, role from api/method_roles.cc, parsing: common/grpc/gated_service.h), each converts
// proto <-> domain and calls AccountManager; statuses are converted in common/status only. The
// credential is never written into a response. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/accounts/account_manager.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class AccountGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::AccountService> {
 public:
  AccountGrpcService(AccountManager& accounts, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status CreateAccount(Ctx* ctx, const messagecenter::control::v1::CreateAccountRequest* req,
                             messagecenter::control::v1::Account* resp) override;
  grpc::Status GetAccount(Ctx* ctx, const messagecenter::control::v1::GetAccountRequest* req,
                          messagecenter::control::v1::Account* resp) override;
  grpc::Status ListAccounts(Ctx* ctx, const messagecenter::control::v1::ListAccountsRequest* req,
                            messagecenter::control::v1::ListAccountsResponse* resp) override;
  grpc::Status UpdateAccount(Ctx* ctx, const messagecenter::control::v1::UpdateAccountRequest* req,
                             messagecenter::control::v1::Account* resp) override;
  grpc::Status DisableAccount(Ctx* ctx,
                              const messagecenter::control::v1::DisableAccountRequest* req,
                              messagecenter::control::v1::Account* resp) override;
  grpc::Status DeleteAccount(Ctx* ctx, const messagecenter::control::v1::DeleteAccountRequest* req,
                             messagecenter::control::v1::DeleteAccountResponse* resp) override;
  grpc::Status TestConnection(Ctx* ctx,
                              const messagecenter::control::v1::TestConnectionRequest* req,
                              messagecenter::control::v1::TestConnectionResponse* resp) override;
  grpc::Status InitializeConnection(
      Ctx* ctx, const messagecenter::control::v1::InitializeConnectionRequest* req,
      messagecenter::control::v1::Account* resp) override;
  grpc::Status ListInstanceWorkflows(
      Ctx* ctx, const messagecenter::control::v1::ListInstanceWorkflowsRequest* req,
      messagecenter::control::v1::ListInstanceWorkflowsResponse* resp) override;
  grpc::Status ChangeInstanceWorkflow(
      Ctx* ctx, const messagecenter::control::v1::ChangeInstanceWorkflowRequest* req,
      messagecenter::v1::Workflow* resp) override;

 private:
  AccountManager& accounts_;
};

}  // namespace mc::control
