// FakeExecutionGateway: an ExecutionGateway scripted per endpoint, for the tests of what sits
// above the gateway (accounts, publication, archiving). Each instance answers GetInfo with its
// summary, keeps what was published to it, and exports the final events and quarantine it was
// given, in pages, the way an execution instance does: event i (0-based) is at cursor
// {xid = i + 1, its queue, its id}; a stream starts after the cursor it is given, hands pages
// until one is shorter than the page size (caught_up) or max_pages were handed, and each page
// carries the instance's summary.instance_id (a wrong one is the caller's to notice).
//
// Webhook subscriptions are held by name as an instance holds them: a PutSubscription of a
// lower version than the one held is ignored (and answered with the one held); every
// PutSubscription taken is kept with its secrets (`puts`), every replay asked (`replays`).
//
// The suppression list is held by (channel, address) as given (no address keys): Add creates
// or replaces an entry that suppresses (changed by the actor, at the instance's clock: one
// second later per change), Remove marks it removed, Reactivate makes it suppress again; List
// filters by channel, exact address, kind and states, most recently changed first, `page_size` at a
// time (0: 100) with the next entry's position as its page token.
//
// Failure modes, as scripted: an instance that is `down` answers every call with that status;
// an unknown endpoint is UNAVAILABLE; Publish and Unpublish return `publish` / `unpublish`;
// SendProof returns `proof` when it is not OK, else keeps the proof and answers every seed
// with code 0, its language and Message-ID "<proof-N@fake>";
// PutSubscription returns `put_subscription` when it is not OK; DeleteSubscription,
// ResumeSubscription and ReplayWebhooks of a name not held are NOT_FOUND; the suppression calls
// return `suppression_error` when it is not OK, Remove and Reactivate of an address without an
// entry are NOT_FOUND;
// a stream breaks with `stream_error` after `break_stream_after_pages` pages; Initialize over
// another identifier without force is FAILED_PRECONDITION; ChangeWorkflow of a name not in
// `workflows` is NOT_FOUND; `on_page`'s error is returned as is.
// Every call is recorded (calls()). Thread-safe: one mutex, released while `on_page` runs.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "control-service/execution/execution_gateway.h"

namespace mc::control {

class FakeExecutionGateway final : public ExecutionGateway {
 public:
  struct Instance {
    InstanceSummary summary;
    std::vector<TechnicalWorkflow> workflows;  // ChangeWorkflow sets the state of one
    absl::Status down;                         // not OK: every call returns it
    absl::Status publish, unpublish;
    std::vector<ArchivedEvent> events;  // final events, in export order
    std::vector<QuarantinedAddress> quarantine;
    int break_stream_after_pages = -1;  // >= 0: every stream fails after that many pages
    absl::Status stream_error = absl::UnavailableError("the stream was cut");
    // Called (unlocked) after that many pages of every stream have been handed over, e.g. to
    // crash a server in the middle of a run.
    int hook_after_pages = -1;
    std::function<void()> hook;
    // Kept by the fake.
    std::vector<TemplatePublication> published;
    std::vector<std::string> unpublished;
    absl::Status proof;  // not OK: SendProof refuses with it
    std::vector<std::pair<TemplatePublication, std::vector<ProofSeed>>> proofs;  // kept
    std::vector<ArchiveCursor> acknowledged;  // each stream's `after`
    // Webhooks.
    absl::Status put_subscription;  // not OK: PutSubscription refuses with it
    int64_t replayable = 0;         // what each ReplayWebhooks queues again
    std::map<std::string, InstanceSubscriptionStatus> subscriptions;  // kept
    std::vector<SubscriptionPublication> puts;                        // kept, secrets included
    std::vector<std::pair<std::string, absl::Time>> replays;          // kept
    // Suppression list.
    absl::Status suppression_error;  // not OK: every suppression call refuses with it
    std::map<std::pair<int, std::string>, SuppressionEntry> suppressions;  // kept
    absl::Time clock = absl::FromUnixSeconds(1700000000);  // one second later per change
  };

  // Adds or replaces the instance at `endpoint`.
  void Set(const std::string& endpoint, Instance instance);
  // Changes the instance at `endpoint` (which must exist) in place.
  void Change(const std::string& endpoint, const std::function<void(Instance&)>& change);
  // A copy of the instance at `endpoint` (which must exist).
  Instance Get(const std::string& endpoint) const;
  // Each call so far, "<method> <account>" (Publish: "Publish v<version> <account>";
  // PutSubscription: "PutSubscription <name> v<version> <account>"; the other subscription
  // calls: "<method> <name> <account>"; the suppression calls but List: "<method> <address>
  // <account>"), in call order.
  std::vector<std::string> calls() const;

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
  [[nodiscard]] absl::Status Export(
      const ExecutionTarget& target, const ArchiveCursor& after, int page_size, int max_pages,
      const std::function<absl::Status(ArchivePage&)>& on_page) const override;
  [[nodiscard]] absl::Status ExportQuarantine(
      const ExecutionTarget& target, int page_size,
      const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const override;
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
  [[nodiscard]] absl::StatusOr<SuppressionPage> ListSuppressions(
      const ExecutionTarget& target, const SuppressionFilter& filter) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> AddSuppression(
      const ExecutionTarget& target, const SuppressionAddition& a) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> RemoveSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const override;
  [[nodiscard]] absl::StatusOr<SuppressionEntry> ReactivateSuppression(
      const ExecutionTarget& target, const SuppressionRef& r) const override;

 private:
  // Records the call; the instance at the target's endpoint, or the status it answers with.
  [[nodiscard]] absl::StatusOr<Instance*> Reach(const ExecutionTarget& target,
                                                const std::string& call) const;

  mutable std::mutex mu_;
  mutable std::map<std::string, Instance> instances_;
  mutable std::vector<std::string> calls_;
};

}  // namespace mc::control
