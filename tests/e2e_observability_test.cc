// End to end: observability and lifecycle of both services, with the real binaries, a real
// PostgreSQL, a real SMTP server on loopback and real gRPC and HTTP clients.
//  - gRPC health (grpc.health.v1) turns NOT_SERVING while PostgreSQL is stopped and SERVING
//    when it returns, on the execution and the control instance;
//  - the Prometheus metrics, scraped over HTTP, move by exactly the work done: events
//    received, finished per status, delivery outcomes and latencies, workflow runs, queue
//    lengths; on the control, publications and an archiving run's rows and lag;
//  - SIGTERM in the middle of a delivery run loses nothing: restarted on the same schema, every
//    event ends with one final status, one delivery log and one message;
//  - SIGTERM in the middle of an archiving run: the control exits at once, the run is recorded
//    as cut off, and the next run completes the archive.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/shared_postgres.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/metrics_scrape.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;
namespace health = grpc::health::v1;
using Labels = std::map<std::string, std::string>;

health::HealthCheckResponse::ServingStatus HealthOf(const std::string& address) {
  auto stub = health::Health::NewStub(Channel(address));
  health::HealthCheckResponse resp;
  grpc::Status s = stub->Check(Context("").get(), health::HealthCheckRequest(), &resp);
  return s.ok() ? resp.status() : health::HealthCheckResponse::UNKNOWN;
}

bool WaitForHealth(const std::string& address, health::HealthCheckResponse::ServingStatus want,
                   absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (HealthOf(address) != want) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Scrapes until `done` holds for the text (or the timeout); returns the last scrape.
std::string ScrapeUntil(int port, const std::function<bool(const std::string&)>& done,
                        absl::Duration timeout = absl::Seconds(15)) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string text = Scrape(port);
  while (!done(text) && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    text = Scrape(port);
  }
  return text;
}

v1::Event Email(const std::string& type, const std::string& address,
                const std::string& external_id = "") {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  e.set_external_id(external_id);
  (void)google::protobuf::util::JsonStringToMessage(R"({"name":"Ana"})", e.mutable_ctx());
  return e;
}

// Pushes the events in one PushEvents call; returns their ids (FAIL on error).
std::vector<int64_t> PushAll(ExecClient& client, v1::Queue queue,
                             const std::vector<v1::Event>& events) {
  v1::PushEventsRequest req;
  req.set_queue(queue);
  for (const v1::Event& e : events) *req.add_events() = e;
  v1::PushEventsResponse resp;
  auto ctx = Context();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::Status s = client.events().PushEvents(ctx.get(), req, &resp);
  if (!s.ok()) FAIL("PushEvents: " << s.error_message());
  std::vector<int64_t> ids;
  for (const v1::EventResult& r : resp.results()) {
    if (r.has_rejection()) FAIL("rejected: " << r.rejection().message());
    ids.push_back(r.id());
  }
  return ids;
}

v1::Template EmailTemplate(const std::string& name, const std::string& type) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject("Hello");
  t.set_html_body("<p>Hello <%= rtEvent.ctx.name %></p>");
  t.set_text_body("Hello <%= rtEvent.ctx.name %>");
  return t;
}

int64_t Scalar(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + schema);
  return tx.exec(sql)[0][0].as<int64_t>();
}

TEST_CASE("health turns NOT_SERVING while PostgreSQL is down and SERVING when it returns") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  auto exec = StartExecution((*pg)->Dsn(), "obs_health", {"--health_check_ms=100"});
  auto control = StartControl((*pg)->Dsn(), "obs_health_control",
                              {"--health_check_ms=100", "--noarchiving_scheduler"});
  CHECK(HealthOf(exec.address()) == health::HealthCheckResponse::SERVING);
  CHECK(HealthOf(control.address()) == health::HealthCheckResponse::SERVING);

  REQUIRE((*pg)->Stop().ok());
  CHECK(WaitForHealth(exec.address(), health::HealthCheckResponse::NOT_SERVING, absl::Seconds(20)));
  CHECK(WaitForHealth(control.address(), health::HealthCheckResponse::NOT_SERVING,
                      absl::Seconds(20)));
  // The metrics endpoint does not depend on PostgreSQL.
  CHECK(!Scrape(exec.metrics_port()).empty());
  CHECK(!Scrape(control.metrics_port()).empty());

  REQUIRE((*pg)->Restart().ok());
  CHECK(WaitForHealth(exec.address(), health::HealthCheckResponse::SERVING, absl::Seconds(30)));
  CHECK(WaitForHealth(control.address(), health::HealthCheckResponse::SERVING, absl::Seconds(30)));
  ExecClient client(exec.address());
  CHECK(client.Push(v1::QUEUE_REAL_TIME, Email("AFTER", "after@example.com")) > 0);

  const absl::Time start = absl::Now();
  CHECK(exec.Terminate() == 0);
  CHECK(control.Terminate() == 0);
  CHECK(absl::Now() - start < absl::Seconds(20));
}

TEST_CASE("metrics move with the work on both services") {
  auto smtp = sinks::SmtpSink::Start({});
  REQUIRE(smtp.ok());
  const std::string schema = testing::FreshSchema("obs_metrics");
  auto exec = StartExecution(
      testing::SharedPostgresDsn(), schema,
      {"--smtp_url=" + (*smtp)->url(), "--workflow_refresh_ms=100", "--batch_poll_ms=100",
       "--metrics_sample_ms=200", "--message_id_domain=mc.test"});
  auto control =
      StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("obs_metrics_control"),
                   {"--noarchiving_scheduler", "--metrics_sample_ms=200"});
  REQUIRE(exec.metrics_port() > 0);
  REQUIRE(control.metrics_port() > 0);
  ExecClient client(exec.address());
  ControlClient ctl(control.address());
  REQUIRE(client.StartAllWorkflows().ok());
  ctl.CreateAccount("obs", exec.address(), kToken);
  REQUIRE(ctl.InitializeConnection("obs").ok());

  // Publications through the control: refused (no archiving workflow yet), then ok.
  pb::CreateTemplateRequest create;
  pb::Template* t = create.mutable_template_();
  t->set_internal_name("obsMail");
  t->set_event_type("OBS");
  t->set_channel(v1::CHANNEL_EMAIL);
  t->set_subject("Hello");
  t->set_html_body("<p>Hello <%= rtEvent.ctx.name %></p>");
  t->set_text_body("Hello <%= rtEvent.ctx.name %>");
  pb::Template created;
  REQUIRE(ctl.templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::PublishTemplateRequest publish;
  publish.set_internal_name("obsMail");
  pb::PublishTemplateResponse published;
  CHECK(ctl.templates().PublishTemplate(Context().get(), publish, &published).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  REQUIRE(ctl.CreateArchivingWorkflow("obs").ok());
  REQUIRE(ctl.templates().PublishTemplate(Context().get(), publish, &published).ok());
  std::string ctl_text = Scrape(control.metrics_port());
  CHECK(MetricSum(ctl_text, "mc_publications_total", {{"outcome", "refused"}}) == 1);
  CHECK(MetricSum(ctl_text, "mc_publications_total", {{"outcome", "ok"}}) == 1);
  CHECK(MetricSum(ctl_text, "mc_publications_total", {{"outcome", "error"}}) == 0);

  const std::string before = Scrape(exec.metrics_port());
  REQUIRE(!before.empty());
  auto delta = [&before](const std::string& text, const std::string& name, const Labels& l) {
    return MetricSum(text, name, l) - MetricSum(before, name, l);
  };

  // Queue lengths: with rtEventsProcessing stopped, three events wait as Pending.
  REQUIRE(client.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_STOPPED).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every replica follows
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(client.Push(v1::QUEUE_REAL_TIME, Email("OBS", absl::StrCat("w", i, "@x.test"))));
  }
  const Labels rt_pending = {{"queue", "rt"}, {"status", "pending"}};
  std::string text = ScrapeUntil(exec.metrics_port(), [&](const std::string& s) {
    return MetricSum(s, "mc_queue_events", rt_pending) == 3;
  });
  CHECK(MetricSum(text, "mc_queue_events", rt_pending) == 3);
  REQUIRE(client.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_STARTED).ok());

  // 20 more real-time mails, one without a template, one bouncing; 5 batch mails.
  std::vector<v1::Event> rt, batch;
  for (int i = 0; i < 20; ++i) {
    rt.push_back(Email("OBS", absl::StrCat("user", i, "@x.test"), absl::StrCat("obs-", i)));
  }
  rt.push_back(Email("NO_TEMPLATE", "nobody@x.test"));   // not taken into account
  rt.push_back(Email("OBS", "bounce-obs@example.com"));  // hard bounce: delivery failed
  for (int i = 0; i < 5; ++i) batch.push_back(Email("OBS", absl::StrCat("b", i, "@x.test")));
  for (int64_t id : PushAll(client, v1::QUEUE_REAL_TIME, rt)) ids.push_back(id);
  for (int64_t id : PushAll(client, v1::QUEUE_BATCH, batch)) ids.push_back(id);
  // A duplicate of an external id stores nothing and is not counted.
  PushAll(client, v1::QUEUE_REAL_TIME, {Email("OBS", "user0@x.test", "obs-0")});
  for (int64_t id : ids) REQUIRE(client.WaitFinal(id).status() >= v1::EVENT_STATUS_SENT);

  const Labels rt_sent = {{"queue", "rt"}, {"status", "sent"}};
  text = ScrapeUntil(exec.metrics_port(), [&](const std::string& s) {
    return delta(s, "mc_events_finished_total", rt_sent) >= 23 &&
           delta(s, "mc_events_finished_total", {{"queue", "batch"}, {"status", "sent"}}) >= 5 &&
           delta(s, "mc_events_finished_total", {{"status", "delivery_failed"}}) >= 1 &&
           MetricSum(s, "mc_queue_events", rt_pending) == 0;
  });
  CHECK(delta(text, "mc_events_received_total", {{"queue", "rt"}}) == 25);
  CHECK(delta(text, "mc_events_received_total", {{"queue", "batch"}}) == 5);
  CHECK(delta(text, "mc_events_finished_total", rt_sent) == 23);
  CHECK(delta(text, "mc_events_finished_total", {{"queue", "batch"}, {"status", "sent"}}) == 5);
  CHECK(delta(text, "mc_events_finished_total",
              {{"queue", "rt"}, {"status", "not_taken_into_account"}}) == 1);
  CHECK(delta(text, "mc_events_finished_total", {{"queue", "rt"}, {"status", "delivery_failed"}}) ==
        1);
  CHECK(delta(text, "mc_events_finished_total", {{"status", "expired"}}) == 0);
  CHECK(delta(text, "mc_events_finished_total", {{"status", "ignored"}}) == 0);
  CHECK(delta(text, "mc_delivery_outcomes_total", {{"channel", "email"}, {"outcome", "sent"}}) ==
        28);
  CHECK(delta(text, "mc_delivery_outcomes_total",
              {{"channel", "email"}, {"outcome", "failed_hard"}}) == 1);
  CHECK(delta(text, "mc_delivery_outcomes_total", {{"outcome", "failed_soft"}}) == 0);
  CHECK(delta(text, "mc_delivery_latency_seconds_count", {{"queue", "rt"}}) == 23);
  CHECK(delta(text, "mc_delivery_latency_seconds_count", {{"queue", "batch"}}) == 5);
  CHECK(delta(text, "mc_delivery_latency_seconds_bucket", {{"queue", "rt"}, {"le", "+Inf"}}) == 23);
  CHECK(delta(text, "mc_delivery_latency_seconds_sum", {{"queue", "rt"}}) > 0);
  for (const char* wf : {"rtEventsProcessing", "batchEventsProcessing", "updateEventStatus"}) {
    INFO(wf);
    CHECK(delta(text, "mc_workflow_runs_total", {{"workflow", wf}}) >= 1);
    CHECK(delta(text, "mc_workflow_errors_total", {{"workflow", wf}}) == 0);
  }
  CHECK((*smtp)->accepted() == 28);

  // Archiving on the control: one run, its rows by kind, the account's lag.
  const pb::ArchiveRun run = ctl.RunNow("mcSynch_obs");
  CHECK(run.error().empty());
  CHECK(run.events_copied() == 30);
  CHECK(run.delivery_logs_copied() == 29);
  CHECK(run.quarantine_copied() == 1);
  ctl_text = ScrapeUntil(control.metrics_port(), [](const std::string& s) {
    return HasSeries(s, "mc_archive_lag_seconds", {{"account", "obs"}});
  });
  const Labels obs = {{"account", "obs"}};
  CHECK(MetricSum(ctl_text, "mc_archive_runs_total", obs) == 1);
  CHECK(MetricSum(ctl_text, "mc_archive_run_errors_total", obs) == 0);
  CHECK(MetricSum(ctl_text, "mc_archive_rows_total", {{"account", "obs"}, {"kind", "events"}}) ==
        run.events_copied());
  CHECK(MetricSum(ctl_text, "mc_archive_rows_total",
                  {{"account", "obs"}, {"kind", "delivery_logs"}}) == run.delivery_logs_copied());
  CHECK(MetricSum(ctl_text, "mc_archive_rows_total",
                  {{"account", "obs"}, {"kind", "quarantine"}}) == run.quarantine_copied());
  REQUIRE(HasSeries(ctl_text, "mc_archive_lag_seconds", obs));
  CHECK(MetricSum(ctl_text, "mc_archive_lag_seconds", obs) < 60);

  const absl::Time start = absl::Now();
  CHECK(exec.Terminate() == 0);
  CHECK(control.Terminate() == 0);
  CHECK(absl::Now() - start < absl::Seconds(20));
}

TEST_CASE("SIGTERM while delivering loses nothing: each event one final status, log, message") {
  constexpr int kEvents = 600;
  // A relay slow enough (a few ms per message) that SIGTERM lands in the middle of delivery.
  auto smtp = sinks::SmtpSink::Start({.on_message = [](const sinks::ReceivedMail&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
  }});
  REQUIRE(smtp.ok());
  const std::string schema = testing::FreshSchema("obs_drain");
  const std::vector<std::string> flags = {"--smtp_url=" + (*smtp)->url(),
                                          "--workflow_refresh_ms=100",
                                          "--batch_poll_ms=100",
                                          "--processing_batch=50",
                                          "--lane_workers=1",
                                          "--smtp_concurrency=2",
                                          "--start_workflows",
                                          "--message_id_domain=mc.test"};
  auto exec = StartExecution(testing::SharedPostgresDsn(), schema, flags);
  {
    ExecClient client(exec.address());
    REQUIRE(client.Publish(EmailTemplate("drain", "DRAIN")).ok());
    std::vector<v1::Event> events;
    for (int i = 0; i < kEvents; ++i) {
      events.push_back(Email("DRAIN", absl::StrCat("d", i, "@x.test"), absl::StrCat("d-", i)));
    }
    REQUIRE(PushAll(client, v1::QUEUE_REAL_TIME, events).size() == kEvents);
  }
  REQUIRE((*smtp)->WaitForCount(kEvents / 6, absl::Seconds(30)));
  const size_t at_sigterm = (*smtp)->accepted();
  REQUIRE(at_sigterm < static_cast<size_t>(kEvents));
  const absl::Time start = absl::Now();
  CHECK(exec.Terminate() == 0);
  CHECK(absl::Now() - start < absl::Seconds(20));
  INFO("messages accepted at SIGTERM: " << at_sigterm << ", at exit: " << (*smtp)->accepted());
  // Drained: no event was left claimed without its delivery log (it would wait for its lease).
  CHECK(Scalar(schema,
               "SELECT count(*) FROM rt_events e WHERE status = 1 AND NOT EXISTS (SELECT 1 FROM "
               "delivery_logs l WHERE l.queue = 1 AND l.event_id = e.id)") == 0);
  CHECK(Scalar(schema, "SELECT count(*) FROM rt_events WHERE status = 0") > 0);

  auto again = StartExecution(testing::SharedPostgresDsn(), schema, flags);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Scalar(schema, "SELECT count(*) FROM rt_events WHERE status >= 2") < kEvents &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(Scalar(schema, "SELECT count(*) FROM rt_events") == kEvents);
  CHECK(Scalar(schema, "SELECT count(*) FROM rt_events WHERE status = 2") == kEvents);
  CHECK(Scalar(schema, "SELECT count(*) FROM delivery_logs") == kEvents);
  CHECK(Scalar(schema, "SELECT count(DISTINCT event_id) FROM delivery_logs WHERE queue = 1") ==
        kEvents);
  // Every message went out once: the drain recorded what it had sent, nothing was re-sent.
  std::set<std::string> message_ids;
  size_t mails = 0;
  for (const sinks::ReceivedMail& m : (*smtp)->Messages()) {
    ++mails;
    const size_t at = m.data.find("Message-ID: ");
    if (at != std::string::npos) {
      message_ids.insert(m.data.substr(at, m.data.find("\r\n", at) - at));
    }
  }
  CHECK(mails == static_cast<size_t>(kEvents));
  CHECK(message_ids.size() == static_cast<size_t>(kEvents));
  CHECK(again.Terminate() == 0);
}

TEST_CASE("SIGTERM during an archiving run: the control exits promptly, the next run completes") {
  constexpr int kEvents = 400;
  auto smtp = sinks::SmtpSink::Start({});
  REQUIRE(smtp.ok());
  const std::string exec_schema = testing::FreshSchema("obs_archive_exec");
  auto exec = StartExecution(testing::SharedPostgresDsn(), exec_schema,
                             {"--smtp_url=" + (*smtp)->url(), "--workflow_refresh_ms=100",
                              "--start_workflows", "--message_id_domain=mc.test"});
  ExecClient client(exec.address());
  REQUIRE(client.Publish(EmailTemplate("archived", "ARCHIVED")).ok());
  std::vector<v1::Event> events;
  for (int i = 0; i < kEvents; ++i) {
    events.push_back(Email("ARCHIVED", absl::StrCat("a", i, "@x.test")));
  }
  PushAll(client, v1::QUEUE_REAL_TIME, events);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Scalar(exec_schema, "SELECT count(*) FROM rt_events WHERE status >= 2") < kEvents &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(Scalar(exec_schema, "SELECT count(*) FROM rt_events WHERE status = 2") == kEvents);

  // One event per page, so that the run is still going when SIGTERM comes; no grace period:
  // the run in progress stops at its next page.
  const std::string schema = testing::FreshSchema("obs_archive_control");
  auto control = StartControl(
      testing::SharedPostgresDsn(), schema,
      {"--archive_page_size=1", "--archiving_poll_ms=50", "--shutdown_grace_seconds=0"});
  {
    ControlClient ctl(control.address());
    ctl.CreateAccount("arch", exec.address(), kToken);
    REQUIRE(ctl.InitializeConnection("arch").ok());
    REQUIRE(ctl.CreateArchivingWorkflow("arch").ok());  // due at once: the scheduler runs it
  }
  const absl::Time wait_until = absl::Now() + absl::Seconds(30);
  while (Scalar(schema, "SELECT count(*) FROM archived_events") < 20 && absl::Now() < wait_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const absl::Time start = absl::Now();
  CHECK(control.Terminate() == 0);
  CHECK(absl::Now() - start < absl::Seconds(10));
  const int64_t archived = Scalar(schema, "SELECT count(*) FROM archived_events");
  INFO("archived before the shutdown: " << archived);
  CHECK(archived >= 20);
  CHECK(archived < kEvents);
  CHECK(Scalar(schema,
               "SELECT count(*) FROM archive_runs WHERE ended_at IS NOT NULL AND error LIKE "
               "'%shutting down%'") == 1);

  // The next run (another replica, or this one restarted) resumes from the cursor.
  auto again = StartControl(testing::SharedPostgresDsn(), schema, {"--noarchiving_scheduler"});
  const pb::ArchiveRun run = ControlClient(again.address()).RunNow("mcSynch_arch");
  CHECK(run.error().empty());
  CHECK(Scalar(schema, "SELECT count(*) FROM archived_events") == kEvents);
  CHECK(Scalar(schema, "SELECT count(*) FROM archived_delivery_logs") == kEvents);
  const std::string text = Scrape(again.metrics_port());
  CHECK(MetricSum(text, "mc_archive_runs_total", {{"account", "arch"}}) == 1);
  CHECK(MetricSum(text, "mc_archive_rows_total", {{"account", "arch"}, {"kind", "events"}}) ==
        kEvents - archived);
  CHECK(again.Terminate() == 0);
  CHECK(exec.Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
