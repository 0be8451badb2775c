#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <vector>

#include "common/testing/shared_postgres.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/workflows/local_signal.h"
#include "execution-service/workflows/workflow_runner.h"

namespace mc::execution {
namespace {

// A job that finds nothing to do (or a full batch, `full_runs` times), and records the waits
// the runner asks of it; its wait ends only on Wake() or after `max`.
class FakeJob final : public WorkflowJob {
 public:
  explicit FakeJob(int full_runs = 0) : full_runs_(full_runs) {}

  absl::StatusOr<JobRun> RunOnce() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++runs_;
    const bool full = full_runs_ > 0;
    if (full) --full_runs_;
    return JobRun{.processed = full ? 10 : 0, .more = full};
  }
  void WaitForWork(absl::Duration max) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      waits_.push_back(max);
      runs_at_wait_.push_back(runs_);
    }
    cv_.notify_all();
    woken_.Wait(max);
  }
  void Wake() override { woken_.Notify(); }

  // Blocks until the runner has asked for a first wait (a bound so a bug fails, not hangs).
  bool FirstWait(absl::Duration* max, int* runs_before) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return !waits_.empty(); })) {
      return false;
    }
    *max = waits_.front();
    *runs_before = runs_at_wait_.front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int full_runs_;
  int runs_ = 0;
  std::vector<absl::Duration> waits_;
  std::vector<int> runs_at_wait_;
  LocalSignal woken_;
};

struct Fixture {
  std::string schema = testing::FreshSchema("runner", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  WorkflowRepository repository{pool};
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kError, log_sink};
  WorkflowStates states{repository, absl::Milliseconds(100), logger};
  prometheus::Registry registry;
  prometheus::Counter& runs = prometheus::BuildCounter().Name("runs").Register(registry).Add({});
  prometheus::Counter& errors =
      prometheus::BuildCounter().Name("errors").Register(registry).Add({});

  Fixture() {
    REQUIRE(repository.SetState(kBatchEventsProcessing, WorkflowState::kStarted).ok());
    states.Refresh();
  }
  ~Fixture() { states.Stop(); }
};

// Stops the runner; false if that took more than a minute (the wait was not ended).
bool StopsPromptly(WorkflowRunner& runner) {
  std::future<void> stopped = std::async(std::launch::async, [&runner] { runner.Stop(); });
  return stopped.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
}

TEST_CASE_METHOD(Fixture,
                 "an idle runner waits its idle_wait (--batch_poll_ms), and stop ends it") {
  FakeJob job;
  WorkflowRunner runner(kBatchEventsProcessing, job, states, repository, runs, errors, logger,
                        {.idle_wait = absl::Minutes(2)});
  absl::Duration wait;
  int runs_before = 0;
  REQUIRE(job.FirstWait(&wait, &runs_before));
  CHECK(wait == absl::Minutes(2));
  CHECK(runs_before == 1);
  CHECK(StopsPromptly(runner));
}

TEST_CASE_METHOD(Fixture, "full batches run again without waiting; then the idle wait") {
  FakeJob job(/*full_runs=*/3);
  WorkflowRunner runner(kBatchEventsProcessing, job, states, repository, runs, errors, logger,
                        {.idle_wait = absl::Minutes(2), .record_every = absl::Hours(1)});
  absl::Duration wait;
  int runs_before = 0;
  REQUIRE(job.FirstWait(&wait, &runs_before));
  CHECK(runs_before == 4);  // three full batches, then one that found nothing
  // Counts are pending (recorded at most every hour): the wait is still the idle wait.
  CHECK(wait <= absl::Minutes(2));
  CHECK(wait > absl::Minutes(1));
  CHECK(StopsPromptly(runner));
}

}  // namespace
}  // namespace mc::execution
