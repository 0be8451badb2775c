#include "control-service/api/account_grpc_service.h"

#include "common/grpc/timestamps.h"
#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

AccountGrpcService::AccountGrpcService(AccountManager& accounts, grpcutil::CallGate& gate)
    : GatedService(gate), accounts_(accounts) {
  ServeUnary("CreateAccount", &AccountGrpcService::CreateAccount);
  ServeUnary("GetAccount", &AccountGrpcService::GetAccount);
  ServeUnary("ListAccounts", &AccountGrpcService::ListAccounts);
  ServeUnary("UpdateAccount", &AccountGrpcService::UpdateAccount);
  ServeUnary("DisableAccount", &AccountGrpcService::DisableAccount);
  ServeUnary("DeleteAccount", &AccountGrpcService::DeleteAccount);
  ServeUnary("TestConnection", &AccountGrpcService::TestConnection);
  ServeUnary("InitializeConnection", &AccountGrpcService::InitializeConnection);
  ServeUnary("ListInstanceWorkflows", &AccountGrpcService::ListInstanceWorkflows);
  ServeUnary("ChangeInstanceWorkflow", &AccountGrpcService::ChangeInstanceWorkflow);
}

namespace {

grpc::Status Reply(const absl::StatusOr<Account>& a, pb::Account* resp) {
  if (!a.ok()) return ToGrpc(a.status());
  AccountToProto(*a, resp);
  return grpc::Status::OK;
}

void WorkflowToProto(const TechnicalWorkflow& w, messagecenter::v1::Workflow* p) {
  namespace v1 = messagecenter::v1;
  p->set_internal_name(w.internal_name);
  p->set_label(w.label);
  p->set_folder(w.folder);
  p->set_state(w.state == "started"  ? v1::WORKFLOW_STATE_STARTED
               : w.state == "paused" ? v1::WORKFLOW_STATE_PAUSED
                                     : v1::WORKFLOW_STATE_STOPPED);
  if (w.last_run) grpcutil::ToTimestamp(*w.last_run, p->mutable_last_run());
  p->set_processed(w.processed);
  p->set_errors(w.errors);
  p->set_last_error(w.last_error);
}

}  // namespace

grpc::Status AccountGrpcService::CreateAccount(Ctx* ctx, const pb::CreateAccountRequest* req,
                                               pb::Account* resp) {
  return Reply(accounts_.Create(AccountFromProto(req->account())), resp);
}

grpc::Status AccountGrpcService::GetAccount(Ctx* ctx, const pb::GetAccountRequest* req,
                                            pb::Account* resp) {
  return Reply(accounts_.Get(req->internal_name()), resp);
}

grpc::Status AccountGrpcService::ListAccounts(Ctx* ctx, const pb::ListAccountsRequest* req,
                                              pb::ListAccountsResponse* resp) {
  absl::StatusOr<std::vector<Account>> list = accounts_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const Account& a : *list) AccountToProto(a, resp->add_accounts());
  return grpc::Status::OK;
}

grpc::Status AccountGrpcService::UpdateAccount(Ctx* ctx, const pb::UpdateAccountRequest* req,
                                               pb::Account* resp) {
  return Reply(accounts_.Update(AccountFromProto(req->account())), resp);
}

grpc::Status AccountGrpcService::DisableAccount(Ctx* ctx, const pb::DisableAccountRequest* req,
                                                pb::Account* resp) {
  return Reply(accounts_.Disable(req->internal_name()), resp);
}

grpc::Status AccountGrpcService::DeleteAccount(Ctx* ctx, const pb::DeleteAccountRequest* req,
                                               pb::DeleteAccountResponse* resp) {
  return ToGrpc(accounts_.Delete(req->internal_name()));
}

grpc::Status AccountGrpcService::TestConnection(Ctx* ctx, const pb::TestConnectionRequest* req,
                                                pb::TestConnectionResponse* resp) {
  absl::StatusOr<ConnectionReport> r = accounts_.TestConnection(req->internal_name());
  if (!r.ok()) return ToGrpc(r.status());
  resp->set_endpoint(r->endpoint);
  resp->set_version(r->instance.version);
  resp->set_instance_id(r->instance.instance_id);
  resp->set_workflows_started(r->instance.workflows_started);
  for (const auto& [name, state] : r->instance.workflows) {
    pb::WorkflowStatus* w = resp->add_workflows();
    w->set_internal_name(name);
    w->set_state(state);
  }
  resp->set_round_trip_ms(absl::ToInt64Milliseconds(r->round_trip));
  return grpc::Status::OK;
}

grpc::Status AccountGrpcService::InitializeConnection(Ctx* ctx,
                                                      const pb::InitializeConnectionRequest* req,
                                                      pb::Account* resp) {
  return Reply(
      accounts_.InitializeConnection(req->internal_name(), req->instance_id(), req->force()), resp);
}

grpc::Status AccountGrpcService::ListInstanceWorkflows(Ctx* ctx,
                                                       const pb::ListInstanceWorkflowsRequest* req,
                                                       pb::ListInstanceWorkflowsResponse* resp) {
  absl::StatusOr<std::vector<TechnicalWorkflow>> w = accounts_.ListWorkflows(req->internal_name());
  if (!w.ok()) return ToGrpc(w.status());
  for (const TechnicalWorkflow& one : *w) WorkflowToProto(one, resp->add_workflows());
  return grpc::Status::OK;
}

grpc::Status AccountGrpcService::ChangeInstanceWorkflow(
    Ctx* ctx, const pb::ChangeInstanceWorkflowRequest* req, messagecenter::v1::Workflow* resp) {
  WorkflowAction action;
  switch (req->action()) {
    case pb::WORKFLOW_ACTION_START:
      action = WorkflowAction::kStart;
      break;
    case pb::WORKFLOW_ACTION_PAUSE:
      action = WorkflowAction::kPause;
      break;
    case pb::WORKFLOW_ACTION_STOP:
      action = WorkflowAction::kStop;
      break;
    default:
      return ToGrpc(
          absl::InvalidArgumentError("action: required (WORKFLOW_ACTION_START, "
                                     "WORKFLOW_ACTION_PAUSE or WORKFLOW_ACTION_STOP)"));
  }
  absl::StatusOr<TechnicalWorkflow> w =
      accounts_.ChangeWorkflow(req->internal_name(), req->workflow(), action);
  if (!w.ok()) return ToGrpc(w.status());
  WorkflowToProto(*w, resp);
  return grpc::Status::OK;
}

}  // namespace mc::control
