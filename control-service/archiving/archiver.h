// Archiver: one run of an account's archiving workflow (DOMAIN.md section 6). It pulls, over
// the execution instance's ExportArchive stream, every event that reached a final status after
// the workflow's cursor (with its delivery log), then the quarantined addresses, and stores
// each page with the cursor in one transaction. A run cut off anywhere (either side killed,
// network gone) and run again leaves exactly what one clean run leaves.
//
// The run holds a PostgreSQL advisory lock named after the workflow, so with several control
// replicas each account's workflow runs on one replica at a time.
//
// Failure modes: ABORTED when another replica is running the workflow; NOT_FOUND for an
// unknown workflow; FAILED_PRECONDITION when the account is not initialized; otherwise the run
// is recorded with its error (UNAVAILABLE when the instance went away) and returned.
// Thread-safe; runs of different workflows may go in parallel.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/accounts/execution_client.h"
#include "control-service/archiving/archiving_repository.h"

namespace mc::control {

struct ArchiverOptions {
  // Where the advisory locks are taken, and the schema naming them.
  std::string lock_dsn;
  std::string schema;
  int page_size = 1000;
  // Export streams per run before leaving the rest to the next run (events keep arriving).
  int max_streams = 4;
};

class Archiver {
 public:
  Archiver(ArchivingRepository& archive, AccountRepository& accounts, const ExecutionClient& client,
           ArchiverOptions options, log::Logger& logger)
      : archive_(archive),
        accounts_(accounts),
        client_(client),
        options_(std::move(options)),
        logger_(logger) {}

  absl::StatusOr<ArchiveRun> Run(const std::string& workflow);

 private:
  absl::Status Copy(const ArchivingWorkflow& workflow, const ExecutionTarget& target,
                    int64_t run_id);

  ArchivingRepository& archive_;
  AccountRepository& accounts_;
  const ExecutionClient& client_;
  const ArchiverOptions options_;
  log::Logger& logger_;
};

}  // namespace mc::control
