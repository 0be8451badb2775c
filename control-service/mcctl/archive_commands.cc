// mcctl archive: the archived events of every instance, searched on the control instance
// (ArchiveService): "did Jane get her receipt?" by address, external id, type, status, account
// and time received, one page per call; and one event's story with its timeline.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/timestamps.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/event_story_view.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

std::unique_ptr<pb::ArchiveService::Stub> Stub(const Invocation& inv) {
  return pb::ArchiveService::NewStub(inv.conn().channel());
}

std::string TemplateCell(const pb::ArchivedEventStory& e) {
  if (e.template_name().empty()) return "-";
  return absl::StrCat(e.template_name(), "@", e.template_version());
}

std::string FailureName(v1::FailureType type) {
  switch (type) {
    case v1::FAILURE_TYPE_HARD:
      return "hard";
    case v1::FAILURE_TYPE_SOFT:
      return "soft";
    default:
      return "";
  }
}

// The address flags: one of --email, --phone, --address (the server normalises each the same
// way; the first two check the form here so a mix-up says so at once).
absl::StatusOr<std::string> AddressFlag(const ParsedFlags& f) {
  int given = 0;
  for (const char* flag : {"email", "phone", "address"}) given += f.Has(flag) ? 1 : 0;
  if (given > 1)
    return absl::InvalidArgumentError("--email, --phone and --address exclude each other");
  if (f.Has("email")) {
    const std::string email = f.Get("email");
    if (email.find('@') == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--email: '", email, "' is not an email address"));
    }
    return email;
  }
  if (f.Has("phone")) {
    const std::string phone = f.Get("phone");
    if (phone.find_first_of("0123456789") == std::string::npos ||
        phone.find_first_not_of("+0123456789 ().-") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--phone: '", phone, "' is not a phone number (digits, a leading +, separators)"));
    }
    return phone;
  }
  return f.Get("address");
}

absl::StatusOr<pb::SearchEventsRequest> SearchRequest(const ParsedFlags& f) {
  pb::SearchEventsRequest req;
  absl::StatusOr<std::string> address = AddressFlag(f);
  if (!address.ok()) return address.status();
  req.set_address(*address);
  for (const std::string& a : f.All("account")) req.add_accounts(a);
  req.set_external_id(f.Get("external-id"));
  req.set_event_type(f.Get("type"));
  if (f.Has("status")) {
    absl::StatusOr<v1::EventStatus> status = ParseEventStatus(f.Get("status"));
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--status: ", status.status().message()));
    }
    req.set_status(*status);
  }
  for (const char* flag : {"from", "to"}) {
    if (!f.Has(flag)) continue;
    absl::StatusOr<absl::Time> t = ParseTime(f.Get(flag));
    if (!t.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", t.status().message()));
    }
    grpcutil::ToTimestamp(*t, std::string(flag) == "from" ? req.mutable_received_after()
                                                          : req.mutable_received_before());
  }
  absl::StatusOr<int64_t> limit = f.GetInt("limit", 50, 1);
  if (!limit.ok()) return limit.status();
  if (*limit > 1000) return absl::InvalidArgumentError("--limit: at most 1000 (then --page-token)");
  req.set_page_size(static_cast<int32_t>(*limit));
  req.set_page_token(f.Get("page-token"));
  if (req.address().empty() && req.external_id().empty() && req.event_type().empty() &&
      !req.has_status() && !req.has_received_after() && !req.has_received_before()) {
    return absl::InvalidArgumentError(
        "give at least one of --email, --phone, --address, --external-id, --type, --status, "
        "--from or --to");
  }
  return req;
}

int Search(Invocation& inv) {
  absl::StatusOr<pb::SearchEventsRequest> req = SearchRequest(inv.flags());
  if (!req.ok()) return inv.UsageError(req.status());
  pb::SearchEventsResponse resp;
  grpc::Status s = Stub(inv)->SearchEvents(inv.Context().get(), *req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"ACCOUNT"},
           {"EVENT ID", Table::Align::kRight},
           {"EXTERNAL ID"},
           {"TYPE"},
           {"STATUS"},
           {"ADDRESS"},
           {"TEMPLATE"},
           {"MESSAGE-ID"},
           {"FINISHED"}});
  for (const pb::ArchivedEventStory& e : resp.events()) {
    t.AddRow({e.account(), absl::StrCat(e.event_id()), OrDash(e.external_id()), e.event_type(),
              EventStatusName(e.status()), OrDash(e.address()), TemplateCell(e),
              OrDash(e.message_id()), FormatTimestamp(e.finished())});
  }
  t.Print(inv.out(), "No archived event matches.");
  if (!resp.next_page_token().empty()) {
    inv.out() << "next page: --page-token " << resp.next_page_token() << "\n";
  }
  return kExitOk;
}

int Get(Invocation& inv) {
  pb::GetArchivedEventRequest req;
  req.set_account(inv.arg(0));
  int64_t id = 0;
  if (!absl::SimpleAtoi(inv.arg(1), &id) || id <= 0) {
    return inv.UsageError(absl::InvalidArgumentError("'" + inv.arg(1) + "' is not an event id"));
  }
  req.set_event_id(id);
  pb::ArchivedEventStory e;
  grpc::Status s = Stub(inv)->GetArchivedEvent(inv.Context().get(), req, &e);
  if (auto code = inv.Finish(s, e)) return *code;
  const std::string failure = FailureName(e.last_failure_type());
  FieldList()
      .Add("account", e.account())
      .Add("instance", e.instance_id())
      .Add("event id", absl::StrCat(e.event_id()))
      .Add("queue", QueueName(e.queue()))
      .Add("type", e.event_type())
      .Add("external id", OrDash(e.external_id()))
      .Add("channel", ChannelName(e.channel()))
      .Add("address", OrDash(e.address()))
      .Add("status", EventStatusName(e.status()))
      .Add("template", TemplateCell(e))
      .Add("message-id", OrDash(e.message_id()))
      .Add("tries", absl::StrCat(e.tries()))
      .Add("last failure",
           failure.empty() ? "-" : absl::StrCat(failure, ": ", e.last_failure_reason()))
      .Add("received", FormatTimestamp(e.received()))
      .Add("taken up", FormatTimestamp(e.taken_up()))
      .Add("handed to relay", FormatTimestamp(e.handed_to_relay()))
      .Add("finished", FormatTimestamp(e.finished()))
      .Add("archived", FormatTimestamp(e.archived()))
      .Print(inv.out());
  inv.out() << "\n";
  Table t({{"AT"}, {"STEP"}, {"STATUS"}, {"TRY", Table::Align::kRight}, {"FAILURE"}, {"NEXT TRY"}});
  for (const v1::TimelineEntry& step : e.timeline()) {
    const std::string type = FailureName(step.failure_type());
    t.AddRow({FormatTimestamp(step.at()), TimelineStepName(step.step()),
              EventStatusName(step.status()),
              step.try_number() > 0 ? absl::StrCat(step.try_number()) : "-",
              type.empty() ? "-" : absl::StrCat(type, ": ", step.reason()),
              FormatTimestamp(step.next_try())});
  }
  t.Print(inv.out());
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ArchiveCommands() {
  const Target c = Target::kControl;
  return {
      {"archive",
       "search",
       "",
       "Find archived events of every instance, newest first (one page per call).",
       {{"email", "ADDRESS", "sent to this email address (its domain in any case)"},
        {"phone", "NUMBER", "sent to this phone number (separators ignored)"},
        {"address", "ADDRESS", "sent to this address, whatever the channel"},
        {"external-id", "KEY", "with this external id"},
        {"type", "TYPE", "this event type only"},
        {"status", "STATUS", "sent, ignored, failed, not-taken, expired, cancelled"},
        {"account", "ACCOUNT", "this account only (repeat for several)", true},
        {"from", "RFC3339", "received from this time"},
        {"to", "RFC3339", "received before this time"},
        {"limit", "N", "at most N events per page (default 50, at most 1000)"},
        {"page-token", "TOKEN", "the next page, as the previous call printed it"}},
       0,
       0,
       c,
       Search},
      {"archive",
       "get",
       "ACCOUNT EVENT_ID",
       "Show one archived event's story and timeline.",
       {},
       2,
       2,
       c,
       Get},
  };
}

}  // namespace mc::mcctl
