// A typed client of one execution instance for end-to-end tests: events, templates, workflows,
// with the test token. Failures of the helpers that must succeed stop the test with FAIL.
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::e2e {

class ExecClient {
 public:
  explicit ExecClient(const std::string& address);

  grpc::Status StartAllWorkflows();
  grpc::Status ChangeWorkflow(const std::string& name, messagecenter::v1::WorkflowState state);
  grpc::Status Publish(const messagecenter::v1::Template& t);
  // Pushes one event; returns its id (FAIL on error).
  int64_t Push(messagecenter::v1::Queue queue, const messagecenter::v1::Event& e);
  messagecenter::v1::StoredEvent Get(int64_t id);
  // Polls until the event's status is final (2..6) or the timeout; returns the last read.
  messagecenter::v1::StoredEvent WaitFinal(int64_t id, absl::Duration timeout = absl::Seconds(30));

  messagecenter::v1::EventService::Stub& events() { return *events_; }
  messagecenter::v1::TemplateService::Stub& templates() { return *templates_; }
  messagecenter::v1::WorkflowService::Stub& workflows() { return *workflows_; }

 private:
  std::unique_ptr<messagecenter::v1::EventService::Stub> events_;
  std::unique_ptr<messagecenter::v1::TemplateService::Stub> templates_;
  std::unique_ptr<messagecenter::v1::WorkflowService::Stub> workflows_;
};

}  // namespace mc::e2e
