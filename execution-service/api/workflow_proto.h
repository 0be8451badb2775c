// Conversion of the technical workflows to messagecenter.v1.Workflow, shared by the workflow
// and instance handlers. Pure function, thread-safe.
#pragma once

#include "execution-service/workflows/workflow.h"
#include "messagecenter/v1/workflows.pb.h"

namespace mc::execution {

void WorkflowToProto(const WorkflowInfo& workflow, messagecenter::v1::Workflow* proto);

}  // namespace mc::execution
