#include "control-service/suppressions/suppression_fanout.h"

#include <algorithm>
#include <future>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace mc::control {
namespace {

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

absl::Status CheckChannel(int channel) {
  if (channel == 0 || channel == 1 || channel == 41 || channel == 42) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "channel: must be 0 (email), 1 (SMS), 41 (iOS) or 42 (Android)");
}

absl::Status CheckText(const char* field, const std::string& text, size_t max, bool required) {
  if (required && text.empty())
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (text::CodePoints(text) > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRef(int channel, const std::string& address, const std::string& actor) {
  if (absl::Status s = CheckChannel(channel); !s.ok()) return s;
  if (address.empty()) return absl::InvalidArgumentError("address: required");
  return CheckText("actor", actor, SuppressionFanout::kMaxActor, false);
}

absl::Status CheckFilter(const std::string& account, const SuppressionFilter& f) {
  if (f.channel) {
    if (absl::Status s = CheckChannel(*f.channel); !s.ok()) return s;
  }
  if (f.page_size < 0 || f.page_size > SuppressionFanout::kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ",
                                                   SuppressionFanout::kMaxPageSize, " (0: 100)"));
  }
  if (!f.page_token.empty() && account.empty()) {
    return absl::InvalidArgumentError(
        "page_token: a page token continues one instance's list: give its account too");
  }
  return absl::OkStatus();
}

// The request itself is at fault when every instance called refused it as invalid.
template <typename Answer>
absl::Status AllInvalid(const std::vector<Answer>& answers) {
  if (answers.empty()) return absl::OkStatus();
  for (const Answer& a : answers) {
    if (a.status().code() != absl::StatusCode::kInvalidArgument) return absl::OkStatus();
  }
  return answers.front().status();
}

}  // namespace

absl::StatusOr<std::vector<ExecutionTarget>> SuppressionFanout::Chosen(
    const std::vector<std::string>& accounts) {
  if (accounts.empty()) return targets_.Enabled();
  std::vector<ExecutionTarget> out;
  for (const std::string& account : accounts) {
    if (std::any_of(out.begin(), out.end(),
                    [&](const ExecutionTarget& t) { return t.account == account; })) {
      continue;
    }
    absl::StatusOr<ExecutionTarget> target = targets_.Named(account);
    if (!target.ok()) return target.status();
    out.push_back(*std::move(target));
  }
  return out;
}

absl::StatusOr<std::vector<SuppressionOutcome>> SuppressionFanout::OnEvery(
    const char* what, const std::string& actor, const std::vector<std::string>& accounts,
    const Call& call) {
  absl::StatusOr<std::vector<ExecutionTarget>> targets = Chosen(accounts);
  if (!targets.ok()) return targets.status();
  std::vector<absl::StatusOr<SuppressionEntry>> answers = OnEach(*targets, call);
  if (absl::Status invalid = AllInvalid(answers); !invalid.ok()) return invalid;
  std::vector<SuppressionOutcome> outcomes;
  outcomes.reserve(answers.size());
  int refused = 0;
  for (size_t i = 0; i < answers.size(); ++i) {
    const ExecutionTarget& target = (*targets)[i];
    SuppressionOutcome& o = outcomes.emplace_back();
    o.account = target.account;
    o.instance_id = target.instance_id;
    o.code = static_cast<int>(answers[i].status().code());
    if (answers[i].ok()) {
      o.entry = *std::move(answers[i]);
      continue;
    }
    o.message = std::string(answers[i].status().message());
    if (answers[i].status().code() == absl::StatusCode::kNotFound) continue;
    ++refused;
    logger_.Warn(absl::StrCat("suppression-list ", what, " not done on an instance"),
                 {{"account", target.account}, {"error", o.message}});
  }
  logger_.Info(absl::StrCat("suppression-list ", what),
               {{"actor", actor},
                {"instances", static_cast<int64_t>(answers.size())},
                {"refused", refused}});
  return outcomes;
}

absl::StatusOr<std::vector<SuppressionOutcome>> SuppressionFanout::Add(
    const SuppressionAddition& addition, const std::vector<std::string>& accounts) {
  if (absl::Status s = CheckRef(addition.channel, addition.address, addition.actor); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("reason", addition.reason, kMaxReason, true); !s.ok()) return s;
  if (addition.kind != SuppressionKind::kUnspecified &&
      addition.kind != SuppressionKind::kQuarantine && addition.kind != SuppressionKind::kDeny) {
    return absl::InvalidArgumentError("kind: must be QUARANTINE or DENY");
  }
  return OnEvery("addition", addition.actor, accounts, [&](const ExecutionTarget& target) {
    return gateway_.AddSuppression(target, addition);
  });
}

absl::StatusOr<std::vector<SuppressionOutcome>> SuppressionFanout::Remove(
    const SuppressionRef& ref, const std::vector<std::string>& accounts) {
  if (absl::Status s = CheckRef(ref.channel, ref.address, ref.actor); !s.ok()) return s;
  return OnEvery("removal", ref.actor, accounts, [&](const ExecutionTarget& target) {
    return gateway_.RemoveSuppression(target, ref);
  });
}

absl::StatusOr<std::vector<SuppressionOutcome>> SuppressionFanout::Reactivate(
    const SuppressionRef& ref, const std::vector<std::string>& accounts) {
  if (absl::Status s = CheckRef(ref.channel, ref.address, ref.actor); !s.ok()) return s;
  return OnEvery("reactivation", ref.actor, accounts, [&](const ExecutionTarget& target) {
    return gateway_.ReactivateSuppression(target, ref);
  });
}

absl::StatusOr<SuppressionListing> SuppressionFanout::List(const std::string& account,
                                                           const SuppressionFilter& filter) {
  if (absl::Status s = CheckFilter(account, filter); !s.ok()) return s;
  absl::StatusOr<std::vector<ExecutionTarget>> targets =
      Chosen(account.empty() ? std::vector<std::string>{} : std::vector<std::string>{account});
  if (!targets.ok()) return targets.status();
  std::vector<absl::StatusOr<SuppressionPage>> pages = OnEach(
      *targets,
      [&](const ExecutionTarget& target) { return gateway_.ListSuppressions(target, filter); });
  if (absl::Status invalid = AllInvalid(pages); !invalid.ok()) return invalid;
  SuppressionListing listing;
  for (size_t i = 0; i < pages.size(); ++i) {
    const ExecutionTarget& target = (*targets)[i];
    if (!pages[i].ok()) {
      listing.errors.push_back({.account = target.account,
                                .instance_id = target.instance_id,
                                .code = static_cast<int>(pages[i].status().code()),
                                .message = std::string(pages[i].status().message())});
      continue;
    }
    for (SuppressionEntry& e : pages[i]->entries) {
      listing.entries.push_back(
          {.account = target.account, .instance_id = target.instance_id, .entry = std::move(e)});
    }
    if (!pages[i]->next_page_token.empty()) {
      listing.more.push_back(
          {.account = target.account, .page_token = std::move(pages[i]->next_page_token)});
    }
  }
  std::stable_sort(listing.entries.begin(), listing.entries.end(),
                   [](const AccountSuppression& a, const AccountSuppression& b) {
                     return std::forward_as_tuple(b.entry.changed_at, a.account, a.entry.channel,
                                                  a.entry.address) <
                            std::forward_as_tuple(a.entry.changed_at, b.account, b.entry.channel,
                                                  b.entry.address);
                   });
  return listing;
}

}  // namespace mc::control
