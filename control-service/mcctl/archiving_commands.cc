// mcctl archiving: the control instance's archiving workflows (mcSynch_<account>): create,
// list, start, pause, stop, schedule, run now, their runs, and the archive's purge.
#include "absl/strings/str_cat.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;

using ChangeCall = grpc::Status (pb::ArchivingService::Stub::*)(
    grpc::ClientContext*, const pb::ChangeArchivingWorkflowRequest&, pb::ArchivingWorkflow*);

std::unique_ptr<pb::ArchivingService::Stub> Stub(const Invocation& inv) {
  return pb::ArchivingService::NewStub(inv.conn().channel());
}

std::string RunSummary(const pb::ArchiveRun& r) {
  if (r.id() == 0) return "-";
  std::string text = absl::StrCat("#", r.id(), " ", FormatTimestamp(r.started()), " ",
                                  r.events_copied(), " events");
  if (!r.error().empty()) absl::StrAppend(&text, " (failed)");
  return text;
}

void PrintWorkflow(const pb::ArchivingWorkflow& w, std::ostream& out) {
  FieldList()
      .Add("name", w.internal_name())
      .Add("label", w.label())
      .Add("folder", w.folder())
      .Add("account", w.account())
      .Add("state", ArchivingStateName(w.state()))
      .Add("schedule", absl::StrCat("every ", w.schedule_seconds(), " s"))
      .Add("next run", FormatTimestamp(w.next_run()))
      .Add("last run", w.has_last_run() ? RunSummary(w.last_run()) : "-")
      .Add("cursor", absl::StrCat("xid ", w.cursor_xid(), ", id ", w.cursor_id()))
      .Print(out);
}

void PrintRun(const pb::ArchiveRun& r, std::ostream& out) {
  FieldList()
      .Add("run", absl::StrCat(r.id()))
      .Add("workflow", r.workflow())
      .Add("started", FormatTimestamp(r.started()))
      .Add("ended", FormatTimestamp(r.ended()))
      .Add("events copied", absl::StrCat(r.events_copied()))
      .Add("delivery logs copied", absl::StrCat(r.delivery_logs_copied()))
      .Add("quarantine copied", absl::StrCat(r.quarantine_copied()))
      .Add("error", r.error().empty() ? "-" : r.error())
      .Print(out);
}

int Create(Invocation& inv) {
  absl::StatusOr<int64_t> every = inv.flags().GetInt("schedule-seconds", 0, 0);
  if (!every.ok()) return inv.UsageError(every.status());
  pb::CreateArchivingWorkflowRequest req;
  req.set_account(inv.arg(0));
  req.set_schedule_seconds(*every);
  pb::ArchivingWorkflow resp;
  grpc::Status s = Stub(inv)->CreateArchivingWorkflow(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Created and started " << resp.internal_name() << ".\n";
  PrintWorkflow(resp, inv.out());
  return kExitOk;
}

int List(Invocation& inv) {
  pb::ListArchivingWorkflowsResponse resp;
  grpc::Status s = Stub(inv)->ListArchivingWorkflows(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"ACCOUNT"},
           {"STATE"},
           {"EVERY (S)", Table::Align::kRight},
           {"NEXT RUN"},
           {"LAST RUN"},
           {"LAST ERROR"}});
  for (const pb::ArchivingWorkflow& w : resp.workflows()) {
    t.AddRow({w.internal_name(), w.account(), ArchivingStateName(w.state()),
              absl::StrCat(w.schedule_seconds()), FormatTimestamp(w.next_run()),
              w.has_last_run() ? RunSummary(w.last_run()) : "-",
              w.has_last_run() && !w.last_run().error().empty() ? w.last_run().error() : "-"});
  }
  t.Print(inv.out(), "No archiving workflows: create one with mcctl archiving create ACCOUNT.");
  return kExitOk;
}

int ChangeState(Invocation& inv, ChangeCall change) {
  pb::ChangeArchivingWorkflowRequest req;
  req.set_internal_name(inv.arg(0));
  pb::ArchivingWorkflow resp;
  auto stub = Stub(inv);
  grpc::Status s = ((*stub).*change)(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << resp.internal_name() << ": " << ArchivingStateName(resp.state()) << "\n";
  return kExitOk;
}

int Start(Invocation& inv) {
  return ChangeState(inv, &pb::ArchivingService::Stub::StartArchivingWorkflow);
}
int Pause(Invocation& inv) {
  return ChangeState(inv, &pb::ArchivingService::Stub::PauseArchivingWorkflow);
}
int Stop(Invocation& inv) {
  return ChangeState(inv, &pb::ArchivingService::Stub::StopArchivingWorkflow);
}

int Schedule(Invocation& inv) {
  absl::StatusOr<int64_t> every = inv.flags().GetInt("every-seconds", 0, 1);
  if (!every.ok()) return inv.UsageError(every.status());
  pb::SetScheduleRequest req;
  req.set_internal_name(inv.arg(0));
  req.set_schedule_seconds(*every);
  pb::ArchivingWorkflow resp;
  grpc::Status s = Stub(inv)->SetSchedule(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << resp.internal_name() << ": every " << resp.schedule_seconds() << " s, next run "
            << FormatTimestamp(resp.next_run()) << "\n";
  return kExitOk;
}

int RunNow(Invocation& inv) {
  pb::RunNowRequest req;
  req.set_internal_name(inv.arg(0));
  pb::ArchiveRun resp;
  grpc::Status s = Stub(inv)->RunNow(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) {
    inv.PrintJson(resp);
  } else {
    PrintRun(resp, inv.out());
  }
  if (resp.error().empty()) return kExitOk;
  return inv.Problem(kExitFailed, "the run ended with an error: " + resp.error(),
                     "what it copied stays; run it again once the cause is fixed");
}

int Runs(Invocation& inv) {
  absl::StatusOr<int64_t> limit = inv.flags().GetInt("limit", 20, 1);
  if (!limit.ok()) return inv.UsageError(limit.status());
  pb::ListRunsRequest req;
  req.set_internal_name(inv.arg(0));
  req.set_limit(static_cast<int32_t>(std::min<int64_t>(*limit, 1000)));
  pb::ListRunsResponse resp;
  grpc::Status s = Stub(inv)->ListRuns(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"RUN", Table::Align::kRight},
           {"STARTED"},
           {"ENDED"},
           {"EVENTS", Table::Align::kRight},
           {"LOGS", Table::Align::kRight},
           {"QUARANTINE", Table::Align::kRight},
           {"ERROR"}});
  for (const pb::ArchiveRun& r : resp.runs()) {
    t.AddRow({absl::StrCat(r.id()), FormatTimestamp(r.started()), FormatTimestamp(r.ended()),
              absl::StrCat(r.events_copied()), absl::StrCat(r.delivery_logs_copied()),
              absl::StrCat(r.quarantine_copied()), r.error().empty() ? "-" : r.error()});
  }
  t.Print(inv.out(), "No runs yet.");
  return kExitOk;
}

int Purge(Invocation& inv) {
  absl::StatusOr<int64_t> retention = inv.flags().GetInt("retention-seconds", 0, 0);
  if (!retention.ok()) return inv.UsageError(retention.status());
  pb::PurgeArchiveRequest req;
  req.set_retention_seconds(*retention);
  pb::PurgeArchiveResponse resp;
  grpc::Status s = Stub(inv)->PurgeArchive(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Purged " << resp.events_deleted() << " archived events and "
            << resp.delivery_logs_deleted() << " delivery logs.\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ArchivingCommands() {
  const Target c = Target::kControl;
  return {
      {"archiving",
       "create",
       "ACCOUNT",
       "Create the account's mcSynch_<account> and start it.",
       {{"schedule-seconds", "N", "run every N seconds (default: every hour)"}},
       1,
       1,
       c,
       Create},
      {"archiving", "list", "", "List the archiving workflows.", {}, 0, 0, c, List},
      {"archiving", "start", "NAME", "Start an archiving workflow.", {}, 1, 1, c, Start},
      {"archiving", "pause", "NAME", "Pause an archiving workflow.", {}, 1, 1, c, Pause},
      {"archiving", "stop", "NAME", "Stop an archiving workflow.", {}, 1, 1, c, Stop},
      {"archiving",
       "schedule",
       "NAME",
       "Change how often it runs.",
       {{"every-seconds", "N", "run every N seconds", false, true}},
       1,
       1,
       c,
       Schedule},
      {"archiving",
       "run",
       "NAME",
       "Run it now and print the run (exit 1 if the run failed).",
       {},
       1,
       1,
       c,
       RunNow},
      {"archiving",
       "runs",
       "NAME",
       "List its latest runs, newest first.",
       {{"limit", "N", "at most N runs (default 20)"}},
       1,
       1,
       c,
       Runs},
      {"archiving",
       "purge",
       "",
       "Delete archived rows past retention.",
       {{"retention-seconds", "N", "older than N seconds (default: the configured retention)"}},
       0,
       0,
       c,
       Purge},
  };
}

}  // namespace mc::mcctl
