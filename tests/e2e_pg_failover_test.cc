// End to end: PostgreSQL fails over while 50k events flow. A primary and a streaming standby
// (two throwaway servers on loopback, the standby made by pg_basebackup), the execution and the
// control instance on the multi-host DSN (target_session_attrs=read-write); the primary and all
// its processes are SIGKILLed mid-run, the standby promoted (pg_ctl promote), pushing goes on
// (a failed call is retried with the same external ids, as a client does).
//
// With synchronous replication: every id returned ends final exactly once under that id with
// one delivery log, mail goes again only for events in flight at the kill (same Message-ID),
// archiving resumes and the archive is exact, health goes NOT_SERVING then SERVING.
// Without it (asynchronous streaming), the same run measures what a failover loses: it is
// printed, not assumed; what the new primary holds still ends exactly once and archives exactly.
//
// The figures of both runs are printed and written to test-artifacts/failover/<mode>.txt
// (scripts/test.sh prints them after the tests).
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/sinks/smtp_sink.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/archive_check.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/mail_ids.h"
#include "tests/support/numbered_mail.h"
#include "tests/support/queue_counts.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;
namespace health = grpc::health::v1;
using pgcluster::TempPostgres;

constexpr int kEvents = 50000;
constexpr int kBatch = 250;
constexpr int kPushers = 4;
// Paced so that the run lasts ~10 s and the kill falls in the middle of pushing and delivering.
constexpr absl::Duration kBatchInterval = absl::Milliseconds(200);
// What may be in flight at the kill: both lanes' claimed batches (--lane_workers=2 each).
constexpr int kProcessingBatch = 250;
constexpr int kInFlightBound = 2 * 2 * kProcessingBatch;

// The pushers: batches of kBatch new external ids, each retried until accepted (as a client
// does, with the same external ids). Batches from kHeldBatch on wait until Release(), so the
// kill certainly falls mid-run whatever the machine's speed; the test releases them once the
// primary is dead, so pushing goes on through the failover. A call is retried for at most
// kRetryFor; the destructor stops and joins the threads whatever happened.
constexpr int kBatches = kEvents / kBatch;
constexpr int kHeldBatch = kBatches * 3 / 5;
constexpr absl::Duration kRetryFor = absl::Seconds(120);

class Pushers {
 public:
  explicit Pushers(std::shared_ptr<grpc::Channel> channel) : channel_(std::move(channel)) {}
  ~Pushers() {
    stop_ = true;
    Release();
    Join();
  }

  void Start() {
    for (int w = 0; w < kPushers; ++w) threads_.emplace_back([this] { Push(); });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    release_.notify_all();
  }
  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  size_t acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_.size();
  }
  // The first acceptance after `t`, if any yet.
  std::optional<absl::Time> FirstOkAfter(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    for (absl::Time ok : ok_times_) {
      if (ok > t) return ok;
    }
    return std::nullopt;
  }

  std::map<std::string, int64_t> ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_;
  }
  std::map<grpc::StatusCode, int> failures() {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }
  // Batches given up after kRetryFor of refusals (none is expected).
  int abandoned() {
    std::lock_guard<std::mutex> lock(mu_);
    return abandoned_;
  }

 private:
  void Push() {
    auto stub = v1::EventService::NewStub(channel_);
    for (int batch = next_batch_++; batch < kBatches && !stop_; batch = next_batch_++) {
      if (batch >= kHeldBatch) {
        std::unique_lock<std::mutex> lock(mu_);
        release_.wait(lock, [this] { return released_; });
      }
      const absl::Time started = absl::Now();
      v1::PushEventsRequest req;
      req.set_queue(batch % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME);
      for (int i = 0; i < kBatch; ++i) {
        v1::Event* e = req.add_events();
        e->set_type("FAILOVER");
        e->set_email(absl::StrCat("user", batch, "-", i, "@example.com"));
        e->set_external_id(absl::StrCat("fo-", batch, "-", i));
        (*e->mutable_ctx()->mutable_fields())["n"].set_number_value(batch * kBatch + i);
      }
      const absl::Time give_up = started + kRetryFor;
      for (;;) {
        v1::PushEventsResponse resp;
        // A longer deadline than Context()'s: a call in the failover waits for the pool's retry.
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        grpc::Status s = stub->PushEvents(&ctx, req, &resp);
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (s.ok()) {
            ok_times_.push_back(absl::Now());
            for (int i = 0; i < resp.results_size(); ++i) {
              ids_.emplace(req.events(i).external_id(), resp.results(i).id());
            }
            break;
          }
          ++failures_[s.error_code()];
          if (stop_ || absl::Now() > give_up) {
            ++abandoned_;
            break;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      std::this_thread::sleep_until(absl::ToChronoTime(started + kBatchInterval));
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<int> next_batch_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable release_;
  bool released_ = false;
  std::map<std::string, int64_t> ids_;  // external id -> the id the call returned
  std::vector<absl::Time> ok_times_;
  std::map<grpc::StatusCode, int> failures_;
  int abandoned_ = 0;
};

// Health of both services, polled every 50 ms: when each was first seen NOT_SERVING after the
// kill, and SERVING after that.
class HealthWatch {
 public:
  explicit HealthWatch(std::vector<std::string> addresses) : addresses_(std::move(addresses)) {
    seen_down_.resize(addresses_.size());
    seen_up_.resize(addresses_.size());
    thread_ = std::thread([this] { Watch(); });
  }
  ~HealthWatch() {
    stop_ = true;
    thread_.join();
  }
  void ArmAt(absl::Time kill) {
    std::lock_guard<std::mutex> lock(mu_);
    kill_ = kill;
  }
  std::optional<absl::Time> down(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_down_[i];
  }
  std::optional<absl::Time> up(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_up_[i];
  }

 private:
  void Watch() {
    std::vector<std::unique_ptr<health::Health::Stub>> stubs;
    for (const auto& a : addresses_) stubs.push_back(health::Health::NewStub(Channel(a)));
    while (!stop_) {
      for (size_t i = 0; i < stubs.size(); ++i) {
        health::HealthCheckResponse resp;
        grpc::Status s = stubs[i]->Check(Context("").get(), health::HealthCheckRequest(), &resp);
        const bool serving = s.ok() && resp.status() == health::HealthCheckResponse::SERVING;
        std::lock_guard<std::mutex> lock(mu_);
        if (!kill_) continue;
        if (!serving && !seen_down_[i]) seen_down_[i] = absl::Now();
        if (serving && seen_down_[i] && !seen_up_[i]) seen_up_[i] = absl::Now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::vector<std::string> addresses_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::optional<absl::Time> kill_;
  std::vector<std::optional<absl::Time>> seen_down_, seen_up_;
  std::thread thread_;
};

int64_t Scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::read_transaction tx(c);
  tx.exec("SET LOCAL search_path TO fo_exec");
  return tx.exec1(sql)[0].as<int64_t>();
}

// The peak resident memory of a process, in MiB (0 when /proc cannot tell).
int64_t PeakRssMib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6) / 1024;
  }
  return 0;
}

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

struct Figures {
  int abandoned = 0;
  size_t accepted = 0, stored = 0, lost = 0, duplicates = 0, ids_reused = 0;
  size_t mails = 0, message_ids = 0, resent = 0, mails_of_lost_events = 0;
  int64_t final_sent = 0, delivery_logs = 0, distinct_logs = 0;
  ArchiveDiff archive;
  int64_t archive_runs_failed = 0;
  std::map<grpc::StatusCode, int> failures;
  double recover_after_kill = -1, recover_after_promote = -1;
  double exec_down = -1, exec_up = -1, control_down = -1, control_up = -1;
  double promotion_started = -1;  // s after the kill: no primary before
  int64_t exec_rss_mib = 0, control_rss_mib = 0;
  bool exec_clean_exit = false, control_clean_exit = false;
};

void Report(const std::string& mode, const Figures& f) {
  std::string failures;
  for (const auto& [code, n] : f.failures) absl::StrAppend(&failures, " code ", code, " x", n);
  const std::string text = absl::StrCat(
      "failover (", mode, " replication), ", kEvents, " events:\n", "  accepted (ids returned) ",
      f.accepted, "\n  lost (accepted, not on the new primary under its id) ", f.lost,
      "\n  ids given again to another event ", f.ids_reused, "\n  stored twice ", f.duplicates,
      "\n  mails ", f.mails, " for ", f.message_ids, " Message-IDs: resent ", f.resent,
      " (in-flight bound ", kInFlightBound, "), mails of lost events ", f.mails_of_lost_events,
      "\n  final Sent ", f.final_sent, " of ", f.stored, " stored; delivery logs ", f.delivery_logs,
      " (", f.distinct_logs, " events)", "\n  archive: ", f.archive.archived_events, " of ",
      f.archive.source_events, " events, ", f.archive.event_mismatches, " mismatches; ",
      f.archive.archived_logs, " of ", f.archive.source_logs, " logs; runs cut by the failover ",
      f.archive_runs_failed, "\n  refused calls while failing over:", failures,
      " (batches given up ", f.abandoned, ")", "\n  promotion started +", f.promotion_started,
      " s after the kill", "\n  recovered (first accepted push) ", f.recover_after_kill,
      " s after the kill, ", f.recover_after_promote, " s after the promotion",
      "\n  health NOT_SERVING at +", f.exec_down, " s, SERVING at +", f.exec_up,
      " s (execution); +", f.control_down, " s, +", f.control_up, " s (control)",
      "\n  peak RSS: execution-service ", f.exec_rss_mib, " MiB, control-service ",
      f.control_rss_mib, " MiB\n");
  std::cout << text << std::flush;
  const std::filesystem::path dir = std::filesystem::path(MC_ARTIFACTS_DIR) / "failover";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (mode + ".txt")) << text;
}

Figures RunFailover(bool synchronous) {
  auto primary = TempPostgres::Start({});
  REQUIRE(primary.ok());
  auto standby = TempPostgres::StartStandby(**primary, {.name = "standby1"});
  REQUIRE(standby.ok());
  if (synchronous) REQUIRE((*primary)->RequireSynchronousStandby("standby1").ok());
  const TempPostgres* servers[] = {primary->get(), standby->get()};
  const std::string dsn = TempPostgres::MultiHostDsn(servers);
  const std::string new_primary = (*standby)->Dsn();

  auto smtp_started = sinks::SmtpSink::Start({});
  REQUIRE(smtp_started.ok());
  auto smtp = std::move(*smtp_started);
  process::ServiceProcess exec =
      StartExecution(dsn, "fo_exec",
                     {"--smtp_url=" + smtp->url(), "--start_workflows", "--lease_seconds=3",
                      "--lane_workers=2", absl::StrCat("--processing_batch=", kProcessingBatch),
                      "--message_id_domain=mc.test", "--health_check_ms=100"});
  process::ServiceProcess control =
      StartControl(dsn, "fo_control", {"--archiving_poll_ms=200", "--health_check_ms=100"});
  ExecClient exec_client(exec.address());
  REQUIRE(exec_client.Publish(NumberedMailTemplate("failover", "FAILOVER", "Event")).ok());
  ControlClient control_client(control.address());
  control_client.CreateAccount("fo", exec.address(), kToken);
  REQUIRE(control_client.InitializeConnection("fo").ok());
  REQUIRE(control_client.CreateArchivingWorkflow("fo").ok());
  {
    pb::SetScheduleRequest schedule;  // archiving runs every second, through the failover
    schedule.set_internal_name("mcSynch_fo");
    schedule.set_schedule_seconds(1);
    pb::ArchivingWorkflow w;
    REQUIRE(control_client.archiving().SetSchedule(Context().get(), schedule, &w).ok());
  }

  HealthWatch health({exec.address(), control.address()});
  Pushers pushers(Channel(exec.address()));
  pushers.Start();
  // The kill: pushing and delivering are both under way (the held batches are not pushed yet).
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while ((pushers.acknowledged() < kEvents * 2 / 5 || smtp->accepted() < kEvents / 10) &&
         absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const size_t acknowledged_at_kill = pushers.acknowledged();
  const size_t mailed_at_kill = smtp->accepted();
  REQUIRE(acknowledged_at_kill >= static_cast<size_t>(kEvents * 2 / 5));
  REQUIRE(acknowledged_at_kill <= static_cast<size_t>(kHeldBatch * kBatch));
  const absl::Time kill = absl::Now();
  REQUIRE((*primary)->Kill().ok());
  health.ArmAt(kill);  // only what is seen after the primary is dead counts
  pushers.Release();   // pushing goes on through the failover
  std::this_thread::sleep_for(std::chrono::seconds(1));  // an operator's failure detection
  // Both services noticed before the standby takes over.
  const absl::Time noticed_by = absl::Now() + absl::Seconds(10);
  while ((!health.down(0) || !health.down(1)) && absl::Now() < noticed_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(health.down(0).has_value());
  CHECK(health.down(1).has_value());
  const absl::Time promoting = absl::Now();
  REQUIRE((*standby)->Promote().ok());
  const absl::Time promoted = absl::Now();
  pushers.Join();
  WARN("at the kill: " << acknowledged_at_kill << " accepted, " << mailed_at_kill << " mailed");

  Figures f;
  const std::map<std::string, int64_t> acknowledged = pushers.ids();
  f.accepted = acknowledged.size();
  f.failures = pushers.failures();
  f.abandoned = pushers.abandoned();
  if (auto ok = pushers.FirstOkAfter(promoted)) {
    f.recover_after_kill = Seconds(*ok - kill);
    f.recover_after_promote = Seconds(*ok - promoted);
  }

  // Everything the new primary holds reaches a final status.
  const std::string events_sql =
      "SELECT external_id, id FROM rt_events UNION ALL SELECT external_id, id FROM batch_events";
  const QueueCounts counts = AwaitAllFinal(new_primary, "fo_exec", absl::Seconds(240));
  REQUIRE(counts.final == counts.stored);
  f.stored = counts.stored;
  std::map<std::string, int64_t> by_key;
  std::map<int64_t, std::string> by_id;
  {
    pqxx::connection c(new_primary);
    pqxx::read_transaction tx(c);
    tx.exec("SET LOCAL search_path TO fo_exec");
    for (const auto& row : tx.exec(events_sql)) {
      if (!by_key.emplace(row[0].as<std::string>(), row[1].as<int64_t>()).second) {
        ++f.duplicates;
      }
      by_id.emplace(row[1].as<int64_t>(), row[0].as<std::string>());
    }
  }
  std::set<int64_t> lost_ids;
  for (const auto& [key, id] : acknowledged) {
    auto it = by_key.find(key);
    if (it == by_key.end() || it->second != id) {
      ++f.lost;
      lost_ids.insert(id);
      auto other = by_id.find(id);
      if (other != by_id.end() && other->second != key) ++f.ids_reused;
    }
  }
  f.final_sent = Scalar(new_primary,
                        "SELECT (SELECT count(*) FROM rt_events WHERE status = 2) + "
                        "(SELECT count(*) FROM batch_events WHERE status = 2)");
  f.delivery_logs = Scalar(new_primary, "SELECT count(*) FROM delivery_logs");
  f.distinct_logs =
      Scalar(new_primary, "SELECT count(DISTINCT (queue, event_id)) FROM delivery_logs");

  // Mails: one Message-ID per stored event; a second mail only repeats a Message-ID.
  const std::map<std::string, int> by_message_id = MailsPerMessageId(smtp->Messages());
  REQUIRE(by_message_id.count("") == 0);  // every mail has one
  f.mails = smtp->accepted();
  f.message_ids = by_message_id.size();
  f.resent = f.mails - f.message_ids;
  f.mails_of_lost_events =
      f.message_ids > static_cast<size_t>(counts.stored) ? f.message_ids - counts.stored : 0;

  // Archiving resumed on the new primary: one more run after everything is final, then exact.
  // (A scheduled run may hold the workflow's lock: ABORTED until it ends.)
  pb::RunNowRequest run_now;
  run_now.set_internal_name("mcSynch_fo");
  pb::ArchiveRun last;
  grpc::Status ran;
  for (int i = 0; i < 100; ++i) {
    ran = control_client.archiving().RunNow(Context().get(), run_now, &last);
    if (ran.error_code() != grpc::StatusCode::ABORTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(ran.error_message());
  REQUIRE(ran.ok());
  CHECK(last.error().empty());
  f.archive = CompareArchive(new_primary, "fo_control", "fo", "fo_exec");
  {
    pqxx::connection c(new_primary);
    pqxx::read_transaction tx(c);
    f.archive_runs_failed =
        tx.exec1("SELECT count(*) FROM fo_control.archive_runs WHERE error <> ''")[0].as<int64_t>();
  }
  f.promotion_started = Seconds(promoting - kill);
  if (auto d = health.down(0)) f.exec_down = Seconds(*d - kill);
  if (auto u = health.up(0)) f.exec_up = Seconds(*u - kill);
  if (auto d = health.down(1)) f.control_down = Seconds(*d - kill);
  if (auto u = health.up(1)) f.control_up = Seconds(*u - kill);
  f.exec_rss_mib = PeakRssMib(exec.process().pid());
  f.control_rss_mib = PeakRssMib(control.process().pid());
  f.exec_clean_exit = exec.Terminate() == 0;
  f.control_clean_exit = control.Terminate() == 0;
  Report(synchronous ? "synchronous" : "asynchronous", f);
  return f;
}

// What holds whatever the replication: nothing stored twice, everything the new primary holds
// final exactly once with one delivery log, the archive exact, the services recover by
// themselves and only ever refuse with UNAVAILABLE.
void CheckCommon(const Figures& f) {
  CHECK(f.duplicates == 0);
  CHECK(f.final_sent == static_cast<int64_t>(f.stored));
  CHECK(f.delivery_logs == static_cast<int64_t>(f.stored));
  CHECK(f.distinct_logs == static_cast<int64_t>(f.stored));
  CHECK(f.archive.source_events == static_cast<int64_t>(f.stored));
  CHECK(f.archive.archived_events == f.archive.source_events);
  CHECK(f.archive.event_mismatches == 0);
  CHECK(f.archive.archived_logs == f.archive.source_logs);
  CHECK(f.archive.log_mismatches == 0);
  CHECK(f.abandoned == 0);
  CHECK(f.failures.size() == 1);
  CHECK(f.failures.count(grpc::StatusCode::UNAVAILABLE) == 1);
  CHECK(f.recover_after_kill > 0);
  CHECK(f.exec_down >= 0);
  CHECK(f.exec_up > f.exec_down);
  // SERVING again only once there is a primary again (no surviving backend of the old one
  // answers a health probe).
  CHECK(f.exec_up >= f.promotion_started);
  CHECK(f.control_up >= f.promotion_started);
  CHECK(f.control_down >= 0);
  CHECK(f.control_up > f.control_down);
  CHECK(f.exec_clean_exit);
  CHECK(f.control_clean_exit);
}

TEST_CASE("failover to a synchronous standby: nothing accepted is lost or duplicated") {
  Figures f = RunFailover(/*synchronous=*/true);
  CheckCommon(f);
  CHECK(f.accepted == static_cast<size_t>(kEvents));
  CHECK(f.lost == 0);
  CHECK(f.ids_reused == 0);
  CHECK(f.stored == f.accepted);
  CHECK(f.message_ids == f.stored);  // one Message-ID per event, and none for anything else
  CHECK(f.resent <= static_cast<size_t>(kInFlightBound));
}

TEST_CASE("failover to an asynchronous standby: what it loses is measured") {
  Figures f = RunFailover(/*synchronous=*/false);
  CheckCommon(f);
  CHECK(f.accepted == static_cast<size_t>(kEvents));
  // Every Message-ID is that of an event stored, or of one accepted and then lost.
  CHECK(f.message_ids <= f.stored + f.lost);
}

}  // namespace
}  // namespace mc::e2e
