#include "tests/support/exec_client.h"

#include <catch2/catch.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace v1 = messagecenter::v1;

ExecClient::ExecClient(const std::string& address) {
  auto channel = Channel(address);
  events_ = v1::EventService::NewStub(channel);
  templates_ = v1::TemplateService::NewStub(channel);
  workflows_ = v1::WorkflowService::NewStub(channel);
}

grpc::Status ExecClient::ChangeWorkflow(const std::string& name, v1::WorkflowState state) {
  v1::ChangeWorkflowRequest req;
  req.set_internal_name(name);
  v1::Workflow out;
  if (state == v1::WORKFLOW_STATE_STARTED) {
    return workflows_->StartWorkflow(Context().get(), req, &out);
  }
  if (state == v1::WORKFLOW_STATE_PAUSED) {
    return workflows_->PauseWorkflow(Context().get(), req, &out);
  }
  return workflows_->StopWorkflow(Context().get(), req, &out);
}

grpc::Status ExecClient::StartAllWorkflows() {
  for (const char* name :
       {"rtEventsProcessing", "batchEventsProcessing", "updateEventStatus", "webhookDelivery"}) {
    grpc::Status s = ChangeWorkflow(name, v1::WORKFLOW_STATE_STARTED);
    if (!s.ok()) return s;
  }
  return grpc::Status::OK;
}

grpc::Status ExecClient::Publish(const v1::Template& t) {
  v1::PublishTemplateRequest req;
  *req.mutable_template_() = t;
  v1::PublishTemplateResponse resp;
  return templates_->PublishTemplate(Context().get(), req, &resp);
}

int64_t ExecClient::Push(v1::Queue queue, const v1::Event& e) {
  v1::PushEventRequest req;
  req.set_queue(queue);
  *req.mutable_event() = e;
  v1::PushEventResponse resp;
  grpc::Status s = events_->PushEvent(Context().get(), req, &resp);
  if (!s.ok()) FAIL("PushEvent: " << s.error_message());
  return resp.id();
}

v1::StoredEvent ExecClient::Get(int64_t id) {
  v1::GetEventRequest req;
  req.set_id(id);
  v1::StoredEvent out;
  grpc::Status s = events_->GetEvent(Context().get(), req, &out);
  if (!s.ok()) FAIL("GetEvent " << id << ": " << s.error_message());
  return out;
}

v1::StoredEvent ExecClient::WaitFinal(int64_t id, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  v1::StoredEvent e = Get(id);
  while (e.status() < v1::EVENT_STATUS_SENT && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    e = Get(id);
  }
  return e;
}

}  // namespace mc::e2e
