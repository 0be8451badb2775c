// mcctl reports: the control instance's reports over the archive (service level, processing
// time, history, status counts), with the filters every report takes.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/timestamps.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;
using Align = Table::Align;

std::unique_ptr<pb::ReportService::Stub> Stub(const Invocation& inv) {
  return pb::ReportService::NewStub(inv.conn().channel());
}

std::string AccountCell(const std::string& account) {
  return account.empty() ? "(total)" : account;
}

absl::StatusOr<pb::ReportFilter> Filter(const ParsedFlags& f) {
  pb::ReportFilter filter;
  for (const std::string& a : f.All("account")) filter.add_accounts(a);
  if (f.Has("channel")) {
    absl::StatusOr<messagecenter::v1::Channel> channel = ParseChannel(f.Get("channel"));
    if (!channel.ok())
      return absl::InvalidArgumentError(absl::StrCat("--channel: ", channel.status().message()));
    filter.set_channel(*channel);
  }
  filter.set_event_type(f.Get("event-type"));
  if (f.Has("hours") && f.Has("from")) {
    return absl::InvalidArgumentError("--hours and --from exclude each other");
  }
  for (const char* flag : {"from", "to"}) {
    if (!f.Has(flag)) continue;
    absl::StatusOr<absl::Time> t = ParseTime(f.Get(flag));
    if (!t.ok())
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", t.status().message()));
    grpcutil::ToTimestamp(
        *t, std::string(flag) == "from" ? filter.mutable_from() : filter.mutable_to());
  }
  absl::StatusOr<int64_t> hours = f.GetInt("hours", 0, 1);
  if (!hours.ok()) return hours.status();
  if (*hours > 0) {
    const absl::Time to = filter.has_to() ? grpcutil::FromTimestamp(filter.to()) : absl::Now();
    grpcutil::ToTimestamp(to - absl::Hours(*hours), filter.mutable_from());
  }
  return filter;
}

int ServiceLevel(Invocation& inv) {
  absl::StatusOr<pb::ReportFilter> filter = Filter(inv.flags());
  if (!filter.ok()) return inv.UsageError(filter.status());
  pb::ServiceLevelResponse resp;
  grpc::Status s = Stub(inv)->ServiceLevel(inv.Context().get(), *filter, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Service level over " << FormatDecimal(resp.period_hours()) << " h.\n";
  Table t({{"ACCOUNT"},
           {"INCOMING", Align::kRight},
           {"IN/H", Align::kRight},
           {"SENT", Align::kRight},
           {"SENT/H", Align::kRight},
           {"AVG SEND (S)", Align::kRight},
           {"NOT TAKEN", Align::kRight},
           {"EXPIRED", Align::kRight},
           {"FAILED", Align::kRight},
           {"IGNORED", Align::kRight},
           {"ERROR RATE", Align::kRight},
           {"CANCELLED", Align::kRight}});
  for (const pb::ServiceLevelRow& r : resp.rows()) {
    t.AddRow({AccountCell(r.account()), absl::StrCat(r.incoming_events()),
              FormatDecimal(r.incoming_events_per_hour()), absl::StrCat(r.outgoing_messages()),
              FormatDecimal(r.outgoing_messages_per_hour()),
              FormatSeconds(r.average_sending_seconds()), absl::StrCat(r.not_taken_into_account()),
              absl::StrCat(r.expired()), absl::StrCat(r.delivery_failed()),
              absl::StrCat(r.ignored()), FormatRate(r.error_rate()), absl::StrCat(r.cancelled())});
  }
  t.Print(inv.out(), "Nothing archived in this period.");
  return kExitOk;
}

int ProcessingTime(Invocation& inv) {
  absl::StatusOr<pb::ReportFilter> filter = Filter(inv.flags());
  if (!filter.ok()) return inv.UsageError(filter.status());
  pb::ProcessingTimeResponse resp;
  grpc::Status s = Stub(inv)->ProcessingTime(inv.Context().get(), *filter, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"ACCOUNT"},
           {"AVG QUEUING (S)", Align::kRight},
           {"AVG SENDING (S)", Align::kRight},
           {"QUEUE MIN", Align::kRight},
           {"QUEUE AVG", Align::kRight},
           {"QUEUE MAX", Align::kRight}});
  for (const pb::ProcessingTimeRow& r : resp.rows()) {
    t.AddRow({AccountCell(r.account()), FormatSeconds(r.average_queuing_seconds()),
              FormatSeconds(r.average_sending_seconds()), absl::StrCat(r.queue_min()),
              FormatDecimal(r.queue_avg()), absl::StrCat(r.queue_max())});
  }
  t.Print(inv.out(), "Nothing archived in this period.");
  return kExitOk;
}

int History(Invocation& inv) {
  absl::StatusOr<pb::ReportFilter> filter = Filter(inv.flags());
  if (!filter.ok()) return inv.UsageError(filter.status());
  pb::HistoryRequest req;
  *req.mutable_filter() = *filter;
  if (inv.flags().Has("granularity")) {
    absl::StatusOr<pb::Granularity> g = ParseGranularity(inv.flags().Get("granularity"));
    if (!g.ok()) {
      return inv.UsageError(
          absl::InvalidArgumentError(absl::StrCat("--granularity: ", g.status().message())));
    }
    req.set_granularity(*g);
  }
  pb::HistoryResponse resp;
  grpc::Status s = Stub(inv)->History(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"PERIOD START"}, {"EVENT TYPE"}, {"EVENTS", Align::kRight}, {"SENT", Align::kRight}});
  for (const pb::HistoryRow& r : resp.rows()) {
    t.AddRow({FormatTimestamp(r.period_start()), r.event_type(), absl::StrCat(r.events()),
              absl::StrCat(r.sent())});
  }
  t.Print(inv.out(), "Nothing archived in this period.");
  return kExitOk;
}

int Statuses(Invocation& inv) {
  absl::StatusOr<pb::ReportFilter> filter = Filter(inv.flags());
  if (!filter.ok()) return inv.UsageError(filter.status());
  pb::StatusCountsResponse resp;
  grpc::Status s = Stub(inv)->StatusCounts(inv.Context().get(), *filter, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"ACCOUNT"}, {"STATUS"}, {"EVENTS", Align::kRight}});
  for (const pb::StatusCountsRow& r : resp.rows()) {
    t.AddRow({r.account(), EventStatusName(r.status()), absl::StrCat(r.events())});
  }
  t.Print(inv.out(), "Nothing archived in this period.");
  return kExitOk;
}

std::vector<FlagSpec> FilterFlags() {
  return {
      {"account", "ACCOUNT", "this account only (repeat for several)", true},
      {"channel", "email|sms", "this channel only"},
      {"event-type", "TYPE", "this event type only"},
      {"from", "RFC3339", "events received from this time (default: 24 hours ago)"},
      {"to", "RFC3339", "events received before this time (default: now)"},
      {"hours", "N", "the N hours before --to (instead of --from)"},
  };
}

}  // namespace

std::vector<CommandSpec> ReportCommands() {
  const Target c = Target::kControl;
  std::vector<FlagSpec> history = FilterFlags();
  history.push_back({"granularity", "hour|day", "one row per hour (default) or day"});
  return {
      {"reports", "service-level", "",
       "Events in, messages sent, sending time, error rates per account.", FilterFlags(), 0, 0, c,
       ServiceLevel},
      {"reports", "processing-time", "", "Queuing and sending times, queue sizes per account.",
       FilterFlags(), 0, 0, c, ProcessingTime},
      {"reports", "history", "", "Events and messages sent per period and event type.", history, 0,
       0, c, History},
      {"reports", "statuses", "", "Archived events per account and final status.", FilterFlags(), 0,
       0, c, Statuses},
  };
}

}  // namespace mc::mcctl
