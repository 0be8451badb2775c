#include "control-service/execution/fake_execution_gateway.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mc::control {

void FakeExecutionGateway::Set(const std::string& endpoint, Instance instance) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_[endpoint] = std::move(instance);
}

void FakeExecutionGateway::Change(const std::string& endpoint,
                                  const std::function<void(Instance&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  change(instances_.at(endpoint));
}

FakeExecutionGateway::Instance FakeExecutionGateway::Get(const std::string& endpoint) const {
  std::lock_guard<std::mutex> lock(mu_);
  return instances_.at(endpoint);
}

std::vector<std::string> FakeExecutionGateway::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

absl::StatusOr<FakeExecutionGateway::Instance*> FakeExecutionGateway::Reach(
    const ExecutionTarget& target, const std::string& call) const {
  calls_.push_back(absl::StrCat(call, " ", target.account));
  auto it = instances_.find(target.endpoint);
  if (it == instances_.end()) {
    return absl::UnavailableError(absl::StrCat("execution instance '", target.account, "' at ",
                                               target.endpoint, " is unreachable: no such host"));
  }
  if (!it->second.down.ok()) return it->second.down;
  return &it->second;
}

absl::StatusOr<InstanceSummary> FakeExecutionGateway::GetInfo(const ExecutionTarget& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "GetInfo");
  if (!instance.ok()) return instance.status();
  return (*instance)->summary;
}

absl::StatusOr<InstanceSummary> FakeExecutionGateway::Initialize(const ExecutionTarget& target,
                                                                 const std::string& instance_id,
                                                                 bool force) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "Initialize");
  if (!instance.ok()) return instance.status();
  InstanceSummary& summary = (*instance)->summary;
  if (!force && !summary.instance_id.empty() && summary.instance_id != instance_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("the instance already carries identifier '", summary.instance_id, "'"));
  }
  summary.instance_id = instance_id;
  return summary;
}

absl::StatusOr<std::vector<TechnicalWorkflow>> FakeExecutionGateway::ListWorkflows(
    const ExecutionTarget& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "ListWorkflows");
  if (!instance.ok()) return instance.status();
  return (*instance)->workflows;
}

absl::StatusOr<TechnicalWorkflow> FakeExecutionGateway::ChangeWorkflow(
    const ExecutionTarget& target, const std::string& name, WorkflowAction action) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "ChangeWorkflow");
  if (!instance.ok()) return instance.status();
  for (TechnicalWorkflow& w : (*instance)->workflows) {
    if (w.internal_name != name) continue;
    w.state = action == WorkflowAction::kStart   ? "started"
              : action == WorkflowAction::kPause ? "paused"
                                                 : "stopped";
    return w;
  }
  return absl::NotFoundError(absl::StrCat("workflow '", name, "' not found"));
}

absl::Status FakeExecutionGateway::Publish(const ExecutionTarget& target,
                                           const TemplatePublication& t) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, absl::StrCat("Publish v", t.version));
  if (!instance.ok()) return instance.status();
  if ((*instance)->publish.ok()) (*instance)->published.push_back(t);
  return (*instance)->publish;
}

absl::StatusOr<std::vector<ProofOutcome>> FakeExecutionGateway::SendProof(
    const ExecutionTarget& target, const TemplatePublication& t,
    const std::vector<ProofSeed>& seeds) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "SendProof");
  if (!instance.ok()) return instance.status();
  if (!(*instance)->proof.ok()) return (*instance)->proof;
  (*instance)->proofs.emplace_back(t, seeds);
  std::vector<ProofOutcome> outcomes;
  for (const ProofSeed& seed : seeds) {
    outcomes.push_back({.address = seed.address,
                        .message_id = absl::StrCat("<proof-", outcomes.size(), "@fake>"),
                        .language = seed.language});
  }
  return outcomes;
}

absl::Status FakeExecutionGateway::Unpublish(const ExecutionTarget& target,
                                             const std::string& internal_name) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> instance = Reach(target, "Unpublish");
  if (!instance.ok()) return instance.status();
  if ((*instance)->unpublish.ok()) (*instance)->unpublished.push_back(internal_name);
  return (*instance)->unpublish;
}

absl::Status FakeExecutionGateway::Export(
    const ExecutionTarget& target, const ArchiveCursor& after, int page_size, int max_pages,
    const std::function<absl::Status(ArchivePage&)>& on_page) const {
  std::unique_lock<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, "Export");
  if (!reached.ok()) return reached.status();
  Instance& instance = **reached;
  instance.acknowledged.push_back(after);
  ArchiveCursor cursor = after;
  size_t next = static_cast<size_t>(after.xid);  // events at xid <= after.xid are before it
  for (int pages = 0; max_pages == 0 || pages < max_pages; ++pages) {
    if (pages == instance.break_stream_after_pages) return instance.stream_error;
    if (pages == instance.hook_after_pages && instance.hook) {
      std::function<void()> hook = instance.hook;
      lock.unlock();
      hook();
      lock.lock();
    }
    ArchivePage page{.instance_id = instance.summary.instance_id};
    for (; next < instance.events.size() && page.events.size() < static_cast<size_t>(page_size);
         ++next) {
      page.events.push_back(instance.events[next]);
    }
    if (!page.events.empty()) {
      cursor = {.xid = next, .queue = page.events.back().queue, .id = page.events.back().id};
    }
    page.next = cursor;
    page.caught_up = static_cast<int>(page.events.size()) < page_size;
    lock.unlock();
    absl::Status s = on_page(page);
    lock.lock();
    if (!s.ok()) return s;
    if (page.caught_up) break;
  }
  return absl::OkStatus();
}

absl::Status FakeExecutionGateway::ExportQuarantine(
    const ExecutionTarget& target, int page_size,
    const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const {
  std::unique_lock<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, "ExportQuarantine");
  if (!reached.ok()) return reached.status();
  const std::vector<QuarantinedAddress> all = (*reached)->quarantine;
  lock.unlock();
  for (size_t from = 0;; from += page_size) {
    std::vector<QuarantinedAddress> page(
        all.begin() + std::min(from, all.size()),
        all.begin() + std::min(from + static_cast<size_t>(page_size), all.size()));
    const bool last = page.size() < static_cast<size_t>(page_size);
    if (from == 0 || !page.empty()) {
      if (absl::Status s = on_page(page); !s.ok()) return s;
    }
    if (last) return absl::OkStatus();
  }
}

namespace {

absl::Status NoSubscription(const ExecutionTarget& target, const std::string& name) {
  return absl::NotFoundError(absl::StrCat("execution instance '", target.account, "' at ",
                                          target.endpoint, ": no subscription named '", name, "'"));
}

}  // namespace

absl::StatusOr<InstanceSubscriptionStatus> FakeExecutionGateway::PutSubscription(
    const ExecutionTarget& target, const SubscriptionPublication& s) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached =
      Reach(target, absl::StrCat("PutSubscription ", s.name, " v", s.version));
  if (!reached.ok()) return reached.status();
  Instance& instance = **reached;
  if (!instance.put_subscription.ok()) return instance.put_subscription;
  instance.puts.push_back(s);
  InstanceSubscriptionStatus& held = instance.subscriptions[s.name];
  if (held.subscription.version > s.version) return held;
  held.subscription = s;
  held.subscription.secrets.clear();
  held.secrets = static_cast<int>(s.secrets.size());
  if (held.state == SubscriptionState::kUnspecified) held.state = SubscriptionState::kActive;
  return held;
}

absl::StatusOr<int64_t> FakeExecutionGateway::DeleteSubscription(const ExecutionTarget& target,
                                                                 const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, absl::StrCat("DeleteSubscription ", name));
  if (!reached.ok()) return reached.status();
  auto it = (*reached)->subscriptions.find(name);
  if (it == (*reached)->subscriptions.end()) return NoSubscription(target, name);
  const int64_t dropped = it->second.queued;
  (*reached)->subscriptions.erase(it);
  return dropped;
}

absl::StatusOr<std::vector<InstanceSubscriptionStatus>> FakeExecutionGateway::ListSubscriptions(
    const ExecutionTarget& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, "ListSubscriptions");
  if (!reached.ok()) return reached.status();
  std::vector<InstanceSubscriptionStatus> out;
  for (const auto& [name, status] : (*reached)->subscriptions) out.push_back(status);
  return out;
}

absl::StatusOr<InstanceSubscriptionStatus> FakeExecutionGateway::ResumeSubscription(
    const ExecutionTarget& target, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, absl::StrCat("ResumeSubscription ", name));
  if (!reached.ok()) return reached.status();
  auto it = (*reached)->subscriptions.find(name);
  if (it == (*reached)->subscriptions.end()) return NoSubscription(target, name);
  it->second.state = SubscriptionState::kActive;
  it->second.failing_since.reset();
  return it->second;
}

absl::StatusOr<int64_t> FakeExecutionGateway::ReplayWebhooks(const ExecutionTarget& target,
                                                             const std::string& name,
                                                             absl::Time since) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, absl::StrCat("ReplayWebhooks ", name));
  if (!reached.ok()) return reached.status();
  if (!(*reached)->subscriptions.contains(name)) return NoSubscription(target, name);
  (*reached)->replays.emplace_back(name, since);
  return (*reached)->replayable;
}

namespace {

absl::Status NoSuppression(const ExecutionTarget& target, const std::string& address) {
  return absl::NotFoundError(absl::StrCat("execution instance '", target.account, "' at ",
                                          target.endpoint, ": no suppression-list entry for '",
                                          address, "'"));
}

}  // namespace

absl::StatusOr<SuppressionPage> FakeExecutionGateway::ListSuppressions(
    const ExecutionTarget& target, const SuppressionFilter& filter) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, "ListSuppressions");
  if (!reached.ok()) return reached.status();
  if (!(*reached)->suppression_error.ok()) return (*reached)->suppression_error;
  std::vector<SuppressionEntry> matching;
  for (const auto& [key, e] : (*reached)->suppressions) {
    if (filter.channel && *filter.channel != e.channel) continue;
    if (!filter.address.empty() && filter.address != e.address) continue;
    if (filter.kind != SuppressionKind::kUnspecified && filter.kind != e.kind) continue;
    if (!filter.states.empty() &&
        std::find(filter.states.begin(), filter.states.end(), e.state) == filter.states.end()) {
      continue;
    }
    matching.push_back(e);
  }
  std::stable_sort(matching.begin(), matching.end(),
                   [](const SuppressionEntry& a, const SuppressionEntry& b) {
                     return a.changed_at > b.changed_at;
                   });
  size_t from = 0;
  if (!filter.page_token.empty() && !absl::SimpleAtoi(filter.page_token, &from)) {
    return absl::InvalidArgumentError("page_token: not one this instance made");
  }
  const size_t size = filter.page_size > 0 ? static_cast<size_t>(filter.page_size) : 100;
  SuppressionPage page;
  for (size_t i = from; i < matching.size() && page.entries.size() < size; ++i) {
    page.entries.push_back(matching[i]);
  }
  if (from + size < matching.size()) page.next_page_token = absl::StrCat(from + size);
  return page;
}

absl::StatusOr<SuppressionEntry> FakeExecutionGateway::AddSuppression(
    const ExecutionTarget& target, const SuppressionAddition& a) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, absl::StrCat("AddSuppression ", a.address));
  if (!reached.ok()) return reached.status();
  if (!(*reached)->suppression_error.ok()) return (*reached)->suppression_error;
  const absl::Time now = (*reached)->clock += absl::Seconds(1);
  SuppressionEntry& e = (*reached)->suppressions[{a.channel, a.address}];
  if (e.address.empty()) e.first_seen = now;
  e.channel = a.channel;
  e.address = a.address;
  e.kind = a.kind == SuppressionKind::kUnspecified ? SuppressionKind::kDeny : a.kind;
  e.failure_type = e.kind == SuppressionKind::kQuarantine ? "hard" : "";
  e.reason = a.reason;
  e.last_seen = now;
  e.state = SuppressionState::kActive;
  e.changed_by = a.actor;
  e.changed_at = now;
  e.removed.reset();
  return e;
}

absl::StatusOr<SuppressionEntry> FakeExecutionGateway::RemoveSuppression(
    const ExecutionTarget& target, const SuppressionRef& r) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached = Reach(target, absl::StrCat("RemoveSuppression ", r.address));
  if (!reached.ok()) return reached.status();
  if (!(*reached)->suppression_error.ok()) return (*reached)->suppression_error;
  auto it = (*reached)->suppressions.find({r.channel, r.address});
  if (it == (*reached)->suppressions.end()) return NoSuppression(target, r.address);
  const absl::Time now = (*reached)->clock += absl::Seconds(1);
  it->second.state = SuppressionState::kRemoved;
  it->second.removed = now;
  it->second.changed_by = r.actor;
  it->second.changed_at = now;
  return it->second;
}

absl::StatusOr<SuppressionEntry> FakeExecutionGateway::ReactivateSuppression(
    const ExecutionTarget& target, const SuppressionRef& r) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Instance*> reached =
      Reach(target, absl::StrCat("ReactivateSuppression ", r.address));
  if (!reached.ok()) return reached.status();
  if (!(*reached)->suppression_error.ok()) return (*reached)->suppression_error;
  auto it = (*reached)->suppressions.find({r.channel, r.address});
  if (it == (*reached)->suppressions.end()) return NoSuppression(target, r.address);
  const absl::Time now = (*reached)->clock += absl::Seconds(1);
  it->second.state = SuppressionState::kActive;
  it->second.removed.reset();
  it->second.changed_by = r.actor;
  it->second.changed_at = now;
  return it->second;
}

}  // namespace mc::control
