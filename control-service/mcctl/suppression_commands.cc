// mcctl suppressions: every execution instance's suppression list (the quarantine and the deny
// list) at once, through the control instance's SuppressionService: list and search them, add
// an address by hand, remove or reactivate an entry, on every enabled instance (or the named
// accounts'), each instance's outcome shown.
//
// An address alone says its channel when it can: one with '@' is an email address, digits with
// a leading '+' and separators a phone number; a device token needs its channel first
// (`mcctl suppressions add ios TOKEN --reason ...`).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

std::unique_ptr<pb::SuppressionService::Stub> Stub(const Invocation& inv) {
  return pb::SuppressionService::NewStub(inv.conn().channel());
}

absl::StatusOr<v1::SuppressionKind> ParseKind(const std::string& word) {
  if (word == "deny") return v1::SUPPRESSION_DENY;
  if (word == "quarantine") return v1::SUPPRESSION_QUARANTINE;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind: '", word, "' is not a kind (one of deny, quarantine)"));
}

absl::StatusOr<v1::SuppressionState> ParseState(const std::string& word) {
  if (word == "active") return v1::SUPPRESSION_ACTIVE;
  if (word == "counting") return v1::SUPPRESSION_COUNTING;
  if (word == "expired") return v1::SUPPRESSION_EXPIRED;
  if (word == "removed") return v1::SUPPRESSION_REMOVED;
  return absl::InvalidArgumentError(absl::StrCat(
      "--state: '", word, "' is not a state (one of active, counting, expired, removed)"));
}

std::string KindName(v1::SuppressionKind kind) {
  switch (kind) {
    case v1::SUPPRESSION_DENY:
      return "deny";
    case v1::SUPPRESSION_QUARANTINE:
      return "quarantine";
    default:
      return "-";
  }
}

std::string StateName(v1::SuppressionState state) {
  switch (state) {
    case v1::SUPPRESSION_ACTIVE:
      return "active";
    case v1::SUPPRESSION_COUNTING:
      return "counting";
    case v1::SUPPRESSION_EXPIRED:
      return "expired";
    case v1::SUPPRESSION_REMOVED:
      return "removed";
    default:
      return "-";
  }
}

// "rt/42": the event whose failure or complaint made the entry; "-" for none.
std::string EventCell(const v1::Suppression& s) {
  if (s.event_id() == 0) return "-";
  return absl::StrCat(QueueName(s.event_queue()), "/", s.event_id());
}

// The channel of the positional arguments: [CHANNEL] ADDRESS. Without a channel, the address
// says it when it can (an email address, a phone number).
absl::StatusOr<std::pair<v1::Channel, std::string>> ChannelAndAddress(
    const std::vector<std::string>& args) {
  if (args.size() == 2) {
    absl::StatusOr<v1::Channel> channel = ParseChannel(args[0]);
    if (!channel.ok()) return channel.status();
    return std::pair{*channel, args[1]};
  }
  const std::string& address = args[0];
  if (address.find('@') != std::string::npos) return std::pair{v1::CHANNEL_EMAIL, address};
  if (address.find_first_of("0123456789") != std::string::npos &&
      address.find_first_not_of("+0123456789 ().-") == std::string::npos) {
    return std::pair{v1::CHANNEL_SMS, address};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", address,
                   "' is neither an email address nor a phone number: give its channel first "
                   "(email, sms, ios, android), e.g. `ios ",
                   address, "`"));
}

absl::StatusOr<pb::ListSuppressionsRequest> ListRequest(const ParsedFlags& f) {
  pb::ListSuppressionsRequest req;
  req.set_account(f.Get("account"));
  if (f.Has("channel")) {
    absl::StatusOr<v1::Channel> channel = ParseChannel(f.Get("channel"));
    if (!channel.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--channel: ", channel.status().message()));
    }
    req.set_channel(*channel);
  }
  req.set_address(f.Get("address"));
  if (f.Has("kind")) {
    absl::StatusOr<v1::SuppressionKind> kind = ParseKind(f.Get("kind"));
    if (!kind.ok()) return kind.status();
    req.set_kind(*kind);
  }
  for (const std::string& word : f.All("state")) {
    absl::StatusOr<v1::SuppressionState> state = ParseState(word);
    if (!state.ok()) return state.status();
    req.add_states(*state);
  }
  if (f.Has("failure-type")) {
    const std::string type = f.Get("failure-type");
    if (type != "hard" && type != "soft") {
      return absl::InvalidArgumentError(
          absl::StrCat("--failure-type: '", type, "' is not a failure type (one of hard, soft)"));
    }
    req.set_failure_type(type);
  }
  absl::StatusOr<int64_t> limit = f.GetInt("limit", 100, 1);
  if (!limit.ok()) return limit.status();
  if (*limit > 1000) {
    return absl::InvalidArgumentError("--limit: at most 1000 per instance (then --page-token)");
  }
  req.set_page_size(static_cast<int32_t>(*limit));
  if (f.Has("page-token") && req.account().empty()) {
    return absl::InvalidArgumentError(
        "--page-token continues one instance's list: give its --account too");
  }
  req.set_page_token(f.Get("page-token"));
  return req;
}

int List(Invocation& inv) {
  absl::StatusOr<pb::ListSuppressionsRequest> req = ListRequest(inv.flags());
  if (!req.ok()) return inv.UsageError(req.status());
  pb::ListSuppressionsResponse resp;
  grpc::Status s = Stub(inv)->ListSuppressions(inv.Context().get(), *req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) {
    inv.PrintJson(resp);
  } else {
    Table t({{"ACCOUNT"},
             {"CHANNEL"},
             {"ADDRESS"},
             {"KIND"},
             {"FAILURE"},
             {"STATE"},
             {"ERRORS", Table::Align::kRight},
             {"REASON"},
             {"FIRST SEEN"},
             {"LAST SEEN"},
             {"EVENT"},
             {"CHANGED BY"},
             {"CHANGED"}});
    for (const pb::AccountSuppression& a : resp.suppressions()) {
      const v1::Suppression& x = a.suppression();
      t.AddRow({a.account(), ChannelName(x.channel()), x.address(), KindName(x.kind()),
                OrDash(x.failure_type()), StateName(x.state()), absl::StrCat(x.errors()),
                OrDash(x.reason()), FormatTimestamp(x.first_seen()), FormatTimestamp(x.last_seen()),
                EventCell(x), OrDash(x.changed_by()), FormatTimestamp(x.changed_at())});
    }
    t.Print(inv.out(), "No suppression-list entry matches.");
    for (const pb::InstanceNextPage& m : resp.more()) {
      inv.out() << "more on " << m.account() << ": --account " << m.account() << " --page-token "
                << m.page_token() << "\n";
    }
    if (!resp.errors().empty()) {
      inv.out() << "\n";
      Table e({{"ACCOUNT"}, {"INSTANCE ID"}, {"OUTCOME"}, {"MESSAGE"}});
      for (const pb::InstanceOutcome& o : resp.errors()) {
        e.AddRow({o.account(), OrDash(o.instance_id()), StatusCodeName(o.code()), o.message()});
      }
      e.Print(inv.out());
    }
  }
  if (resp.errors().empty()) return kExitOk;
  return inv.Problem(
      kExitRefused,
      absl::StrCat(resp.errors_size(), resp.errors_size() == 1 ? " instance" : " instances",
                   " did not answer: their entries are not listed"),
      "each instance's message says why; list it alone again with --account");
}

// Each instance's outcome, and the exit code: 3 when an instance refused or was out of reach,
// or when none had an entry for the address (NOT_FOUND everywhere); an instance without an
// entry is no failure while another had one.
int PrintOutcomes(Invocation& inv, const pb::SuppressionChange& change, const std::string& done) {
  int refused = 0, not_found = 0;
  for (const pb::SuppressionOutcome& o : change.outcomes()) {
    if (o.code() == grpc::StatusCode::NOT_FOUND) {
      ++not_found;
    } else if (o.code() != 0) {
      ++refused;
    }
  }
  if (inv.json()) {
    inv.PrintJson(change);
  } else {
    inv.out() << done << "\n";
    Table t({{"ACCOUNT"}, {"INSTANCE ID"}, {"OUTCOME"}, {"STATE"}, {"CHANGED BY"}, {"MESSAGE"}});
    for (const pb::SuppressionOutcome& o : change.outcomes()) {
      if (o.code() != 0) {
        t.AddRow({o.account(), OrDash(o.instance_id()),
                  o.code() == grpc::StatusCode::NOT_FOUND ? "no entry" : StatusCodeName(o.code()),
                  "", "", o.message()});
        continue;
      }
      t.AddRow({o.account(), OrDash(o.instance_id()), "ok", StateName(o.suppression().state()),
                OrDash(o.suppression().changed_by()), ""});
    }
    t.Print(inv.out(), "No enabled execution instance.");
  }
  const int total = change.outcomes_size();
  if (refused > 0) {
    return inv.Problem(kExitRefused,
                       absl::StrCat(refused, " of ", total, " instances did not take it"),
                       "each instance's message says why; run it again once they are "
                       "reachable (--account NAME for those only)");
  }
  if (total > 0 && not_found == total) {
    return inv.Problem(kExitRefused, "no instance has an entry for this address",
                       "check it with mcctl suppressions list --address ADDRESS");
  }
  return kExitOk;
}

int Add(Invocation& inv) {
  absl::StatusOr<std::pair<v1::Channel, std::string>> target = ChannelAndAddress(inv.args());
  if (!target.ok()) return inv.UsageError(target.status());
  pb::AddSuppressionRequest req;
  req.set_channel(target->first);
  req.set_address(target->second);
  req.set_reason(inv.flags().Get("reason"));
  if (inv.flags().Has("kind")) {
    absl::StatusOr<v1::SuppressionKind> kind = ParseKind(inv.flags().Get("kind"));
    if (!kind.ok()) return inv.UsageError(kind.status());
    req.set_kind(*kind);
  }
  req.set_actor(inv.flags().Get("actor"));
  for (const std::string& a : inv.flags().All("account")) req.add_accounts(a);
  pb::SuppressionChange resp;
  grpc::Status s = Stub(inv)->AddSuppression(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  return PrintOutcomes(inv, resp, absl::StrCat("Added ", req.address(), "."));
}

template <typename Method>
int Change(Invocation& inv, Method method, const std::string& done) {
  absl::StatusOr<std::pair<v1::Channel, std::string>> target = ChannelAndAddress(inv.args());
  if (!target.ok()) return inv.UsageError(target.status());
  pb::ChangeSuppressionRequest req;
  req.set_channel(target->first);
  req.set_address(target->second);
  req.set_actor(inv.flags().Get("actor"));
  for (const std::string& a : inv.flags().All("account")) req.add_accounts(a);
  pb::SuppressionChange resp;
  grpc::Status s = ((*Stub(inv)).*method)(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  return PrintOutcomes(inv, resp, absl::StrCat(done, " ", req.address(), "."));
}

int Remove(Invocation& inv) {
  return Change(inv, &pb::SuppressionService::Stub::RemoveSuppression, "Removed");
}

int Reactivate(Invocation& inv) {
  return Change(inv, &pb::SuppressionService::Stub::ReactivateSuppression, "Reactivated");
}

}  // namespace

std::vector<CommandSpec> SuppressionCommands() {
  const Target c = Target::kControl;
  const FlagSpec account{"account", "NAME",
                         "only this account's instance (default: every enabled one)", true};
  const FlagSpec actor{"actor", "NAME",
                       "who makes the change, kept on each entry (default: your token's role)"};
  return {
      {"suppressions",
       "list",
       "",
       "List the quarantine and deny-list entries of every enabled instance, newest change "
       "first.",
       {{"account", "NAME", "only this account's instance"},
        {"channel", "CHANNEL", "email, sms, ios or android"},
        {"address", "ADDRESS", "this address (its key), or keys starting so when it ends in *"},
        {"kind", "KIND", "deny or quarantine"},
        {"state", "STATE", "active, counting, expired or removed", true},
        {"failure-type", "TYPE", "hard or soft quarantine entries"},
        {"limit", "N", "at most N entries per instance (default 100, at most 1000)"},
        {"page-token", "TOKEN", "an instance's next page, as the previous call printed it"}},
       0,
       0,
       c,
       List},
      {"suppressions",
       "add",
       "[CHANNEL] ADDRESS",
       "Suppress an address on every enabled instance: its messages are ignored.",
       {{"reason", "TEXT", "why (kept on the entry, at most 500 characters)", false, true},
        {"kind", "KIND", "deny (default) or quarantine (a hard quarantine entry)"},
        actor,
        account},
       1,
       2,
       c,
       Add},
      {"suppressions",
       "remove",
       "[CHANNEL] ADDRESS",
       "Remove an address's entry on every enabled instance: the next message is sent.",
       {actor, account},
       1,
       2,
       c,
       Remove},
      {"suppressions",
       "reactivate",
       "[CHANNEL] ADDRESS",
       "Make a removed or expired entry suppress again, on every enabled instance.",
       {actor, account},
       1,
       2,
       c,
       Reactivate},
  };
}

}  // namespace mc::mcctl
