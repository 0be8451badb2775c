// mcctl workflows: the execution instance's technical workflows (rtEventsProcessing,
// batchEventsProcessing, updateEventStatus): list, start, pause, stop.
#include "absl/strings/str_cat.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace v1 = messagecenter::v1;

using Change = grpc::Status (v1::WorkflowService::Stub::*)(grpc::ClientContext*,
                                                           const v1::ChangeWorkflowRequest&,
                                                           v1::Workflow*);

int List(Invocation& inv) {
  auto stub = v1::WorkflowService::NewStub(inv.conn().channel());
  v1::ListWorkflowsResponse resp;
  grpc::Status s = stub->ListWorkflows(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"STATE"},
           {"LAST RUN"},
           {"PROCESSED", Table::Align::kRight},
           {"ERRORS", Table::Align::kRight},
           {"LAST ERROR"}});
  for (const v1::Workflow& w : resp.workflows()) {
    t.AddRow({w.internal_name(), WorkflowStateName(w.state()), FormatTimestamp(w.last_run()),
              absl::StrCat(w.processed()), absl::StrCat(w.errors()), w.last_error()});
  }
  t.Print(inv.out(), "No workflows.");
  return kExitOk;
}

int Run(Invocation& inv, Change change) {
  auto stub = v1::WorkflowService::NewStub(inv.conn().channel());
  v1::ChangeWorkflowRequest req;
  req.set_internal_name(inv.arg(0));
  v1::Workflow resp;
  grpc::Status s = ((*stub).*change)(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << resp.internal_name() << ": " << WorkflowStateName(resp.state()) << "\n";
  return kExitOk;
}

int Start(Invocation& inv) { return Run(inv, &v1::WorkflowService::Stub::StartWorkflow); }
int Pause(Invocation& inv) { return Run(inv, &v1::WorkflowService::Stub::PauseWorkflow); }
int Stop(Invocation& inv) { return Run(inv, &v1::WorkflowService::Stub::StopWorkflow); }

}  // namespace

std::vector<CommandSpec> WorkflowCommands() {
  return {
      {"workflows",
       "list",
       "",
       "List the execution instance's technical workflows.",
       {},
       0,
       0,
       Target::kExecution,
       List},
      {"workflows",
       "start",
       "NAME",
       "Start a technical workflow.",
       {},
       1,
       1,
       Target::kExecution,
       Start},
      {"workflows",
       "pause",
       "NAME",
       "Pause a technical workflow.",
       {},
       1,
       1,
       Target::kExecution,
       Pause},
      {"workflows",
       "stop",
       "NAME",
       "Stop a technical workflow.",
       {},
       1,
       1,
       Target::kExecution,
       Stop},
  };
}

}  // namespace mc::mcctl
