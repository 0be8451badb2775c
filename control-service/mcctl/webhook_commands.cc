// mcctl webhooks: the control instance's status-webhook subscriptions, published to every
// enabled execution instance: create (a secret made and shown once, or given), update, get,
// list, delete, rotate-secret, and per instance: states, resume, replay; publish sends every
// subscription again (after adding an instance).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/grpc/timestamps.h"
#include "control-service/mcctl/client_settings.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

std::unique_ptr<pb::SubscriptionService::Stub> Stub(const Invocation& inv) {
  return pb::SubscriptionService::NewStub(inv.conn().channel());
}

// Sets the subscription's fields from the flags that were given.
absl::Status ApplyFlags(const ParsedFlags& f, pb::Subscription* s) {
  if (f.Has("url")) s->set_url(f.Get("url"));
  if (f.Has("status") && f.Has("any-status")) {
    return absl::InvalidArgumentError("--status and --any-status exclude each other");
  }
  if (f.Has("status") || f.Has("any-status")) s->clear_statuses();
  for (const std::string& word : f.All("status")) {
    absl::StatusOr<v1::EventStatus> status = ParseEventStatus(word);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--status: ", status.status().message()));
    }
    s->add_statuses(*status);
  }
  if (f.Has("event-type") && f.Has("any-event-type")) {
    return absl::InvalidArgumentError("--event-type and --any-event-type exclude each other");
  }
  if (f.Has("event-type") || f.Has("any-event-type")) s->clear_event_types();
  for (const std::string& t : f.All("event-type")) s->add_event_types(t);
  if (f.Has("every-attempt")) s->set_every_attempt(f.Get("every-attempt") == "true");
  if (f.Has("max-batch")) {
    absl::StatusOr<int64_t> n = f.GetInt("max-batch", 0, 0);
    if (!n.ok()) return n.status();
    s->set_max_batch(static_cast<int32_t>(std::min<int64_t>(*n, 1 << 30)));
  }
  if (f.Has("disable") && f.Has("enable")) {
    return absl::InvalidArgumentError("--disable and --enable exclude each other");
  }
  if (f.Has("disable")) s->set_disabled(f.Get("disable") == "true");
  if (f.Has("enable")) s->set_disabled(f.Get("enable") != "true");
  return absl::OkStatus();
}

// --secret or --secret-file: the secret to use, empty for one made by the control.
absl::StatusOr<std::string> GivenSecret(const ParsedFlags& f) {
  if (f.Has("secret") && f.Has("secret-file")) {
    return absl::InvalidArgumentError("--secret and --secret-file exclude each other");
  }
  if (f.Has("secret")) return f.Get("secret");
  if (!f.Has("secret-file")) return std::string();
  absl::StatusOr<std::string> secret = ReadTokenFile(f.Get("secret-file"));
  if (!secret.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--secret-file: ", secret.status().message()));
  }
  return secret;
}

std::string Statuses(const pb::Subscription& s) {
  if (s.statuses().empty()) return "every final status";
  std::vector<std::string> names;
  for (int status : s.statuses()) names.push_back(EventStatusName(status));
  return absl::StrJoin(names, ", ");
}

std::string EventTypes(const pb::Subscription& s) {
  if (s.event_types().empty()) return "every event type";
  return absl::StrJoin(s.event_types(), ", ");
}

std::string Batch(int max_batch) {
  return max_batch <= 1 ? "1 per POST" : absl::StrCat("up to ", max_batch, " per POST");
}

std::string Secrets(const pb::Subscription& s) {
  if (s.secrets() < 2) return absl::StrCat(s.secrets());
  return absl::StrCat(s.secrets(), " (the previous one until ",
                      FormatTimestamp(s.previous_secret_expires()), ")");
}

void PrintSubscription(const pb::Subscription& s, std::ostream& out) {
  FieldList()
      .Add("name", s.name())
      .Add("url", s.url())
      .Add("statuses", Statuses(s))
      .Add("event types", EventTypes(s))
      .Add("every attempt", YesNo(s.every_attempt()))
      .Add("batch", Batch(s.max_batch()))
      .Add("enabled", YesNo(!s.disabled()))
      .Add("version", absl::StrCat(s.version()))
      .Add("secrets", Secrets(s))
      .Add("updated", FormatTimestamp(s.updated()))
      .Print(out);
}

// Exit 3 with a problem line ("1 of 2 instances <what>") when some instance did not take it
// (refused, or out of reach).
int Refusals(Invocation& inv, int refused, int total, const std::string& what,
             const std::string& hint) {
  if (refused == 0) return kExitOk;
  return inv.Problem(kExitRefused, absl::StrCat(refused, " of ", total, " instances ", what), hint);
}

constexpr char kRepublishHint[] =
    "the change is stored: put right what each instance's message names, then send it again "
    "with mcctl webhooks publish";

// Each instance's outcome as a table; exit 3 when any refused.
int PrintOutcomes(Invocation& inv,
                  const google::protobuf::RepeatedPtrField<pb::InstanceOutcome>& outcomes,
                  const std::string& what, const std::string& hint) {
  int refused = 0;
  for (const pb::InstanceOutcome& o : outcomes) refused += o.code() != 0;
  if (!inv.json()) {
    Table t({{"ACCOUNT"}, {"INSTANCE ID"}, {"OUTCOME"}, {"MESSAGE"}});
    for (const pb::InstanceOutcome& o : outcomes) {
      t.AddRow({o.account(), o.instance_id().empty() ? "-" : o.instance_id(),
                o.code() == 0 ? "ok" : StatusCodeName(o.code()), o.message()});
    }
    t.Print(inv.out(), "No enabled execution instance.");
  }
  return Refusals(inv, refused, outcomes.size(), what, hint);
}

// A change: the subscription, each instance's outcome, and a secret the control made.
int RespondChange(Invocation& inv, const grpc::Status& s, const pb::SubscriptionChange& change,
                  const std::string& done) {
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) {
    inv.PrintJson(change);
  } else {
    inv.out() << done << " (version " << change.subscription().version() << ").\n";
    PrintSubscription(change.subscription(), inv.out());
    inv.out() << "\n";
  }
  const int code = PrintOutcomes(inv, change.outcomes(), "did not take it", kRepublishHint);
  if (!inv.json() && !change.secret().empty()) {
    inv.out() << "\nSigning secret (shown only now; give it to the receiver):\n"
              << change.secret() << "\n";
  }
  return code;
}

std::string StateName(v1::SubscriptionState state) {
  switch (state) {
    case v1::SUBSCRIPTION_STATE_ACTIVE:
      return "active";
    case v1::SUBSCRIPTION_STATE_PAUSED_FAILING:
      return "paused (failing)";
    default:
      return "-";
  }
}

int PrintInstances(Invocation& inv,
                   const google::protobuf::RepeatedPtrField<pb::SubscriptionOnInstance>& instances,
                   const std::string& what, const std::string& hint) {
  int refused = 0;
  for (const pb::SubscriptionOnInstance& i : instances) refused += i.code() != 0;
  if (!inv.json()) {
    Table t({{"ACCOUNT"},
             {"STATE"},
             {"VERSION", Table::Align::kRight},
             {"QUEUED", Table::Align::kRight},
             {"DELIVERED", Table::Align::kRight},
             {"FAILED", Table::Align::kRight},
             {"FAILING SINCE"},
             {"LAST ERROR"},
             {"MESSAGE"}});
    for (const pb::SubscriptionOnInstance& i : instances) {
      if (i.code() != 0) {
        t.AddRow({i.account(), StatusCodeName(i.code()), "", "", "", "", "", "", i.message()});
        continue;
      }
      const v1::SubscriptionStatus& s = i.status();
      t.AddRow({i.account(), StateName(s.state()), absl::StrCat(s.subscription().version()),
                absl::StrCat(s.queued()), absl::StrCat(s.delivered()), absl::StrCat(s.failed()),
                FormatTimestamp(s.failing_since()), s.last_error().empty() ? "-" : s.last_error(),
                i.message()});
    }
    t.Print(inv.out(), "No enabled execution instance.");
  }
  return Refusals(inv, refused, instances.size(), what, hint);
}

int Create(Invocation& inv) {
  pb::CreateSubscriptionRequest req;
  pb::Subscription* s = req.mutable_subscription();
  s->set_name(inv.arg(0));
  if (absl::Status st = ApplyFlags(inv.flags(), s); !st.ok()) return inv.UsageError(st);
  absl::StatusOr<std::string> secret = GivenSecret(inv.flags());
  if (!secret.ok()) return inv.UsageError(secret.status());
  req.set_secret(*secret);
  pb::SubscriptionChange resp;
  grpc::Status st = Stub(inv)->CreateSubscription(inv.Context().get(), req, &resp);
  return RespondChange(inv, st, resp, "Created webhook subscription " + inv.arg(0));
}

int Update(Invocation& inv) {
  auto stub = Stub(inv);
  pb::GetSubscriptionRequest get;
  get.set_name(inv.arg(0));
  pb::UpdateSubscriptionRequest req;
  pb::Subscription* s = req.mutable_subscription();
  if (grpc::Status st = stub->GetSubscription(inv.Context().get(), get, s); !st.ok()) {
    return inv.Fail(st);
  }
  if (absl::Status st = ApplyFlags(inv.flags(), s); !st.ok()) return inv.UsageError(st);
  pb::SubscriptionChange resp;
  grpc::Status st = stub->UpdateSubscription(inv.Context().get(), req, &resp);
  return RespondChange(inv, st, resp, "Updated webhook subscription " + inv.arg(0));
}

int Get(Invocation& inv) {
  pb::GetSubscriptionRequest req;
  req.set_name(inv.arg(0));
  pb::Subscription resp;
  grpc::Status s = Stub(inv)->GetSubscription(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  PrintSubscription(resp, inv.out());
  return kExitOk;
}

int List(Invocation& inv) {
  pb::ListSubscriptionsResponse resp;
  grpc::Status s = Stub(inv)->ListSubscriptions(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"URL"},
           {"STATUSES"},
           {"EVENT TYPES"},
           {"BATCH", Table::Align::kRight},
           {"ENABLED"},
           {"VERSION", Table::Align::kRight},
           {"SECRETS", Table::Align::kRight}});
  for (const pb::Subscription& x : resp.subscriptions()) {
    t.AddRow({x.name(), x.url(), x.statuses().empty() ? "final" : Statuses(x),
              x.event_types().empty() ? "all" : EventTypes(x),
              absl::StrCat(std::max(x.max_batch(), 1)), YesNo(!x.disabled()),
              absl::StrCat(x.version()), absl::StrCat(x.secrets())});
  }
  t.Print(inv.out(), "No webhook subscriptions: create one with mcctl webhooks create.");
  return kExitOk;
}

int Delete(Invocation& inv) {
  pb::DeleteSubscriptionRequest req;
  req.set_name(inv.arg(0));
  pb::DeleteSubscriptionResponse resp;
  grpc::Status s = Stub(inv)->DeleteSubscription(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  if (!inv.json()) inv.out() << "Deleted webhook subscription " << inv.arg(0) << ".\n";
  return PrintOutcomes(inv, resp.outcomes(), "did not delete it",
                       "it is deleted here; an instance that did not take the deletion keeps "
                       "sending for it: once it is reachable, create it again with the same "
                       "name and delete it");
}

int RotateSecret(Invocation& inv) {
  pb::RotateSecretRequest req;
  req.set_name(inv.arg(0));
  absl::StatusOr<std::string> secret = GivenSecret(inv.flags());
  if (!secret.ok()) return inv.UsageError(secret.status());
  req.set_secret(*secret);
  if (inv.flags().Has("overlap")) {
    absl::Duration overlap;
    if (!absl::ParseDuration(inv.flags().Get("overlap"), &overlap) || overlap < absl::Seconds(1)) {
      return inv.UsageError(absl::InvalidArgumentError(
          absl::StrCat("--overlap: '", inv.flags().Get("overlap"),
                       "' is not a positive duration (like 24h, 90m, 3600s)")));
    }
    req.set_overlap_seconds(absl::ToInt64Seconds(overlap));
  }
  pb::SubscriptionChange resp;
  grpc::Status s = Stub(inv)->RotateSecret(inv.Context().get(), req, &resp);
  return RespondChange(inv, s, resp, "Rotated the secret of " + inv.arg(0));
}

int States(Invocation& inv) {
  pb::SubscriptionStatesRequest req;
  req.set_name(inv.arg(0));
  pb::SubscriptionStatesResponse resp;
  grpc::Status s = Stub(inv)->GetSubscriptionStates(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  return PrintInstances(inv, resp.instances(), "gave no state of it",
                        "each instance's message says why; mcctl webhooks publish sends every "
                        "subscription to the instances again");
}

int Resume(Invocation& inv) {
  pb::ResumeSubscriptionRequest req;
  req.set_name(inv.arg(0));
  for (const std::string& a : inv.flags().All("account")) req.add_accounts(a);
  pb::ResumeSubscriptionResponse resp;
  grpc::Status s = Stub(inv)->ResumeSubscription(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  if (!inv.json()) inv.out() << "Resumed " << inv.arg(0) << ".\n";
  return PrintInstances(inv, resp.instances(), "did not resume it",
                        "each instance's message says why");
}

int Replay(Invocation& inv) {
  absl::StatusOr<absl::Time> since = ParseTime(inv.flags().Get("since"));
  if (!since.ok()) {
    return inv.UsageError(
        absl::InvalidArgumentError(absl::StrCat("--since: ", since.status().message())));
  }
  pb::ReplayWebhooksRequest req;
  req.set_name(inv.arg(0));
  grpcutil::ToTimestamp(*since, req.mutable_since());
  for (const std::string& a : inv.flags().All("account")) req.add_accounts(a);
  pb::ReplayWebhooksResponse resp;
  grpc::Status s = Stub(inv)->ReplayWebhooks(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  if (!inv.json()) inv.out() << "Queued " << resp.replayed() << " webhooks again.\n";
  return PrintOutcomes(inv, resp.outcomes(), "did not replay it",
                       "each instance's message says why");
}

int Publish(Invocation& inv) {
  pb::PublishSubscriptionsResponse resp;
  grpc::Status s = Stub(inv)->PublishSubscriptions(inv.Context().get(), {}, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  if (!inv.json()) inv.out() << "Published every webhook subscription.\n";
  return PrintOutcomes(inv, resp.outcomes(), "did not take every subscription",
                       "put right what each instance's message names, then run it again");
}

std::vector<FlagSpec> AuthoringFlags(bool create) {
  std::vector<FlagSpec> flags = {
      {"url", "URL", "where the instances POST (https://, or http:// where they allow it)", false,
       create},
      {"status", "STATUS",
       create ? "a status that sends a webhook (sent, delivery-failed, ...; default: every "
                "final status)"
              : "a status that sends a webhook (replaces the statuses)",
       true},
      {"event-type", "TYPE",
       create ? "an event type it is for (default: every one)"
              : "an event type it is for (replaces the event types)",
       true},
      {"every-attempt", "", "also every soft failure retried (--every-attempt=false: not)"},
      {"max-batch", "N", "changes per POST, up to 500 (default 1)"},
  };
  if (create) {
    flags.push_back({"disable", "", "create it disabled (nothing is queued for it)"});
    flags.push_back({"secret", "whsec_...",
                     "the signing secret (default: one made and shown "
                     "once; seen by ps: prefer --secret-file)"});
    flags.push_back({"secret-file", "FILE", "read the signing secret from FILE"});
  } else {
    flags.push_back({"any-status", "", "every final status"});
    flags.push_back({"any-event-type", "", "every event type"});
    flags.push_back({"disable", "", "queue nothing new for it (what is queued waits)"});
    flags.push_back({"enable", "", "enable it again"});
  }
  return flags;
}

}  // namespace

std::vector<CommandSpec> WebhookCommands() {
  const Target c = Target::kControl;
  const FlagSpec account{"account", "NAME",
                         "only this account's instance (default: every enabled "
                         "one)",
                         true};
  return {
      {"webhooks", "create", "NAME",
       "Create a status-webhook subscription and publish it to every enabled instance.",
       AuthoringFlags(true), 1, 1, c, Create},
      {"webhooks", "update", "NAME", "Change the given parts of a subscription; publish it.",
       AuthoringFlags(false), 1, 1, c, Update},
      {"webhooks", "list", "", "List the webhook subscriptions.", {}, 0, 0, c, List},
      {"webhooks", "get", "NAME", "Show one subscription (never its secrets).", {}, 1, 1, c, Get},
      {"webhooks",
       "delete",
       "NAME",
       "Delete it here and on every instance (what they still queue for it is dropped).",
       {},
       1,
       1,
       c,
       Delete},
      {"webhooks",
       "rotate-secret",
       "NAME",
       "A new signing secret; the previous one signs beside it for the overlap.",
       {{"overlap", "DURATION", "how long the previous secret keeps signing (default 24h)"},
        {"secret", "whsec_...", "the new secret (default: one made and shown once)"},
        {"secret-file", "FILE", "read the new secret from FILE"}},
       1,
       1,
       c,
       RotateSecret},
      {"webhooks",
       "states",
       "NAME",
       "Each enabled instance's state of it: active or paused, queued, delivered, failed.",
       {},
       1,
       1,
       c,
       States},
      {"webhooks",
       "resume",
       "NAME",
       "Send again to an endpoint paused after failing.",
       {account},
       1,
       1,
       c,
       Resume},
      {"webhooks",
       "replay",
       "NAME",
       "Queue again every webhook of it queued since a time.",
       {{"since", "RFC3339", "from this time on, e.g. 2024-05-01T12:00:00Z", false, true}, account},
       1,
       1,
       c,
       Replay},
      {"webhooks",
       "publish",
       "",
       "Publish every subscription again to every enabled instance (after adding one).",
       {},
       0,
       0,
       c,
       Publish},
  };
}

}  // namespace mc::mcctl
