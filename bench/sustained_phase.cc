#include "bench/sustained_phase.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/pusher.h"
#include "bench/table_stats.h"
#include "messagecenter/v1/instance.grpc.pb.h"

namespace mc::bench {
namespace {
namespace v1 = messagecenter::v1;
constexpr absl::Duration kWindow = absl::Seconds(10);

std::unique_ptr<grpc::ClientContext> Ctx(const SustainedTarget& t) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + t.token);
  return c;
}

std::shared_ptr<grpc::Channel> Channel(const SustainedTarget& t) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(t.address, grpc::InsecureChannelCredentials(), args);
}

int64_t Scalar(pqxx::connection& c, const std::string& sql) {
  pqxx::work tx(c);
  return tx.exec1(sql)[0].as<int64_t>();
}

// Real-time events still Pending or Pending delivery: two counts on the partial indexes.
int64_t Unfinished(pqxx::connection& c, const std::string& schema) {
  return Scalar(c, absl::StrCat("SELECT (SELECT count(*) FROM ", schema,
                                ".rt_events WHERE status = 0) + (SELECT count(*) FROM ", schema,
                                ".rt_events WHERE status = 1)"));
}

PushTarget PushTargetOf(const SustainedTarget& t) {
  return {.address = t.address, .token = t.token, .make_event = t.make_event};
}

// Waits until no real-time event is unfinished; false after a minute without a new mail.
bool Drain(const SustainedTarget& t, pqxx::connection& c) {
  size_t last_mails = t.mails();
  absl::Time last_progress = absl::Now();
  while (Unfinished(c, t.schema) > 0) {
    if (absl::Now() - last_progress > absl::Seconds(60)) return false;
    if (size_t m = t.mails(); m != last_mails) {
      last_mails = m;
      last_progress = absl::Now();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

struct Archived {
  int64_t events = 0, logs = 0;
  bool ok = false;
};

// What the control instance does: stamp the instance, export every final event, acknowledge
// the last cursor with one more ExportArchive call.
Archived ArchiveAll(const SustainedTarget& t) {
  auto stub = v1::InstanceService::NewStub(Channel(t));
  Archived a;
  v1::InitializeInstanceRequest init;
  init.set_instance_id("bench-instance");
  v1::InstanceInfo info;
  if (grpc::Status s = stub->InitializeInstance(Ctx(t).get(), init, &info); !s.ok()) {
    std::fprintf(stderr, "InitializeInstance: %s\n", s.error_message().c_str());
    return a;
  }
  v1::ArchiveCursor cursor;
  for (int call = 0; call < 2; ++call) {  // the second call only acknowledges
    v1::ExportArchiveRequest req;
    *req.mutable_after() = cursor;
    req.set_page_size(5000);
    if (call == 1) req.set_max_pages(1);
    auto ctx = Ctx(t);
    auto reader = stub->ExportArchive(ctx.get(), req);
    v1::ExportArchivePage page;
    while (reader->Read(&page)) {
      for (const auto& e : page.events()) a.logs += e.has_delivery_log() ? 1 : 0;
      a.events += page.events_size();
      if (page.has_next()) cursor = page.next();
    }
    if (grpc::Status s = reader->Finish(); !s.ok()) {
      std::fprintf(stderr, "ExportArchive: %s\n", s.error_message().c_str());
      return a;
    }
  }
  a.ok = true;
  return a;
}

// Written by the purge's thread; `started` and `finished` are set after the times they publish.
struct PurgeRun {
  absl::Time start, end;
  std::atomic<bool> started{false}, finished{false};
  int64_t done_at_start = 0, done_at_end = 0, pushed_at_start = 0, pushed_at_end = 0;
  int64_t database_before = 0, database_after = 0;
  v1::PurgeResponse response;
  bool ok = false;
};

// VmHWM of this process, in kB (0 when /proc cannot tell).
int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    int64_t kb = 0;
    if (line.rfind("VmHWM:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripSuffix(line.substr(6), "kB")),
                         &kb)) {
      return kb;
    }
  }
  return 0;
}

}  // namespace

bool RunSustained(const SustainedTarget& t, const SustainedOptions& o) {
  pqxx::connection c(t.dsn);
  bool ok = true;
  Archived archived;
  if (o.purge_events > 0) {
    Pusher preload(PushTargetOf(t), {.streams = o.streams,
                                     .batch = o.batch,
                                     .events = o.purge_events,
                                     .first_n = 3000000000LL});
    preload.Join();
    const bool drained = Drain(t, c);
    archived = ArchiveAll(t);
    std::printf("(s) purge batch: %lld events pushed, %lld events + %lld logs archived\n",
                static_cast<long long>(preload.acked()), static_cast<long long>(archived.events),
                static_cast<long long>(archived.logs));
    if (!drained || !archived.ok || preload.acked() != o.purge_events) {
      std::printf("COUNT MISMATCH: the purge batch was not pushed, Sent and archived whole\n");
      return false;
    }
    // The batch's period closes: the run's events go to partitions of their own, and the
    // purge can drop the batch's whole.
    pqxx::nontransaction tx(c);
    tx.exec("SET search_path TO " + tx.quote_name(t.schema));
    tx.exec("SELECT mc_rotate_partitions('0', true)");
    tx.exec("RESET search_path");
    absl::SleepFor(absl::Milliseconds(1200));  // past the purge's 1-s retention
  }
  // What came before has reached the statistics (table_stats.h).
  absl::SleepFor(absl::Seconds(o.stats_settle_seconds));
  const int64_t sent_before =
      Scalar(c, absl::StrCat("SELECT count(*) FROM ", t.schema, ".rt_events WHERE status = 2"));
  const TableStats stats_before = Snapshot(c, t.schema);
  const int64_t timed_before = Scalar(c, "SELECT checkpoints_timed FROM pg_stat_bgwriter");
  const int64_t forced_before = Scalar(c, "SELECT checkpoints_req FROM pg_stat_bgwriter");
  const size_t mails_before = t.mails();
  std::printf("(s) sustained push at %d events/s, %s, %d streams of %d:\n", o.rate,
              o.events > 0 ? absl::StrCat(o.events, " events").c_str()
                           : absl::StrCat(o.seconds, " s").c_str(),
              o.streams, o.batch);
  std::fflush(stdout);

  const absl::Time until =
      o.events > 0 ? absl::InfiniteFuture() : absl::Now() + absl::Seconds(o.seconds);
  Pusher push(PushTargetOf(t), {.streams = o.streams,
                                .batch = o.batch,
                                .rate = o.rate,
                                .events = o.events,
                                .until = until,
                                .first_n = 2000000000LL});
  const absl::Time start = push.start();
  // Events that reached Sent since the start (everything before was drained).
  auto done = [&](pqxx::connection& conn) { return push.acked() - Unfinished(conn, t.schema); };

  PurgeRun purge;
  std::thread purger;
  if (o.purge_events > 0) {
    purger = std::thread([&] {
      absl::SleepFor(start + absl::Seconds(o.purge_after_seconds) - absl::Now());
      pqxx::connection pc(t.dsn);
      auto stub = v1::InstanceService::NewStub(Channel(t));
      v1::PurgeRequest req;
      req.set_retention_seconds(1);
      purge.pushed_at_start = push.acked();
      purge.done_at_start = done(pc);
      purge.database_before = Scalar(pc, "SELECT pg_database_size(current_database())");
      purge.start = absl::Now();
      purge.started = true;
      grpc::Status s = stub->Purge(Ctx(t).get(), req, &purge.response);
      purge.end = absl::Now();
      purge.database_after = Scalar(pc, "SELECT pg_database_size(current_database())");
      purge.pushed_at_end = push.acked();
      purge.done_at_end = done(pc);
      purge.ok = s.ok();
      purge.finished = true;
      if (!s.ok()) std::fprintf(stderr, "Purge: %s\n", s.error_message().c_str());
    });
  }

  // Windows of 10 s until the push stopped and everything pushed reached Sent.
  struct Window {
    double seconds;
    int64_t pushed, sent;
    bool full, pushing, purging;
  };
  std::vector<Window> windows;
  int64_t last_pushed = 0, last_done = 0;
  absl::Time last = start;
  size_t last_mails = t.mails();
  absl::Time last_progress = start;
  bool pushing = true, drained = false;
  while (!drained) {
    const absl::Time next = last + kWindow;
    while (absl::Now() < next) {
      absl::SleepFor(std::min(absl::Milliseconds(100), next - absl::Now()));
      if (pushing && push.acked() + push.failed() >= o.events && o.events > 0) break;
      if (pushing && absl::Now() >= until) break;
      if (!pushing && Unfinished(c, t.schema) == 0) break;
    }
    const absl::Time now = absl::Now();
    const int64_t pushed = push.acked(), d = done(c);
    const bool full = now - last >= kWindow - absl::Milliseconds(1);
    const bool purging = purge.started && (!purge.finished || purge.end > last);
    windows.push_back({absl::ToDoubleSeconds(now - last), pushed - last_pushed, d - last_done,
                       full && pushing, pushing, purging});
    const Window& w = windows.back();
    std::printf("  [%5.0f s] pushed %7.0f/s  Sent %7.0f/s  backlog %7lld%s%s\n",
                absl::ToDoubleSeconds(now - start), w.pushed / w.seconds, w.sent / w.seconds,
                static_cast<long long>(pushed - d),
                !w.pushing ? "  (draining)"
                : w.full   ? ""
                           : "  (partial window)",
                w.purging ? "  (purge running)" : "");
    std::fflush(stdout);
    last = now;
    last_pushed = pushed;
    last_done = d;
    if (pushing && ((o.events > 0 && pushed + push.failed() >= o.events) || now >= until)) {
      push.Join();
      pushing = false;
    }
    if (!pushing) drained = pushed - d <= 0;
    if (size_t m = t.mails(); m != last_mails) {
      last_mails = m;
      last_progress = now;
    }
    if (!drained && now - last_progress > absl::Seconds(60)) break;
  }
  push.Join();
  if (purger.joinable()) purger.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t events = push.acked();

  double worst = -1, sum_rate = 0;
  int n_full = 0;
  double quiet_sent = 0, quiet_seconds = 0;
  for (const Window& w : windows) {
    if (!w.full) continue;
    const double r = w.sent / w.seconds;
    worst = worst < 0 ? r : std::min(worst, r);
    sum_rate += r;
    ++n_full;
    if (!w.purging) {
      quiet_sent += w.sent;
      quiet_seconds += w.seconds;
    }
  }
  std::printf("(s) %lld events pushed -> Sent in %.1f s: mean %.0f events/s; ",
              static_cast<long long>(events), seconds, events / seconds);
  if (n_full > 0 && sum_rate > 0) {
    std::printf("worst full 10-s window %.0f events/s (%.2f x the mean of the %d full windows)\n",
                worst, worst / (sum_rate / n_full), n_full);
  } else {
    std::printf("no full 10-s window\n");
  }
  if (o.purge_events > 0 && purge.ok) {
    const double during = (purge.done_at_end - purge.done_at_start) /
                          std::max(1e-9, absl::ToDoubleSeconds(purge.end - purge.start));
    const double pushed_during = (purge.pushed_at_end - purge.pushed_at_start) /
                                 std::max(1e-9, absl::ToDoubleSeconds(purge.end - purge.start));
    const double quiet = quiet_seconds > 0 ? quiet_sent / quiet_seconds : 0;
    std::printf(
        "(s) purge of %lld archived events + %lld logs: %.2f s; while it ran: pushed %.0f/s, "
        "Sent %.0f/s (%.2f x the %.0f/s of the full windows without it)\n",
        static_cast<long long>(purge.response.events_deleted()),
        static_cast<long long>(purge.response.delivery_logs_deleted()),
        absl::ToDoubleSeconds(purge.end - purge.start), pushed_during, during,
        quiet > 0 ? during / quiet : 0.0, quiet);
    std::printf("(s) database size around the purge: %.1f MB before, %.1f MB after\n",
                purge.database_before / 1048576.0, purge.database_after / 1048576.0);
  }

  absl::SleepFor(absl::Seconds(o.stats_settle_seconds));
  const TableStats stats_after = Snapshot(c, t.schema);
  std::printf("(s) checkpoints during the run: %lld by time, %lld forced by WAL volume\n",
              static_cast<long long>(Scalar(c, "SELECT checkpoints_timed FROM pg_stat_bgwriter") -
                                     timed_before),
              static_cast<long long>(Scalar(c, "SELECT checkpoints_req FROM pg_stat_bgwriter") -
                                     forced_before));
  std::printf("(s) row versions per event over the run (n_tup_* / %lld), at the end:\n",
              static_cast<long long>(events));
  PrintRowVersions(stats_before, stats_after, events,
                   Scalar(c, "SELECT pg_database_size(current_database())"));

  std::printf("(s) the bench's own peak RSS: %lld MB\n",
              static_cast<long long>(PeakRssKb() / 1024));
  const int64_t deleted = o.purge_events > 0 ? purge.response.events_deleted() : 0;
  const int64_t sent =
      Scalar(c, absl::StrCat("SELECT count(*) FROM ", t.schema, ".rt_events WHERE status = 2"));
  const size_t mails = t.mails() - mails_before;
  if (push.failed() != 0 || sent != sent_before - deleted + events ||
      mails != static_cast<size_t>(events) || (o.events > 0 && events != o.events)) {
    std::printf("COUNT MISMATCH: %lld pushed (%lld failed), %lld Sent, %zu mails\n",
                static_cast<long long>(events), static_cast<long long>(push.failed()),
                static_cast<long long>(sent - sent_before + deleted), mails);
    ok = false;
  }
  if (o.purge_events > 0 && (!purge.ok || purge.response.events_deleted() != archived.events ||
                             purge.response.delivery_logs_deleted() != archived.logs)) {
    std::printf(
        "COUNT MISMATCH: the purge deleted %lld events + %lld logs of %lld + %lld archived\n",
        static_cast<long long>(purge.response.events_deleted()),
        static_cast<long long>(purge.response.delivery_logs_deleted()),
        static_cast<long long>(archived.events), static_cast<long long>(archived.logs));
    ok = false;
  }
  std::fflush(stdout);
  return ok;
}

}  // namespace mc::bench
