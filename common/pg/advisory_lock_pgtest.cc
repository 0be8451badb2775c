// AdvisoryLock on a server of its own: held by one session at a time, and Check() says when it
// can no longer be trusted (the session lost, or its server no longer the primary).
#include <catch2/catch.hpp>
#include <thread>

#include "common/pg/advisory_lock.h"
#include "common/pgcluster/temp_postgres.h"

namespace mc::pg {
namespace {

TEST_CASE(
    "an advisory lock is held once, and Check() fails once its server stops being the "
    "primary or its session is lost") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  auto lock = AdvisoryLock::TryAcquire((*pg)->Dsn(), "job-a");
  REQUIRE(lock.ok());
  CHECK((*lock)->Check().ok());
  auto again = AdvisoryLock::TryAcquire((*pg)->Dsn(), "job-a");
  CHECK(again.status().code() == absl::StatusCode::kAborted);
  CHECK(AdvisoryLock::TryAcquire((*pg)->Dsn(), "job-b").ok());

  // A demoted (read-only) server keeps the session and the lock, but no longer guards the job.
  REQUIRE((*pg)->SetReadOnly(true).ok());
  absl::Status demoted;
  for (int i = 0; i < 100 && (demoted = (*lock)->Check()).ok(); ++i) {  // the reload arrives
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(demoted.code() == absl::StatusCode::kUnavailable);
  CHECK(demoted.message().find("no longer the primary") != std::string::npos);
  REQUIRE((*pg)->SetReadOnly(false).ok());
  absl::Status back;
  for (int i = 0; i < 100 && !(back = (*lock)->Check()).ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(back.ok());

  // A restart ends the session, and the lock with it: another session may take it.
  REQUIRE((*pg)->Crash().ok());
  REQUIRE((*pg)->Restart().ok());
  absl::Status lost = (*lock)->Check();
  CHECK(lost.code() == absl::StatusCode::kUnavailable);
  CHECK(lost.message().find("session was lost") != std::string::npos);
  CHECK(AdvisoryLock::TryAcquire((*pg)->Dsn(), "job-a").ok());
}

}  // namespace
}  // namespace mc::pg
