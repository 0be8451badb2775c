// ExecutionClient: the ExecutionGateway over gRPC, with the account's endpoint, connection
// method and credential.
//
// Failure modes: those of ExecutionGateway (UNAVAILABLE, FAILED_PRECONDITION for a refused
// credential, or the instance's own status, naming the account and its endpoint).
// The credential is sent as a bearer token and never appears in a message. Stateless and
// thread-safe: each call opens its channel (gRPC shares the TCP connection per target).
#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control-service/execution/execution_gateway.h"

namespace mc::control {

struct ExecutionClientOptions {
  // Per unary call.
  absl::Duration deadline = absl::Seconds(10);
  // Per export stream (keepalive pings notice a dead peer within seconds), and per quarantine
  // export.
  absl::Duration export_deadline = absl::Minutes(30);
  absl::Duration quarantine_deadline = absl::Minutes(10);
  // For accounts whose connection method is TLS (PEM text): the CA checking the instances
  // (empty: the system's roots), and a client certificate and key for mutual TLS (optional).
  std::string tls_ca, tls_cert, tls_key;
};

class ExecutionClient final : public ExecutionGateway {
 public:
  explicit ExecutionClient(ExecutionClientOptions options = {}) : options_(std::move(options)) {}

  [[nodiscard]] absl::StatusOr<InstanceSummary> GetInfo(
      const ExecutionTarget& target) const override;
  [[nodiscard]] absl::StatusOr<InstanceSummary> Initialize(const ExecutionTarget& target,
                                                           const std::string& instance_id,
                                                           bool force) const override;
  [[nodiscard]] absl::StatusOr<std::vector<TechnicalWorkflow>> ListWorkflows(
      const ExecutionTarget& target) const override;
  [[nodiscard]] absl::StatusOr<TechnicalWorkflow> ChangeWorkflow(
      const ExecutionTarget& target, const std::string& name, WorkflowAction action) const override;
  [[nodiscard]] absl::Status Publish(const ExecutionTarget& target,
                                     const TemplatePublication& t) const override;
  [[nodiscard]] absl::Status Unpublish(const ExecutionTarget& target,
                                       const std::string& internal_name) const override;
  [[nodiscard]] absl::StatusOr<std::vector<ProofOutcome>> SendProof(
      const ExecutionTarget& target, const TemplatePublication& t,
      const std::vector<ProofSeed>& seeds) const override;
  // A reader thread keeps up to three pages coming while `on_page` stores the current one.
  [[nodiscard]] absl::Status Export(
      const ExecutionTarget& target, const ArchiveCursor& after, int page_size, int max_pages,
      const std::function<absl::Status(ArchivePage&)>& on_page) const override;
  [[nodiscard]] absl::Status ExportQuarantine(
      const ExecutionTarget& target, int page_size,
      const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const override;
  // messagecenter.v1.WebhookService; the secrets go only into PutSubscription's request.
  [[nodiscard]] absl::StatusOr<InstanceSubscriptionStatus> PutSubscription(
      const ExecutionTarget& target, const SubscriptionPublication& s) const override;
  [[nodiscard]] absl::StatusOr<int64_t> DeleteSubscription(const ExecutionTarget& target,
                                                           const std::string& name) const override;
  [[nodiscard]] absl::StatusOr<std::vector<InstanceSubscriptionStatus>> ListSubscriptions(
      const ExecutionTarget& target) const override;
  [[nodiscard]] absl::StatusOr<InstanceSubscriptionStatus> ResumeSubscription(
      const ExecutionTarget& target, const std::string& name) const override;
  [[nodiscard]] absl::StatusOr<int64_t> ReplayWebhooks(const ExecutionTarget& target,
                                                       const std::string& name,
                                                       absl::Time since) const override;
  // messagecenter.v1.SuppressionService, each call within the unary deadline.
  [[nodiscard]] absl::StatusOr<SuppressionPage> ListSuppressions(
      const ExecutionTarget& target, const SuppressionFilter& filter) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> AddSuppression(
      const ExecutionTarget& target, const SuppressionAddition& a) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> RemoveSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> ReactivateSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const override;

 private:
  std::shared_ptr<grpc::Channel> MakeChannel(const ExecutionTarget& target) const;

  ExecutionClientOptions options_;
};

}  // namespace mc::control
