#include "execution-service/workflows/workflow_repository.h"

#include "absl/strings/str_cat.h"
#include "common/pg/execute.h"

namespace mc::execution {
namespace {

constexpr char kColumns[] =
    "internal_name, label, folder, state, "
    "(extract(epoch FROM last_run_at) * 1000000)::bigint AS last_run_us, processed, errors, "
    "coalesce(last_error, '') AS last_error";

WorkflowInfo FromRow(const pg::Row& r) {
  WorkflowInfo w;
  w.internal_name = r.Get<std::string>("internal_name");
  w.label = r.Get<std::string>("label");
  w.folder = r.Get<std::string>("folder");
  w.state = ParseWorkflowState(r.Get<std::string>("state")).value_or(WorkflowState::kStopped);
  w.last_run = r.OptionalMicros("last_run_us");
  w.processed = r.Get<int64_t>("processed");
  w.errors = r.Get<int64_t>("errors");
  w.last_error = r.Get<std::string>("last_error");
  return w;
}

const pg::Query<WorkflowInfo> kList("workflows_list",
                                    absl::StrCat("SELECT ", kColumns,
                                                 " FROM workflows ORDER BY internal_name"),
                                    FromRow);
const pg::Query<WorkflowInfo> kSetState(
    "workflows_set_state",
    absl::StrCat("UPDATE workflows SET state = $2, updated_at = now() "
                 "WHERE internal_name = $1 RETURNING ",
                 kColumns),
    FromRow);
const pg::Statement kRecordRun("workflows_record_run",
                               "UPDATE workflows SET last_run_at = now(), "
                               "processed = processed + $2, errors = errors + $3, "
                               "last_error = coalesce($4, last_error) WHERE internal_name = $1");

}  // namespace

WorkflowRepository::WorkflowRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kList, kSetState, kRecordRun);
}

absl::StatusOr<std::vector<WorkflowInfo>> WorkflowRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::StatusOr<WorkflowInfo> WorkflowRepository::SetState(const std::string& name,
                                                          WorkflowState state) {
  return pg::FetchOne(
      pool_, kSetState,
      pg::ReadWrite().IfNone(absl::NotFoundError(absl::StrCat(
          "no workflow named '", name, "' (", kRtEventsProcessing, ", ", kBatchEventsProcessing,
          ", ", kUpdateEventStatus, ", ", kWebhookDelivery, ")"))),
      name, std::string(WorkflowStateName(state)));
}

absl::Status WorkflowRepository::RecordRun(const std::string& name, int64_t processed,
                                           int64_t errors, const std::string& error) {
  std::optional<std::string> last_error;
  if (!error.empty()) last_error = error.substr(0, 2000);
  // Autocommit, one statement: one round trip.
  return pg::Execute(pool_, kRecordRun, pg::Autocommit(), name, processed, errors, last_error)
      .status();
}

}  // namespace mc::execution
