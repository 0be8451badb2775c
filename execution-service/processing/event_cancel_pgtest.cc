// CancelEvent's storage and rule against a real PostgreSQL, beside the processing workflows' own
// statements: a Pending event (scheduled or not, either queue, by id or by external id) becomes
// Cancelled with final_xid set (the archive export then reads it) and its webhook queued for a
// subscription that wants status 7, in the same statement; an event a claim took (Pending
// delivery) or a final one is refused naming its status; a claim never takes a Cancelled
// event; a cancel waiting on a claim's row lock sees what the claim committed.
#include <catch2/catch.hpp>
#include <future>
#include <iostream>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("cancel", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository repo{pool};
  log::Logger logger{"test", log::Level::kError, std::cerr};
  GroupCommitter committer{repo, {.writers = 2}, logger};
  EventIngestion ingestion{committer, repo, {}};
  TemplateRepository templates{pool};
  ProcessingRepository processing{workflow_pool};
  ArchiveRepository archive{pool};

  Fixture() {
    REQUIRE(templates
                .Publish({.internal_name = "tpl",
                          .event_type = "SHIP",
                          .channel = 0,
                          .version = 1,
                          .subject = "s",
                          .text_body = "t"})
                .ok());
  }

  int64_t Push(Queue queue, const std::string& external_id = "",
               std::optional<absl::Time> scheduled = std::nullopt) {
    NewEvent e;
    e.type = "SHIP";
    e.email = "a@example.test";
    e.external_id = external_id;
    e.scheduled = scheduled;
    absl::StatusOr<InsertOutcome> out = ingestion.PushOne(queue, e);
    REQUIRE(out.ok());
    return out->id;
  }

  std::string Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    const pqxx::result r = tx.exec(sql);
    tx.commit();
    if (r.empty() || r[0][0].is_null()) return "NULL";
    return r[0][0].as<std::string>();
  }

  // "status final_xid-set routed" of an event.
  std::string Row(int64_t id, Queue queue = Queue::kRealTime) {
    return Sql(absl::StrCat(
        "SELECT concat_ws(' ', status, final_xid IS NOT NULL, ", "routed_at IS NOT NULL) FROM ",
        queue == Queue::kRealTime ? "rt_events" : "batch_events", " WHERE id = ", id));
  }

  absl::Status Refusal(int64_t id) { return ingestion.Cancel(id).status(); }
};

std::string Expected(int64_t id, const std::string& label) {
  return absl::StrCat("event ", id, " is ", label, ": only a Pending event can be cancelled");
}

TEST_CASE_METHOD(Fixture, "a Pending event is cancelled: final, stamped, never claimed") {
  const int64_t id = Push(Queue::kRealTime);
  const int64_t other = Push(Queue::kRealTime);
  absl::StatusOr<EventWithStory> cancelled = ingestion.Cancel(id);
  REQUIRE(cancelled.ok());
  CHECK(cancelled->event.id == id);
  CHECK(cancelled->event.queue == Queue::kRealTime);
  CHECK(cancelled->event.status == EventStatus::kCancelled);
  CHECK(Row(id) == "7 t f");
  // Its story: received, then final Cancelled with the reason; no failure, no try.
  const EventStory& s = cancelled->story;
  REQUIRE(s.timeline.size() == 2);
  CHECK(s.timeline[0].step == TimelineStep::kReceived);
  CHECK(s.timeline[1].step == TimelineStep::kFinal);
  CHECK(s.timeline[1].status == EventStatus::kCancelled);
  CHECK(s.timeline[1].reason == kCancelledReason);
  CHECK(s.finished.has_value());
  CHECK_FALSE(s.taken_up.has_value());
  CHECK(s.tries == 0);
  CHECK(s.last_failure_type == FailureType::kNone);
  CHECK(s.last_failure_reason.empty());

  // The claim takes the other one only.
  absl::StatusOr<RouteResult> claim =
      processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5));
  REQUIRE(claim.ok());
  CHECK(claim->claimed == 1);
  REQUIRE(claim->to_deliver.size() == 1);
  CHECK(claim->to_deliver[0].id == other);
  CHECK(Row(id) == "7 t f");

  // Cancelling it again is refused, naming Cancelled.
  CHECK(Refusal(id) == absl::FailedPreconditionError(Expected(id, "Cancelled")));
  // The other one was taken up: refused, naming Pending delivery, and left as it is.
  CHECK(Refusal(other) == absl::FailedPreconditionError(Expected(other, "Pending delivery")));
  CHECK(Row(other) == "1 f t");
}

TEST_CASE_METHOD(Fixture, "a scheduled event is cancellable; so is one in the batch queue") {
  const int64_t later = Push(Queue::kRealTime, "", absl::Now() + absl::Hours(2));
  const int64_t batch = Push(Queue::kBatch, "", absl::Now() + absl::Minutes(1));
  REQUIRE(ingestion.Cancel(later).ok());
  absl::StatusOr<EventWithStory> b = ingestion.Cancel(batch);
  REQUIRE(b.ok());
  CHECK(b->event.queue == Queue::kBatch);
  CHECK(Row(later) == "7 t f");
  CHECK(Row(batch, Queue::kBatch) == "7 t f");
}

TEST_CASE_METHOD(Fixture, "by external id in its queue only; unknown ids and keys: NOT_FOUND") {
  const int64_t id = Push(Queue::kBatch, "order-9");
  CHECK(ingestion.CancelByExternalId(Queue::kRealTime, "order-9").status() ==
        absl::NotFoundError("no event with external id 'order-9' in the rt queue"));
  CHECK(Row(id, Queue::kBatch) == "0 f f");
  absl::StatusOr<EventWithStory> done = ingestion.CancelByExternalId(Queue::kBatch, "order-9");
  REQUIRE(done.ok());
  CHECK(done->event.id == id);
  CHECK(done->event.status == EventStatus::kCancelled);
  CHECK(ingestion.CancelByExternalId(Queue::kBatch, "order-9").status() ==
        absl::FailedPreconditionError(Expected(id, "Cancelled")));
  CHECK(ingestion.Cancel(id + 1000).status() ==
        absl::NotFoundError(absl::StrCat("no event with id ", id + 1000)));
  CHECK(ingestion.Cancel(0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ingestion.CancelByExternalId(Queue::kBatch, "").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(Fixture, "a final event is refused naming its status: Sent, not taken") {
  const int64_t sent = Push(Queue::kRealTime);
  absl::StatusOr<RouteResult> claim =
      processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5));
  REQUIRE(claim.ok());
  REQUIRE(processing
              .RecordOutcomes(Queue::kRealTime,
                              {{.event_id = sent,
                                .channel = 0,
                                .address = "a@example.test",
                                .status = EventStatus::kSent,
                                .tries = 1,
                                .message_id = "<m@mc.test>"}},
                              {}, {})
              .ok());
  REQUIRE(processing.ApplyDeliveryStatuses(100).ok());
  REQUIRE(Row(sent) == "2 t t");
  CHECK(Refusal(sent) == absl::FailedPreconditionError(Expected(sent, "Sent")));
  CHECK(Row(sent) == "2 t t");

  NewEvent unknown;
  unknown.type = "NO_TEMPLATE";
  unknown.email = "b@example.test";
  const int64_t not_taken = ingestion.PushOne(Queue::kRealTime, unknown)->id;
  REQUIRE(processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5)).ok());
  CHECK(Refusal(not_taken) ==
        absl::FailedPreconditionError(Expected(not_taken, "Event not taken into account")));
}

TEST_CASE_METHOD(Fixture, "the webhook of a subscription wanting status 7 is queued with it") {
  Sql("INSERT INTO webhook_subscriptions (name, url, statuses) VALUES "
      "('all', 'https://a.test/', '{}'), ('cancels', 'https://c.test/', '{7}'), "
      "('sent-only', 'https://s.test/', '{2}'), "
      "('off', 'https://o.test/', '{7}')");
  Sql("UPDATE webhook_subscriptions SET disabled = true WHERE name = 'off'");
  const int64_t id = Push(Queue::kRealTime, "hooked");
  REQUIRE(ingestion.Cancel(id).ok());
  CHECK(Sql(absl::StrCat("SELECT string_agg(concat_ws(' ', subscription, queue, status, ",
                         "event_type, external_id, kind, state, reason), ', ' ORDER BY ",
                         "subscription) FROM webhook_outbox WHERE event_id = ", id)) ==
        absl::StrCat("all 1 7 SHIP hooked 0 0 ", kCancelledReason, ", cancels 1 7 SHIP hooked 0 0 ",
                     kCancelledReason));
  // A refused cancel queues nothing.
  CHECK_FALSE(ingestion.Cancel(id).ok());
  CHECK(Sql(absl::StrCat("SELECT count(*) FROM webhook_outbox WHERE event_id = ", id)) == "2");
}

TEST_CASE_METHOD(Fixture, "the archive export reads a Cancelled event, without a delivery log") {
  const int64_t id = Push(Queue::kBatch, "to-archive");
  REQUIRE(ingestion.Cancel(id).ok());
  absl::StatusOr<std::vector<ArchivedEvent>> page = archive.ReadFinalEvents({}, 100);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 1);
  const ArchivedEvent& e = page->front();
  CHECK(e.id == id);
  CHECK(e.queue == Queue::kBatch);
  CHECK(e.status == EventStatus::kCancelled);
  CHECK(e.external_id == "to-archive");
  CHECK_FALSE(e.delivery_log.has_value());
  CHECK_FALSE(e.routed.has_value());
}

TEST_CASE_METHOD(Fixture, "a cancel waiting on a claim's lock sees what the claim committed") {
  const int64_t id = Push(Queue::kRealTime);
  // A claim in flight: the route statement's lock, held until its transaction ends.
  pqxx::connection claim_conn(testing::SharedPostgresDsn());
  pqxx::work claim(claim_conn);
  claim.exec("SET LOCAL search_path TO " + claim.quote_name(schema));
  claim.exec(absl::StrCat("SELECT id FROM rt_events WHERE id = ", id, " FOR UPDATE"));
  claim.exec(absl::StrCat("UPDATE rt_events SET status = 1, routed_at = now() WHERE id = ", id));
  std::future<absl::Status> cancel =
      std::async(std::launch::async, [&] { return ingestion.Cancel(id).status(); });
  // The cancel waits for the claim's row lock (its backend waits on a lock).
  const std::string waiting =
      "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
      "AND query LIKE '%SET status = 7%'";
  for (int i = 0; i < 500 && Sql(waiting) == "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(cancel.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  claim.commit();
  CHECK(cancel.get() == absl::FailedPreconditionError(Expected(id, "Pending delivery")));
  CHECK(Row(id) == "1 f t");
}

}  // namespace
}  // namespace mc::execution
