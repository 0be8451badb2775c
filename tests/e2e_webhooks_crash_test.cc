// End to end: status webhooks through crashes. 20 000 events (every final status among them)
// with a subscription to the final statuses and a WebhookSink receiver; (i) the execution
// instance is killed with SIGKILL while webhooks flow and started again, (ii) separately,
// PostgreSQL is crashed and restarted while they flow. Afterwards every final status has been
// delivered at least once (the receiver drops duplicates by webhook-id: as many distinct ids as
// events, exactly), each signed validly (this test's own HMAC) and saying the event's final
// status, none for the events scheduled far ahead (their status never changed), and the outbox
// is drained with nothing given up.
#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/numbered_mail.h"
#include "tests/support/webhook_check.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
using sinks::WebhookSink;

constexpr int kEvents = 20000;   // each reaches a final status
constexpr int kScheduled = 200;  // scheduled a day ahead: never change while the test runs
constexpr int kBatch = 1000;

using EventKey = std::pair<int, int64_t>;  // (v1::Queue, id)

struct Db {
  std::string dsn, schema;
  int64_t Scalar(const std::string& sql) const {
    pqxx::connection c(dsn);
    pqxx::work tx(c);
    tx.exec("SET search_path TO " + schema);
    return tx.exec(sql)[0][0].as<int64_t>();
  }
  // Every event's status, by (queue, id).
  std::map<EventKey, int> Statuses() const {
    pqxx::connection c(dsn);
    pqxx::work tx(c);
    tx.exec("SET search_path TO " + schema);
    std::map<EventKey, int> out;
    for (const auto& row : tx.exec(absl::StrCat(
             "SELECT ", v1::QUEUE_REAL_TIME, ", id, status FROM rt_events UNION ALL SELECT ",
             v1::QUEUE_BATCH, ", id, status FROM batch_events"))) {
      out[{row[0].as<int>(), row[1].as<int64_t>()}] = row[2].as<int>();
    }
    return out;
  }
};

v1::Template Mail() { return NumberedMailTemplate("crashMail", "CRASH", "Message"); }

// Event i of the run: mostly sent; every hundredth a hard bounce (then ignored, its address in
// quarantine), one not taken into account (no template), one expired before it was taken up.
v1::Event EventNumber(int i, const std::string& run) {
  v1::Event e;
  e.set_type(i % 100 == 2 ? "CRASH_NONE" : "CRASH");
  e.set_email(i % 100 == 1 ? absl::StrCat("bounce-", (i / 100) % 10, "@example.com")
                           : absl::StrCat("user", i, "@example.com"));
  e.set_external_id(absl::StrCat(run, "-", i));
  if (i % 100 == 3) e.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  (*e.mutable_ctx()->mutable_fields())["n"].set_number_value(i);
  return e;
}

// The scheduled events first, then kEvents in batches, alternately real-time and batch.
std::set<EventKey> PushAll(ExecClient& client, const std::string& run) {
  std::set<EventKey> scheduled;
  {
    v1::PushEventsRequest req;
    req.set_queue(v1::QUEUE_REAL_TIME);
    for (int i = 0; i < kScheduled; ++i) {
      v1::Event* e = req.add_events();
      e->set_type("CRASH");
      e->set_email(absl::StrCat("later", i, "@example.com"));
      e->set_external_id(absl::StrCat(run, "-later-", i));
      e->mutable_scheduled()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
    }
    v1::PushEventsResponse resp;
    REQUIRE(client.events().PushEvents(Context().get(), req, &resp).ok());
    REQUIRE(resp.accepted() == kScheduled);
    for (const auto& r : resp.results()) scheduled.insert({v1::QUEUE_REAL_TIME, r.id()});
  }
  for (int start = 0; start < kEvents; start += kBatch) {
    v1::PushEventsRequest req;
    req.set_queue((start / kBatch) % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME);
    for (int i = start; i < start + kBatch; ++i) *req.add_events() = EventNumber(i, run);
    v1::PushEventsResponse resp;
    REQUIRE(client.events().PushEvents(Context().get(), req, &resp).ok());
    REQUIRE(resp.accepted() == kBatch);
  }
  return scheduled;
}

std::vector<std::string> Flags(const sinks::SmtpSink& smtp) {
  return {"--smtp_url=" + smtp.url(),         "--start_workflows",
          "--message_id_domain=mc.test",      "--lease_seconds=3",
          "--processing_batch=500",           "--batch_poll_ms=100",
          "--webhook_allow_private_networks", "--webhook_allow_http",
          "--webhook_retry_base_ms=200",      "--webhook_retry_cap_ms=2000",
          "--webhook_lease_seconds=5"};
}

void Subscribe(const std::string& address, const WebhookSink& receiver, const TestSecret& secret) {
  WebhookClient hooks(address);
  // Every final status of every event type (the default).
  REQUIRE(hooks.Put(Subscription("crash", receiver.url("/crash"), {}, {{secret.value, {}}})).ok());
}

// Waits until every event but the scheduled ones is final and the outbox holds nothing queued.
// Returns how long that took.
absl::Duration WaitDrained(const Db& db) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Seconds(240);
  int64_t open = -1, queued = -1;
  while (absl::Now() < deadline) {
    try {
      open = db.Scalar(
          "SELECT (SELECT count(*) FROM rt_events WHERE status < 2 AND scheduled_at IS NULL) + "
          "(SELECT count(*) FROM batch_events WHERE status < 2)");
      queued = db.Scalar("SELECT count(*) FROM webhook_outbox WHERE state = 0");
      if (open == 0 && queued == 0) return absl::Now() - start;
    } catch (const std::exception&) {
      // PostgreSQL still recovering: ask again
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  FAIL("not drained after 240 s: " << open << " events not final, " << queued
                                   << " webhooks queued");
  return absl::InfiniteDuration();
}

// Every final status delivered at least once, validly signed, saying the event's status; none
// for the scheduled events; the outbox drained with nothing given up.
void CheckWebhooks(const Db& db, WebhookSink& receiver, const TestSecret& secret,
                   const std::set<EventKey>& scheduled, absl::Duration drain,
                   const std::string& label) {
  const std::map<EventKey, int> statuses = db.Statuses();
  REQUIRE(statuses.size() == static_cast<size_t>(kEvents + kScheduled));
  std::map<int, int> by_status;
  for (const auto& [key, status] : statuses) {
    if (scheduled.count(key)) {
      CHECK(status == v1::EVENT_STATUS_PENDING);
    } else {
      CHECK(status >= v1::EVENT_STATUS_SENT);
      ++by_status[status];
    }
  }
  CHECK(db.Scalar("SELECT count(*) FROM webhook_outbox WHERE state <> 1") == 0);
  CHECK(db.Scalar("SELECT count(*) FROM webhook_outbox") == kEvents);

  const std::vector<WebhookSink::Request> requests = receiver.Requests();
  std::map<std::string, EventKey> event_of;  // webhook-id -> event
  std::map<EventKey, std::set<std::string>> ids_of;
  size_t bad_signatures = 0, unparsable = 0, wrong_status = 0, for_scheduled = 0, unknown = 0;
  size_t inconsistent = 0;
  for (const WebhookSink::Request& r : requests) {
    if (!SignedWith(secret.key, r)) ++bad_signatures;
    std::optional<v1::WebhookPayload> p = ParsePayload(r.body);
    if (!p || p->data().webhook_id() != r.Header("webhook-id")) {
      ++unparsable;
      continue;
    }
    const EventKey key{p->data().queue(), p->data().event_id()};
    auto [it, first] = event_of.emplace(p->data().webhook_id(), key);
    if (it->second != key) ++inconsistent;
    ids_of[key].insert(p->data().webhook_id());
    if (scheduled.count(key)) ++for_scheduled;
    auto st = statuses.find(key);
    if (st == statuses.end()) {
      ++unknown;
    } else if (p->data().status() != st->second || p->type() != "event.status") {
      ++wrong_status;
    }
  }
  const size_t duplicates = requests.size() - event_of.size();
  WARN(label << ": events " << kEvents << " (+" << kScheduled << " scheduled ahead; sent "
             << by_status[2] << ", ignored " << by_status[3] << ", failed " << by_status[4]
             << ", not taken " << by_status[5] << ", expired " << by_status[6]
             << "), webhooks received " << requests.size() << ", distinct " << event_of.size()
             << ", duplicates " << duplicates << ", time to drain " << absl::FormatDuration(drain));
  CHECK(bad_signatures == 0);
  CHECK(unparsable == 0);
  CHECK(inconsistent == 0);
  CHECK(unknown == 0);
  CHECK(for_scheduled == 0);
  CHECK(wrong_status == 0);
  CHECK(event_of.size() == static_cast<size_t>(kEvents));  // distinct ids: one per event
  CHECK(ids_of.size() == static_cast<size_t>(kEvents));    // every event has its webhook
  size_t events_with_two_ids = 0;
  for (const auto& [key, ids] : ids_of) events_with_two_ids += ids.size() > 1;
  CHECK(events_with_two_ids == 0);  // one final status, one webhook-id
  // Every status was reached, so the check above covers each.
  for (int s = v1::EVENT_STATUS_SENT; s <= v1::EVENT_STATUS_EXPIRED; ++s) {
    INFO("status " << s);
    CHECK(by_status[s] > 0);
  }
}

TEST_CASE("an instance killed with SIGKILL while webhooks flow loses none once restarted") {
  auto smtp = *sinks::SmtpSink::Start({.keep_in_memory = false});
  auto receiver = *WebhookSink::Start();
  const TestSecret secret = NewTestSecret();
  const Db db{testing::SharedPostgresDsn(), testing::FreshSchema("webhooks_kill")};
  auto a =
      std::make_unique<process::ServiceProcess>(StartExecution(db.dsn, db.schema, Flags(*smtp)));
  ExecClient client(a->address());
  REQUIRE(client.Publish(Mail()).ok());
  Subscribe(a->address(), *receiver, secret);
  const std::set<EventKey> scheduled = PushAll(client, "kill");

  REQUIRE(receiver->WaitForCount(kEvents / 10, absl::Seconds(120)));
  a->process().Signal(SIGKILL);
  a->process().Wait();
  const int64_t at_kill = receiver->request_count();
  WARN("webhooks received when the instance was killed: " << at_kill);
  CHECK(at_kill < kEvents);

  auto b = StartExecution(db.dsn, db.schema, Flags(*smtp));
  const absl::Duration drain = WaitDrained(db);
  CheckWebhooks(db, *receiver, secret, scheduled, drain, "SIGKILL");
  CHECK(b.Terminate() == 0);
}

TEST_CASE("a PostgreSQL restart while webhooks flow loses none") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  auto smtp = *sinks::SmtpSink::Start({.keep_in_memory = false});
  auto receiver = *WebhookSink::Start();
  const TestSecret secret = NewTestSecret();
  const Db db{(*pg)->Dsn(), "webhooks_pg"};
  auto service = StartExecution(db.dsn, db.schema, Flags(*smtp));
  ExecClient client(service.address());
  REQUIRE(client.Publish(Mail()).ok());
  Subscribe(service.address(), *receiver, secret);
  const std::set<EventKey> scheduled = PushAll(client, "pg");

  REQUIRE(receiver->WaitForCount(kEvents / 10, absl::Seconds(120)));
  REQUIRE((*pg)->Crash().ok());
  const int64_t at_crash = receiver->request_count();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE((*pg)->Restart().ok());
  WARN("webhooks received when PostgreSQL crashed: " << at_crash);
  CHECK(at_crash < kEvents);

  const absl::Duration drain = WaitDrained(db);
  CheckWebhooks(db, *receiver, secret, scheduled, drain, "PostgreSQL restart");
  CHECK(service.Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
