#include "execution-service/archive/instance_identity.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {

absl::StatusOr<InstanceInfo> InstanceIdentity::Info() {
  absl::StatusOr<std::string> id = identity_.InstanceId();
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<WorkflowInfo>> workflows = workflows_.List();
  if (!workflows.ok()) return workflows.status();
  InstanceInfo info{.version = options_.version,
                    .instance_id = *std::move(id),
                    .schema = options_.schema,
                    .workflows = *std::move(workflows)};
  int started = 0;
  for (const WorkflowInfo& w : info.workflows) {
    if (w.state == WorkflowState::kStarted &&
        (w.internal_name == kRtEventsProcessing || w.internal_name == kBatchEventsProcessing ||
         w.internal_name == kUpdateEventStatus)) {
      ++started;
    }
  }
  info.workflows_started = started == 3;
  return info;
}

absl::StatusOr<InstanceInfo> InstanceIdentity::Initialize(const std::string& instance_id,
                                                          bool force) {
  if (absl::Status s = ValidateInstanceId(instance_id); !s.ok()) return s;
  absl::StatusOr<StampOutcome> stamp = identity_.Stamp(instance_id, force);
  if (!stamp.ok()) return stamp.status();
  if (!stamp->stamped) {
    return absl::FailedPreconditionError(
        absl::StrCat("the execution instance is already initialized as '", stamp->previous,
                     "'; set force to replace it with '", instance_id, "'"));
  }
  if (stamp->previous != instance_id) {
    logger_.Info(
        "instance identifier stamped",
        {{"instance_id", instance_id}, {"previous", stamp->previous}, {"schema", options_.schema}});
  }
  return Info();
}

}  // namespace mc::execution
