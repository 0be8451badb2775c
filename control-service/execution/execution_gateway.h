// ExecutionGateway: what the control instance asks of an execution instance, each call naming
// the instance by its ExecutionTarget. Accounts test and initialize a connection (GetInfo,
// Initialize); publication checks the instance's workflows and publishes or unpublishes
// (GetInfo, Publish, Unpublish) and sends proofs (SendProof); archiving pulls the export streams
// (Export, ExportQuarantine); status-webhook subscriptions are published, deleted, read, resumed
// and replayed (PutSubscription, DeleteSubscription, ListSubscriptions, ResumeSubscription,
// ReplayWebhooks); the suppression list is listed and changed by hand (ListSuppressions,
// AddSuppression, RemoveSuppression, ReactivateSuppression). ExecutionClient implements it over
// gRPC; tests use FakeExecutionGateway.
//
// Failure modes every implementation keeps, always naming the account and its endpoint:
//  - unreachable, or no answer within the deadline: UNAVAILABLE;
//  - the credential refused: FAILED_PRECONDITION ("update the account's credential");
//  - otherwise the instance's own status code and message.
// Implementations are thread-safe: publication calls every instance in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "control-service/execution/archive_rows.h"
#include "control-service/execution/execution_target.h"
#include "control-service/execution/instance_summary.h"
#include "control-service/execution/proof_delivery.h"
#include "control-service/execution/subscription_publication.h"
#include "control-service/execution/suppression_entry.h"
#include "control-service/execution/technical_workflow.h"
#include "control-service/execution/template_publication.h"

namespace mc::control {

class ExecutionGateway {
 public:
  virtual ~ExecutionGateway() = default;

  [[nodiscard]] virtual absl::StatusOr<InstanceSummary> GetInfo(
      const ExecutionTarget& target) const = 0;
  // Stamps `instance_id` on the instance (`force`: even over another one).
  [[nodiscard]] virtual absl::StatusOr<InstanceSummary> Initialize(const ExecutionTarget& target,
                                                                   const std::string& instance_id,
                                                                   bool force) const = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<TechnicalWorkflow>> ListWorkflows(
      const ExecutionTarget& target) const = 0;
  // The workflow as the instance holds it after the change; NOT_FOUND for an unknown name.
  [[nodiscard]] virtual absl::StatusOr<TechnicalWorkflow> ChangeWorkflow(
      const ExecutionTarget& target, const std::string& name, WorkflowAction action) const = 0;
  [[nodiscard]] virtual absl::Status Publish(const ExecutionTarget& target,
                                             const TemplatePublication& t) const = 0;
  // OK also when the instance had nothing published under that name.
  [[nodiscard]] virtual absl::Status Unpublish(const ExecutionTarget& target,
                                               const std::string& internal_name) const = 0;

  // Renders `t` with each seed's data and sends it to the seed's address as a proof; one
  // outcome per seed, in order. The instance's INVALID_ARGUMENT for a template or seed it
  // refuses.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ProofOutcome>> SendProof(
      const ExecutionTarget& target, const TemplatePublication& t,
      const std::vector<ProofSeed>& seeds) const = 0;

  // One export stream: acknowledges `after` (the instance may purge what is before it), then
  // hands pages of final events after it to `on_page` until caught up (or `max_pages`); stops
  // at the first error `on_page` returns, and returns it.
  [[nodiscard]] virtual absl::Status Export(
      const ExecutionTarget& target, const ArchiveCursor& after, int page_size, int max_pages,
      const std::function<absl::Status(ArchivePage&)>& on_page) const = 0;
  // Every quarantined or denied address, in pages; stops at the first error `on_page` returns.
  [[nodiscard]] virtual absl::Status ExportQuarantine(
      const ExecutionTarget& target, int page_size,
      const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const = 0;

  // Creates or replaces the subscription (with the secrets in force); the instance keeps a
  // higher version it already holds. Returns what the instance then holds.
  [[nodiscard]] virtual absl::StatusOr<InstanceSubscriptionStatus> PutSubscription(
      const ExecutionTarget& target, const SubscriptionPublication& s) const = 0;
  // How many webhooks still queued for it will not be sent. NOT_FOUND when the instance holds
  // none of that name.
  [[nodiscard]] virtual absl::StatusOr<int64_t> DeleteSubscription(
      const ExecutionTarget& target, const std::string& name) const = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<InstanceSubscriptionStatus>> ListSubscriptions(
      const ExecutionTarget& target) const = 0;
  // Back to active. NOT_FOUND for a name the instance does not hold.
  [[nodiscard]] virtual absl::StatusOr<InstanceSubscriptionStatus> ResumeSubscription(
      const ExecutionTarget& target, const std::string& name) const = 0;
  // Queues again every webhook of the subscription queued at or after `since`; how many.
  // NOT_FOUND for a name the instance does not hold.
  [[nodiscard]] virtual absl::StatusOr<int64_t> ReplayWebhooks(const ExecutionTarget& target,
                                                               const std::string& name,
                                                               absl::Time since) const = 0;

  // One page of the instance's suppression list. INVALID_ARGUMENT naming the field of a bad
  // filter or page token.
  [[nodiscard]] virtual absl::StatusOr<SuppressionPage> ListSuppressions(
      const ExecutionTarget& target, const SuppressionFilter& filter) const = 0;
  // Adds the address (or makes its entry suppress again, with the new kind and reason); the
  // entry as the instance then holds it. INVALID_ARGUMENT naming the field.
  [[nodiscard]] virtual absl::StatusOr<SuppressionEntry> AddSuppression(
      const ExecutionTarget& target, const SuppressionAddition& a) const = 0;
  // NOT_FOUND when the instance has no entry for the address.
  [[nodiscard]] virtual absl::StatusOr<SuppressionEntry> RemoveSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const = 0;
  [[nodiscard]] virtual absl::StatusOr<SuppressionEntry> ReactivateSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const = 0;
};

}  // namespace mc::control
