// End-to-end delivery benchmark (issue: workflows and delivery). In one run, on one throwaway
// PostgreSQL with durable commits:
//  (a) events/s from PushEvents (real-time queue, --streams streams of --batch) to status Sent,
//      through the real service, its workflows and a real SMTP server on loopback (the bench's
//      own sink: it accepts, counts and discards; the count must match);
//  (b) PostgreSQL's ceiling for the same claim / delivery-log / status statements, run
//      straight by the bench (ProcessingRepository, the service's own SQL) on preloaded events
//      of an identical schema, two lanes at once as in the service;
//  (w) status webhooks (bench/webhook_phase.h): (a') = (a) with a subscription for every final
//      status, ending when every event's webhook reached the bench's receiver (which checks
//      every signature), against (a) measured alongside, rounds alternating; then the latency
//      from each status change to its webhook at --webhook_rate; duplicates, signature failures;
//  (v) signed VERP return paths (bench/verp_phase.h): (a) on a service with --bounce_domain and
//      its bounce listener against (a) on one without, rounds alternating: every ratio, its
//      median and spread;
//  (t) templates (bench/template_phase.h): (a) with a code template (a loop over 10 items, a
//      condition, two formatted values) against an expression-only one, rounds alternating;
//  (c) real-time latency from PushEvent to the message handed to the SMTP server, at
//      --rate events/s for --latency_seconds: p50 and p99;
//  (s) sustained volume (bench/sustained_phase.h): a steady push at --sustained_rate for
//      --sustained_seconds or --sustained_events, the rate every 10 s, the worst window, row
//      versions per event, dead tuples and sizes; with --purge_events, the rate while a purge
//      of an earlier, archived batch runs.
// Exit code 1 when a count does not match.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bulk_push.h"
#include "bench/sustained_phase.h"
#include "bench/template_phase.h"
#include "bench/verp_phase.h"
#include "bench/webhook_phase.h"
#include "common/config/flag_set.h"
#include "common/log/logger.h"
#include "common/pg/migrator.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "common/sinks/smtp_sink.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/processing_repository.h"
#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"

namespace {
namespace v1 = messagecenter::v1;
namespace ex = mc::execution;
constexpr char kToken[] = "bench-token-0123456789abcdef";  // admin
constexpr char kControlToken[] = "bench-control-token-0123456789";

struct Options {
  int events = 50000;
  int batch = 500;
  int streams = 4;
  int rate = 5000;
  int latency_seconds = 10;
  std::string phases = "abcwvt";
  int partition_period_seconds = 86400;
  mc::bench::SustainedOptions sustained;
  mc::bench::WebhookPhaseOptions webhooks;
  mc::bench::VerpPhaseOptions verp;
  mc::bench::TemplatePhaseOptions templates;
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", std::string("Bearer ") + kToken);
  return c;
}

v1::Event MakeEvent(int64_t n) {
  v1::Event e;
  e.set_type("ORDER_SHIPPED");
  e.set_email(absl::StrCat("user", n, "@example.com"));
  auto& f = *e.mutable_ctx()->mutable_fields();
  f["name"].set_string_value("Jane");
  f["order"].mutable_struct_value()->mutable_fields()->operator[]("id").set_string_value(
      absl::StrCat("A-", n));
  return e;
}

int64_t Scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  return tx.exec(sql)[0][0].as<int64_t>();
}

// Event id from "Message-ID: <ev-rt-<id>@...>".
int64_t EventIdOf(const std::string& data) {
  size_t at = data.find("Message-ID: <ev-rt-");
  if (at == std::string::npos) return 0;
  at += 19;
  int64_t id = 0;
  (void)absl::SimpleAtoi(data.substr(at, data.find('@', at) - at), &id);
  return id;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  // Debian's Abseil checks every mutex acquisition for lock-order cycles (a debugging aid);
  // gRPC locks on every call, so it shows in profiles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  mc::config::FlagSet flags("delivery_bench: push -> Sent through the workflows, vs PostgreSQL");
  flags.Int("events", &o.events, "events for (a) and (b)");
  flags.Int("batch", &o.batch, "events per PushEvents call in (a)");
  flags.Int("streams", &o.streams, "client streams in (a)");
  flags.Int("rate", &o.rate, "events/s pushed one by one in (c)");
  flags.Int("latency_seconds", &o.latency_seconds, "duration of (c)");
  flags.String("phases", &o.phases, "which of a, b, c, s, t, v, w to run");
  flags.Int("template_rounds", &o.templates.rounds,
            "(t): rounds of one measurement of --events per template (expression, code)");
  flags.Int("verp_rounds", &o.verp.rounds,
            "(v): rounds of one measurement of --events on each service (plain, verp)");
  flags.Int("sustained_rate", &o.sustained.rate, "events/s pushed in (s)");
  flags.Int("sustained_seconds", &o.sustained.seconds, "duration of (s)");
  flags.Int("sustained_events", &o.sustained.events,
            "events of (s), instead of --sustained_seconds (0: by duration)");
  flags.Int("purge_events", &o.sustained.purge_events,
            "(s): events pushed and archived before the run, purged during it (0: no purge)");
  flags.Int("purge_after_seconds", &o.sustained.purge_after_seconds,
            "(s): when the purge starts, from the start of the run");
  flags.Int("partition_period_seconds", &o.partition_period_seconds,
            "the service's storage period (its --partition_period_seconds): a new partition "
            "this often, also during the run");
  flags.Int("stats_settle_seconds", &o.sustained.stats_settle_seconds,
            "(s): wait before each pg_stat_user_tables snapshot, for the backends to flush them");
  flags.Int("webhook_rounds", &o.webhooks.rounds,
            "(w): rounds of one (a) and one (a') measurement of --events each (0: only the "
            "paced latency run)");
  flags.Int("webhook_max_batch", &o.webhooks.max_batch,
            "(w): the subscription's max_batch (webhooks per POST, 1 to 500)");
  flags.Int("webhook_rate", &o.webhooks.rate, "(w): events/s of the paced latency run");
  flags.Int("webhook_seconds", &o.webhooks.seconds, "(w): duration of the paced latency run");
  flags.Int("webhook_paced_batch", &o.webhooks.paced_batch,
            "(w): events per PushEvents call in the paced latency run");
  if (auto s = flags.Parse(argc, argv); !s.ok() || flags.help_requested()) {
    std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
    return s.ok() ? 0 : 2;
  }
  o.events -= o.events % (o.streams * o.batch);
  if (o.events <= 0 || o.rate <= 0) {
    std::cerr << "--events must be at least --streams x --batch, --rate positive\n";
    return 2;
  }
  o.sustained.streams = o.streams;
  o.sustained.batch = o.batch;
  o.webhooks.events = o.events;
  o.webhooks.streams = o.streams;
  o.webhooks.batch = o.batch;
  o.verp.events = o.events;
  o.verp.streams = o.streams;
  o.verp.batch = o.batch;
  o.templates.events = o.events;
  o.templates.streams = o.streams;
  o.templates.batch = o.batch;
  if (o.templates.rounds < 1) {
    std::cerr << "--template_rounds must be at least 1\n";
    return 2;
  }
  if (o.verp.rounds < 1) {
    std::cerr << "--verp_rounds must be at least 1\n";
    return 2;
  }
  if (o.webhooks.rounds < 0 || o.webhooks.max_batch < 1 || o.webhooks.max_batch > 500 ||
      o.webhooks.rate < 1 || o.webhooks.seconds < 1 || o.webhooks.paced_batch < 1) {
    std::cerr << "--webhook_rate, --webhook_seconds and --webhook_paced_batch must be positive, "
                 "--webhook_rounds not negative, --webhook_max_batch 1 to 500\n";
    return 2;
  }
  if (o.sustained.rate <= 0 || o.sustained.seconds <= 0 || o.sustained.events < 0 ||
      o.sustained.purge_events < 0 || o.sustained.purge_after_seconds < 0 ||
      o.sustained.stats_settle_seconds < 0 || o.partition_period_seconds < 1) {
    std::cerr << "--sustained_rate and --sustained_seconds must be positive, --sustained_events, "
                 "--purge_events, --purge_after_seconds and --stats_settle_seconds not negative, "
                 "--partition_period_seconds at least 1\n";
    return 2;
  }
  // Only (c) reads the arrival times: a long (s) run keeps no per-mail state.
  const bool track_latency = o.phases.find('c') != std::string::npos;

  // Latency bookkeeping: when each rt event was pushed and when its mail arrived.
  std::mutex mu;
  std::map<int64_t, absl::Time> received;
  std::atomic<size_t> verp_mails{0};  // (v): mails whose return path is on the bounce domain
  const std::string verp_suffix = std::string("@") + mc::bench::kBenchBounceDomain;
  auto smtp = mc::sinks::SmtpSink::Start(
      {.keep_in_memory = false, .on_message = [&](const mc::sinks::ReceivedMail& m) {
         if (m.from.size() > verp_suffix.size() &&
             m.from.compare(m.from.size() - verp_suffix.size(), verp_suffix.size(), verp_suffix) ==
                 0) {
           verp_mails.fetch_add(1);
         }
         if (!track_latency) return;
         absl::Time now = absl::Now();
         int64_t id = EventIdOf(m.data);
         std::lock_guard<std::mutex> lock(mu);
         received.emplace(id, now);
       }});
  auto pg = mc::pgcluster::TempPostgres::Start({.durable = true});
  if (!smtp.ok() || !pg.ok()) {
    std::cerr << "cannot start the SMTP sink or PostgreSQL\n";
    return 1;
  }
  const std::string dsn = (*pg)->Dsn();
  // Every service of the bench runs with these flags (and a --schema of its own).
  const std::vector<std::string> service_args = {
      "serve",
      "--listen=127.0.0.1:0",
      "--pg_dsn=" + dsn,
      absl::StrCat("--auth_tokens=", kToken, ",control:", kControlToken),
      "--log_level=warn",
      "--start_workflows",
      "--webhook_allow_private_networks",
      "--webhook_allow_http",
      "--smtp_url=" + (*smtp)->url(),
      "--smtp_concurrency=8",
      "--pg_pool_size=12",
      absl::StrCat("--partition_period_seconds=", o.partition_period_seconds)};
  std::vector<std::string> main_args = service_args;
  main_args.push_back("--schema=bench_svc");
  auto service = mc::process::ServiceProcess::Start(MC_EXECUTION_SERVICE_BIN, main_args,
                                                    (*pg)->data_dir() + "/execution.log");
  if (!service.ok()) {
    std::cerr << service.status() << "\n";
    return 1;
  }
  // The template, published on a service at `address`.
  auto publish = [](const std::string& address) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    auto templates = v1::TemplateService::NewStub(channel);
    v1::PublishTemplateRequest req;
    v1::Template* t = req.mutable_template_();
    t->set_internal_name("orderShipped");
    t->set_event_type("ORDER_SHIPPED");
    t->set_channel(v1::CHANNEL_EMAIL);
    t->set_version(1);
    t->set_subject("Order <%= rtEvent.ctx.order.id %> shipped");
    t->set_html_body("<p>Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %></p>");
    t->set_text_body("Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %>");
    v1::PublishTemplateResponse resp;
    grpc::Status s = templates->PublishTemplate(Ctx().get(), req, &resp);
    if (!s.ok()) std::cerr << "publish: " << s.error_message() << "\n";
    return s.ok();
  };
  if (!publish(service->address())) return 1;
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel =
      grpc::CreateCustomChannel(service->address(), grpc::InsecureChannelCredentials(), args);
  std::printf("delivery_bench: PostgreSQL fsync=on; SMTP sink on loopback; %d events\n", o.events);
  bool counts_ok = true;
  double rate_a = 0, rate_b = 0;  // events/s of (a) and (b), for their ratio

  if (o.phases.find('a') != std::string::npos) {
    const mc::bench::BulkPush load =
        mc::bench::BuildBulkPush(MakeEvent, o.events, o.streams, o.batch, 0);
    const size_t mails_before = (*smtp)->accepted();
    const mc::bench::BulkPushResult pushed = mc::bench::PushBulk(service->address(), kToken, load);
    (void)mc::bench::WaitAllSent(dsn, "bench_svc", [&] { return (*smtp)->accepted(); });
    const absl::Time start = pushed.start;
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const int64_t sent = mc::bench::CountSent(dsn, "bench_svc");
    const size_t mails = (*smtp)->accepted() - mails_before;
    std::printf(
        "(a) PushEvents -> Sent: %d events in %.2f s: %.0f events/s (pushing took %.2f s; "
        "SMTP sink received %zu)\n",
        o.events, seconds, o.events / seconds, absl::ToDoubleSeconds(pushed.pushed - start), mails);
    rate_a = o.events / seconds;
    if (sent != o.events || mails != static_cast<size_t>(o.events)) {
      std::printf("COUNT MISMATCH: %lld Sent, %zu mails, expected %d\n",
                  static_cast<long long>(sent), mails, o.events);
      counts_ok = false;
    }
    std::fflush(stdout);
  }

  if (o.phases.find('w') != std::string::npos) {
    const mc::bench::WebhookPhaseTarget target{.address = service->address(),
                                               .token = kToken,
                                               .control_token = kControlToken,
                                               .dsn = dsn,
                                               .schema = "bench_svc",
                                               .mails = [&] { return (*smtp)->accepted(); },
                                               .make_event = MakeEvent};
    if (!mc::bench::RunWebhookPhase(target, o.webhooks)) counts_ok = false;
  }

  if (o.phases.find('v') != std::string::npos) {
    const mc::bench::VerpPhaseTarget target{.binary = MC_EXECUTION_SERVICE_BIN,
                                            .service_args = service_args,
                                            .token = kToken,
                                            .dsn = dsn,
                                            .log_dir = (*pg)->data_dir(),
                                            .mails = [&] { return (*smtp)->accepted(); },
                                            .verp_mails = [&] { return verp_mails.load(); },
                                            .make_event = MakeEvent,
                                            .publish = publish};
    if (!mc::bench::RunVerpPhase(target, o.verp)) counts_ok = false;
  }

  if (o.phases.find('t') != std::string::npos) {
    const mc::bench::TemplatePhaseTarget target{.address = service->address(),
                                                .token = kToken,
                                                .dsn = dsn,
                                                .schema = "bench_svc",
                                                .mails = [&] { return (*smtp)->accepted(); }};
    if (!mc::bench::RunTemplatePhase(target, o.templates)) counts_ok = false;
  }

  if (o.phases.find('b') != std::string::npos) {
    // The same statements, run straight: claim + route, delivery logs, status copy.
    if (auto s = mc::pg::Migrate(dsn, "bench_raw", ex::Migrations()); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    mc::pg::ConnectionPool pool({.dsn = dsn,
                                 .schema = "bench_raw",
                                 .size = 6,
                                 .session_settings = ex::ProcessingRepository::SessionSettings()});
    ex::EventRepository events(pool);
    ex::ProcessingRepository processing(pool);
    {
      pqxx::connection c(dsn);
      pqxx::work tx(c);
      tx.exec(
          "INSERT INTO bench_raw.workflows SELECT * FROM bench_svc.workflows "
          "ON CONFLICT DO NOTHING");
      tx.exec("INSERT INTO bench_raw.templates SELECT * FROM bench_svc.templates");
      tx.commit();
    }
    std::vector<ex::NewEvent> rows;
    for (int i = 0; i < o.events; ++i) {
      ex::NewEvent e;
      e.type = "ORDER_SHIPPED";
      e.email = absl::StrCat("user", i, "@example.com");
      e.ctx_json = absl::StrCat(R"({"name":"Jane","order":{"id":"A-)", i, R"("}})");
      rows.push_back(std::move(e));
      if (rows.size() == 5000 || i + 1 == o.events) {
        (void)events.InsertBatch(ex::Queue::kRealTime, rows);
        (void)events.InsertBatch(ex::Queue::kBatch, rows);
        rows.clear();
      }
    }
    std::atomic<int64_t> done{0};
    absl::Time start = absl::Now();
    std::vector<std::thread> lanes;
    for (ex::Queue q : {ex::Queue::kRealTime, ex::Queue::kBatch}) {
      lanes.emplace_back([&, q] {
        for (;;) {
          auto routed = processing.ClaimAndRoute(q, 500, absl::Seconds(60));
          if (!routed.ok() || routed->to_deliver.empty()) break;
          std::vector<ex::DeliveryRecord> records;
          for (const auto& item : routed->to_deliver) {
            records.push_back({item.id, 0, item.event.email, item.template_id,
                               item.template_version, ex::EventStatus::kSent, "", "", 1,
                               absl::StrCat("<ev-", item.id, "@bench>")});
          }
          if (!processing.RecordOutcomes(q, records, {}, {}).ok()) break;
          done += static_cast<int64_t>(records.size());
        }
      });
    }
    lanes.emplace_back([&] {
      for (;;) {
        // Read before applying: logs committed during an apply call are seen by the next one.
        const bool all_recorded = done == 2 * o.events;
        auto n = processing.ApplyDeliveryStatuses(2000);
        if (!n.ok()) break;
        if (*n == 0 && all_recorded) break;
      }
    });
    for (auto& t : lanes) t.join();
    double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    int64_t sent = Scalar(dsn,
                          "SELECT (SELECT count(*) FROM bench_raw.rt_events WHERE status = 2) + "
                          "(SELECT count(*) FROM bench_raw.batch_events WHERE status = 2)");
    std::printf("(b) PostgreSQL ceiling, same statements run straight (2 lanes): %.0f events/s\n",
                2.0 * o.events / seconds);
    rate_b = 2.0 * o.events / seconds;
    if (rate_a > 0) std::printf("ratio (a)/(b): %.2f (goal >= 0.5)\n", rate_a / rate_b);
    if (sent != 2LL * o.events) {
      std::printf("COUNT MISMATCH: %lld Sent, expected %d\n", static_cast<long long>(sent),
                  2 * o.events);
      counts_ok = false;
    }
    std::fflush(stdout);
  }

  if (o.phases.find('c') != std::string::npos) {
    if (o.phases.find_first_of("abw") != std::string::npos) {
      // What (a), (w) and (b) left to clean up and write out (autovacuum of their updated
      // rows, a checkpoint of their pages) is done now, not during (c)'s measurement.
      mc::bench::SettleDatabase(dsn);
    }
    // Paced single-event pushes; latency = mail received - push sent.
    auto stub = v1::EventService::NewStub(channel);
    std::map<int64_t, absl::Time> pushed_at;
    std::mutex pushed_mu;
    const int total = o.rate * o.latency_seconds;
    std::latch all_done(total);
    struct Call {
      grpc::ClientContext ctx;
      v1::PushEventRequest req;
      v1::PushEventResponse resp;
      absl::Time sent;
    };
    const absl::Duration period = absl::Seconds(1) / o.rate;
    const absl::Time start = absl::Now();
    for (int i = 0; i < total; ++i) {
      // Paced in ticks of about a millisecond (what is due within it goes at once): a sleep per
      // event would cost the shared cores a wake-up every 200 us at 5,000/s. Each call's latency
      // counts from its own send.
      absl::Time due = start + period * i;
      absl::Time now = absl::Now();
      if (due > now + absl::Milliseconds(1)) {
        std::this_thread::sleep_for(absl::ToChronoNanoseconds(due - now));
      }
      auto* call = new Call();
      call->ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
      call->req.set_queue(v1::QUEUE_REAL_TIME);
      *call->req.mutable_event() = MakeEvent(1000000000LL + i);
      call->sent = absl::Now();
      stub->async()->PushEvent(&call->ctx, &call->req, &call->resp,
                               [call, &pushed_at, &pushed_mu, &all_done](grpc::Status s) {
                                 if (s.ok()) {
                                   std::lock_guard<std::mutex> lock(pushed_mu);
                                   pushed_at.emplace(call->resp.id(), call->sent);
                                 }
                                 delete call;
                                 all_done.count_down();
                               });
    }
    all_done.wait();
    const double push_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const absl::Time wait_until = absl::Now() + absl::Seconds(60);
    std::vector<double> latencies_ms;
    while (absl::Now() < wait_until) {
      latencies_ms.clear();
      {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& [id, t] : pushed_at) {
          auto it = received.find(id);
          if (it != received.end())
            latencies_ms.push_back(absl::ToDoubleMilliseconds(it->second - t));
        }
      }
      if (latencies_ms.size() >= pushed_at.size()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf(
        "(c) real-time latency at %d events/s (achieved %.0f/s) for %d s, push -> SMTP: "
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu of %zu delivered)\n",
        o.rate, total / push_seconds, o.latency_seconds, Percentile(latencies_ms, 0.5),
        Percentile(latencies_ms, 0.99), Percentile(latencies_ms, 1.0), latencies_ms.size(),
        pushed_at.size());
    if (latencies_ms.size() != static_cast<size_t>(total)) counts_ok = false;
  }

  if (o.phases.find('s') != std::string::npos) {
    if (o.phases.find_first_of("abcw") != std::string::npos) {
      // As before (c): what the earlier phases left to vacuum and write out is not measured.
      mc::bench::SettleDatabase(dsn);
    }
    const mc::bench::SustainedTarget target{.address = service->address(),
                                            .token = kToken,
                                            .dsn = dsn,
                                            .schema = "bench_svc",
                                            .mails = [&] { return (*smtp)->accepted(); },
                                            .make_event = MakeEvent};
    if (!mc::bench::RunSustained(target, o.sustained)) counts_ok = false;
  }
  service->Terminate();
  return counts_ok ? 0 : 1;
}
