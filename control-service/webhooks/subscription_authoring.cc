#include "control-service/webhooks/subscription_authoring.h"

#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-service/webhooks/subscription_validation.h"
#include "control-service/webhooks/webhook_secret.h"

namespace mc::control {
namespace {

std::string Who(const ExecutionTarget& t) {
  return absl::StrCat("execution instance '", t.account, "' at ", t.endpoint);
}

InstanceOutcome OutcomeOf(const ExecutionTarget& t, const absl::Status& s,
                          std::string message_if_ok = "") {
  return {.account = t.account,
          .instance_id = t.instance_id,
          .code = static_cast<int>(s.code()),
          .message = s.ok() ? std::move(message_if_ok) : std::string(s.message())};
}

// `call(target)` for every target, in parallel; the answers in the targets' order.
template <typename Call>
auto OnEach(const std::vector<ExecutionTarget>& targets, const Call& call)
    -> std::vector<decltype(call(targets.front()))> {
  using Result = decltype(call(targets.front()));
  std::vector<std::future<Result>> calls;
  calls.reserve(targets.size());
  for (const ExecutionTarget& target : targets) {
    calls.push_back(std::async(std::launch::async, [&call, &target] { return call(target); }));
  }
  std::vector<Result> out;
  out.reserve(calls.size());
  for (std::future<Result>& c : calls) out.push_back(c.get());
  return out;
}

// An answer of PutSubscription as an outcome: a newer version the instance kept is said.
InstanceOutcome PutOutcome(const ExecutionTarget& target, int version,
                           const absl::StatusOr<InstanceSubscriptionStatus>& answer) {
  std::string note;
  if (answer.ok() && answer->subscription.version > version) {
    note = absl::StrCat("the instance kept version ", answer->subscription.version,
                        ", newer than version ", version);
  }
  return OutcomeOf(target, answer.status(), std::move(note));
}

}  // namespace

SubscriptionPublication SubscriptionAuthoring::PublicationOf(const StoredSubscription& s) const {
  const Subscription& sub = s.subscription;
  return {.name = sub.name,
          .url = sub.url,
          .statuses = sub.statuses,
          .event_types = sub.event_types,
          .every_attempt = sub.every_attempt,
          .max_batch = sub.max_batch,
          .disabled = sub.disabled,
          .version = sub.version,
          .secrets = InForce(s.secrets, now_())};
}

absl::StatusOr<std::vector<InstanceOutcome>> SubscriptionAuthoring::Publish(
    const StoredSubscription& s) {
  absl::StatusOr<std::vector<ExecutionTarget>> targets = targets_.Enabled();
  if (!targets.ok()) return targets.status();
  const SubscriptionPublication publication = PublicationOf(s);
  std::vector<absl::StatusOr<InstanceSubscriptionStatus>> answers =
      OnEach(*targets, [this, &publication](const ExecutionTarget& target) {
        return gateway_.PutSubscription(target, publication);
      });
  std::vector<InstanceOutcome> outcomes;
  int refused = 0;
  for (size_t i = 0; i < answers.size(); ++i) {
    outcomes.push_back(PutOutcome((*targets)[i], publication.version, answers[i]));
    if (answers[i].ok()) continue;
    ++refused;
    logger_.Warn("webhook subscription not published to an instance",
                 {{"subscription", publication.name},
                  {"version", publication.version},
                  {"account", (*targets)[i].account},
                  {"error", answers[i].status().message()}});
  }
  logger_.Info("webhook subscription published",
               {{"subscription", publication.name},
                {"version", publication.version},
                {"instances", static_cast<int64_t>(answers.size())},
                {"refused", refused}});
  return outcomes;
}

absl::StatusOr<SubscriptionChange> SubscriptionAuthoring::Commit(const StoredSubscription& next,
                                                                 int expected_version,
                                                                 std::string generated_secret) {
  absl::StatusOr<StoredSubscription> stored =
      expected_version == 0 ? store_.Insert(next) : store_.Replace(next, expected_version);
  if (!stored.ok()) return stored.status();
  absl::StatusOr<std::vector<InstanceOutcome>> outcomes = Publish(*stored);
  if (!outcomes.ok()) return outcomes.status();
  return SubscriptionChange{.subscription = Describe(*stored, now_()),
                            .outcomes = *std::move(outcomes),
                            .generated_secret = std::move(generated_secret)};
}

absl::StatusOr<SubscriptionChange> SubscriptionAuthoring::Create(const Subscription& s,
                                                                 const std::string& secret) {
  if (absl::Status v = ValidateSubscription(s); !v.ok()) return v;
  std::string generated;
  if (secret.empty()) {
    absl::StatusOr<std::string> made = NewSecret();
    if (!made.ok()) return made.status();
    generated = *std::move(made);
  } else if (absl::Status v = CheckSecret(secret); !v.ok()) {
    return v;
  }
  StoredSubscription next{.subscription = s,
                          .secrets = {.current = secret.empty() ? generated : secret}};
  next.subscription.version = 1;
  return Commit(next, 0, std::move(generated));
}

absl::StatusOr<SubscriptionChange> SubscriptionAuthoring::Update(const Subscription& s) {
  if (absl::Status v = ValidateSubscription(s); !v.ok()) return v;
  absl::StatusOr<StoredSubscription> old = store_.Get(s.name);
  if (!old.ok()) return old.status();
  StoredSubscription next{.subscription = s, .secrets = old->secrets};
  next.subscription.version = old->subscription.version + 1;
  return Commit(next, old->subscription.version, "");
}

absl::StatusOr<SubscriptionChange> SubscriptionAuthoring::RotateSecret(const std::string& name,
                                                                       const std::string& secret,
                                                                       int64_t overlap_seconds) {
  absl::StatusOr<absl::Duration> overlap = OverlapOf(overlap_seconds);
  if (!overlap.ok()) return overlap.status();
  if (!secret.empty()) {
    if (absl::Status v = CheckSecret(secret); !v.ok()) return v;
  }
  absl::StatusOr<StoredSubscription> old = store_.Get(name);
  if (!old.ok()) return old.status();
  std::string generated;
  if (secret.empty()) {
    absl::StatusOr<std::string> made = NewSecret();
    if (!made.ok()) return made.status();
    generated = *std::move(made);
  }
  StoredSubscription next = *old;
  next.subscription.version = old->subscription.version + 1;
  next.secrets = Rotate(old->secrets, secret.empty() ? generated : secret, now_(), *overlap);
  return Commit(next, old->subscription.version, std::move(generated));
}

absl::StatusOr<Subscription> SubscriptionAuthoring::Get(const std::string& name) {
  absl::StatusOr<StoredSubscription> s = store_.Get(name);
  if (!s.ok()) return s.status();
  return Describe(*s, now_());
}

absl::StatusOr<std::vector<Subscription>> SubscriptionAuthoring::List() {
  absl::StatusOr<std::vector<StoredSubscription>> all = store_.List();
  if (!all.ok()) return all.status();
  const absl::Time now = now_();
  std::vector<Subscription> out;
  out.reserve(all->size());
  for (const StoredSubscription& s : *all) out.push_back(Describe(s, now));
  return out;
}

absl::StatusOr<std::vector<InstanceOutcome>> SubscriptionAuthoring::Delete(
    const std::string& name) {
  // The accounts first: once it is gone here, only the instances are left to tell.
  absl::StatusOr<std::vector<ExecutionTarget>> targets = targets_.All();
  if (!targets.ok()) return targets.status();
  if (absl::Status s = store_.Delete(name); !s.ok()) return s;
  std::vector<absl::StatusOr<int64_t>> answers =
      OnEach(*targets, [this, &name](const ExecutionTarget& target) {
        return gateway_.DeleteSubscription(target, name);
      });
  std::vector<InstanceOutcome> outcomes;
  for (size_t i = 0; i < answers.size(); ++i) {
    const ExecutionTarget& target = (*targets)[i];
    if (answers[i].status().code() == absl::StatusCode::kNotFound) {
      outcomes.push_back(OutcomeOf(target, absl::OkStatus(), "the instance held none"));
      continue;
    }
    if (!answers[i].ok()) {
      logger_.Warn("webhook subscription not deleted from an instance",
                   {{"subscription", name},
                    {"account", target.account},
                    {"error", answers[i].status().message()}});
      outcomes.push_back(OutcomeOf(target, answers[i].status()));
      continue;
    }
    outcomes.push_back(
        OutcomeOf(target, absl::OkStatus(),
                  *answers[i] > 0 ? absl::StrCat(*answers[i], " queued webhooks dropped") : ""));
  }
  logger_.Info("webhook subscription deleted",
               {{"subscription", name}, {"instances", static_cast<int64_t>(answers.size())}});
  return outcomes;
}

absl::StatusOr<std::vector<SubscriptionOnInstance>> SubscriptionAuthoring::States(
    const std::string& name) {
  absl::StatusOr<StoredSubscription> stored = store_.Get(name);
  if (!stored.ok()) return stored.status();
  absl::StatusOr<std::vector<ExecutionTarget>> targets = targets_.Enabled();
  if (!targets.ok()) return targets.status();
  std::vector<absl::StatusOr<std::vector<InstanceSubscriptionStatus>>> answers =
      OnEach(*targets,
             [this](const ExecutionTarget& target) { return gateway_.ListSubscriptions(target); });
  const int version = stored->subscription.version;
  std::vector<SubscriptionOnInstance> out;
  for (size_t i = 0; i < answers.size(); ++i) {
    const ExecutionTarget& target = (*targets)[i];
    SubscriptionOnInstance on{.account = target.account};
    if (!answers[i].ok()) {
      on.code = static_cast<int>(answers[i].status().code());
      on.message = std::string(answers[i].status().message());
      out.push_back(std::move(on));
      continue;
    }
    for (InstanceSubscriptionStatus& s : *answers[i]) {
      if (s.subscription.name == name) on.status = std::move(s);
    }
    if (!on.status) {
      on.code = static_cast<int>(absl::StatusCode::kNotFound);
      on.message = absl::StrCat(Who(target), " holds no subscription '", name,
                                "': publish it again (PublishSubscriptions)");
    } else if (on.status->subscription.version < version) {
      on.message = absl::StrCat("the instance holds version ", on.status->subscription.version,
                                " of ", version, ": publish it again (PublishSubscriptions)");
    }
    out.push_back(std::move(on));
  }
  return out;
}

absl::StatusOr<std::vector<ExecutionTarget>> SubscriptionAuthoring::Chosen(
    const std::vector<std::string>& accounts) {
  if (accounts.empty()) return targets_.Enabled();
  std::vector<ExecutionTarget> out;
  for (const std::string& account : accounts) {
    absl::StatusOr<ExecutionTarget> target = targets_.Named(account);
    if (!target.ok()) return target.status();
    out.push_back(*std::move(target));
  }
  return out;
}

absl::StatusOr<std::vector<SubscriptionOnInstance>> SubscriptionAuthoring::Resume(
    const std::string& name, const std::vector<std::string>& accounts) {
  if (absl::StatusOr<StoredSubscription> s = store_.Get(name); !s.ok()) return s.status();
  absl::StatusOr<std::vector<ExecutionTarget>> targets = Chosen(accounts);
  if (!targets.ok()) return targets.status();
  std::vector<absl::StatusOr<InstanceSubscriptionStatus>> answers =
      OnEach(*targets, [this, &name](const ExecutionTarget& target) {
        return gateway_.ResumeSubscription(target, name);
      });
  std::vector<SubscriptionOnInstance> out;
  for (size_t i = 0; i < answers.size(); ++i) {
    SubscriptionOnInstance on{.account = (*targets)[i].account,
                              .code = static_cast<int>(answers[i].status().code())};
    if (answers[i].ok()) {
      on.status = *std::move(answers[i]);
    } else {
      on.message = std::string(answers[i].status().message());
    }
    out.push_back(std::move(on));
  }
  logger_.Info("webhook subscription resumed",
               {{"subscription", name}, {"instances", static_cast<int64_t>(answers.size())}});
  return out;
}

absl::StatusOr<ReplayResult> SubscriptionAuthoring::Replay(
    const std::string& name, absl::Time since, const std::vector<std::string>& accounts) {
  if (absl::StatusOr<StoredSubscription> s = store_.Get(name); !s.ok()) return s.status();
  absl::StatusOr<std::vector<ExecutionTarget>> targets = Chosen(accounts);
  if (!targets.ok()) return targets.status();
  std::vector<absl::StatusOr<int64_t>> answers =
      OnEach(*targets, [this, &name, since](const ExecutionTarget& target) {
        return gateway_.ReplayWebhooks(target, name, since);
      });
  ReplayResult result;
  for (size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].ok()) result.replayed += *answers[i];
    result.outcomes.push_back(
        OutcomeOf((*targets)[i], answers[i].status(),
                  answers[i].ok() ? absl::StrCat(*answers[i], " queued again") : ""));
  }
  logger_.Info("webhooks replayed", {{"subscription", name}, {"replayed", result.replayed}});
  return result;
}

absl::StatusOr<std::vector<InstanceOutcome>> SubscriptionAuthoring::PublishAll() {
  absl::StatusOr<std::vector<StoredSubscription>> all = store_.List();
  if (!all.ok()) return all.status();
  absl::StatusOr<std::vector<ExecutionTarget>> targets = targets_.Enabled();
  if (!targets.ok()) return targets.status();
  std::vector<SubscriptionPublication> publications;
  for (const StoredSubscription& s : *all) publications.push_back(PublicationOf(s));
  // Per instance one after the other (a version's order kept), the instances in parallel.
  std::vector<InstanceOutcome> outcomes = OnEach(*targets, [this, &publications](
                                                               const ExecutionTarget& target) {
    size_t taken = 0;
    std::vector<std::string> refusals;
    absl::StatusCode first = absl::StatusCode::kOk;
    for (const SubscriptionPublication& p : publications) {
      absl::StatusOr<InstanceSubscriptionStatus> answer = gateway_.PutSubscription(target, p);
      if (answer.ok()) {
        ++taken;
        continue;
      }
      if (first == absl::StatusCode::kOk) first = answer.status().code();
      refusals.push_back(absl::StrCat("subscription '", p.name, "': ", answer.status().message()));
      logger_.Warn("webhook subscription not published to an instance",
                   {{"subscription", p.name},
                    {"version", p.version},
                    {"account", target.account},
                    {"error", answer.status().message()}});
      // UNAVAILABLE is also an instance's own answer (a URL whose host does not resolve now):
      // only when the instance itself is out of reach would the next ones just wait for
      // their deadline too.
      if (answer.status().code() == absl::StatusCode::kUnavailable &&
          !gateway_.ListSubscriptions(target).ok()) {
        break;
      }
    }
    std::string message =
        absl::StrCat("published ", taken, " of ", publications.size(), " subscriptions");
    if (!refusals.empty()) absl::StrAppend(&message, ": ", absl::StrJoin(refusals, " | "));
    return InstanceOutcome{.account = target.account,
                           .instance_id = target.instance_id,
                           .code = static_cast<int>(first),
                           .message = std::move(message)};
  });
  return outcomes;
}

}  // namespace mc::control
