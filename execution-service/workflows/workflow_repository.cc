#include "execution-service/workflows/workflow_repository.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

constexpr char kColumns[] =
    "internal_name, label, folder, state, (extract(epoch FROM last_run_at) * 1000000)::bigint, "
    "processed, errors, coalesce(last_error, '')";

WorkflowInfo FromRow(const pqxx::row& r) {
  WorkflowInfo w;
  w.internal_name = r[0].as<std::string>();
  w.label = r[1].as<std::string>();
  w.folder = r[2].as<std::string>();
  w.state = ParseWorkflowState(r[3].as<std::string>()).value_or(WorkflowState::kStopped);
  if (!r[4].is_null()) w.last_run = absl::FromUnixMicros(r[4].as<int64_t>());
  w.processed = r[5].as<int64_t>();
  w.errors = r[6].as<int64_t>();
  w.last_error = r[7].as<std::string>();
  return w;
}

}  // namespace

WorkflowRepository::WorkflowRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("workflows_list",
                absl::StrCat("SELECT ", kColumns, " FROM workflows ORDER BY internal_name"));
  pool_.Prepare("workflows_set_state",
                absl::StrCat("UPDATE workflows SET state = $2, updated_at = now() "
                             "WHERE internal_name = $1 RETURNING ",
                             kColumns));
  pool_.Prepare("workflows_record_run",
                "UPDATE workflows SET last_run_at = now(), processed = processed + $2, "
                "errors = errors + $3, last_error = coalesce($4, last_error) "
                "WHERE internal_name = $1");
}

absl::StatusOr<std::vector<WorkflowInfo>> WorkflowRepository::List() {
  std::vector<WorkflowInfo> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("workflows_list")) out.push_back(FromRow(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<WorkflowInfo> WorkflowRepository::SetState(const std::string& name,
                                                          WorkflowState state) {
  std::optional<WorkflowInfo> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_prepared("workflows_set_state", name, std::string(WorkflowStateName(state)));
    if (!r.empty()) out = FromRow(r[0]);
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) {
    return absl::NotFoundError(absl::StrCat("no workflow named '", name, "' (", kRtEventsProcessing,
                                            ", ", kBatchEventsProcessing, ", ", kUpdateEventStatus,
                                            ")"));
  }
  return *out;
}

absl::Status WorkflowRepository::RecordRun(const std::string& name, int64_t processed,
                                           int64_t errors, const std::string& error) {
  std::optional<std::string> last_error;
  if (!error.empty()) last_error = error.substr(0, 2000);
  return pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);  // one statement: one round trip
    tx.exec_prepared("workflows_record_run", name, processed, errors, last_error);
    return absl::OkStatus();
  });
}

}  // namespace mc::execution
