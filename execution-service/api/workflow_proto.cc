#include "execution-service/api/workflow_proto.h"

#include "execution-service/api/event_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;

void WorkflowToProto(const WorkflowInfo& w, v1::Workflow* p) {
  p->set_internal_name(w.internal_name);
  p->set_label(w.label);
  p->set_folder(w.folder);
  p->set_state(w.state == WorkflowState::kStarted  ? v1::WORKFLOW_STATE_STARTED
               : w.state == WorkflowState::kPaused ? v1::WORKFLOW_STATE_PAUSED
                                                   : v1::WORKFLOW_STATE_STOPPED);
  if (w.last_run) TimeToProto(*w.last_run, p->mutable_last_run());
  p->set_processed(w.processed);
  p->set_errors(w.errors);
  p->set_last_error(w.last_error);
}

}  // namespace mc::execution
