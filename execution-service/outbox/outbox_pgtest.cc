// The webhook outbox against a real PostgreSQL, through the statements that change statuses
// (ProcessingRepository) and webhookDelivery's own (OutboxRepository): a webhook exists exactly
// for each committed change a subscription wants, with the change's details; claims keep status
// order per event, leases, back-off, giving up, pausing, resuming, replaying and deleting.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/outbox/outbox_repository.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/subscriptions/subscription_registry.h"
#include "execution-service/subscriptions/subscription_repository.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("outbox", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository templates{pool};
  ProcessingRepository processing{workflow_pool};
  SubscriptionRepository subscriptions{pool};
  OutboxRepository outbox{pool, schema};
  SubscriptionRegistry registry{subscriptions, {.schema = schema}};

  Fixture() {
    REQUIRE(templates
                .Publish({.internal_name = "shipped",
                          .event_type = "SHIP",
                          .channel = 0,
                          .version = 3,
                          .subject = "s",
                          .text_body = "t"})
                .ok());
  }

  std::string Scalar(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    const pqxx::row r = tx.exec1(sql);
    tx.commit();
    return r[0].is_null() ? "NULL" : r[0].as<std::string>();
  }

  void Subscribe(Subscription s) {
    s.url = "https://hooks.example.com/" + s.name;
    s.secrets = {{.key = "0123456789abcdef01234567"}};
    REQUIRE(subscriptions.Put(s).ok());
  }

  int64_t Push(const std::string& type, const std::string& external_id) {
    NewEvent e;
    e.type = type;
    e.email = "jane@example.com";
    e.external_id = external_id;
    auto out = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  std::vector<DeliveryItem> Route() {
    auto r = processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5));
    REQUIRE(r.ok());
    return r->to_deliver;
  }

  DeliveryRecord Log(const DeliveryItem& item, EventStatus status, const std::string& type = "",
                     const std::string& reason = "") {
    return {.event_id = item.id,
            .channel = 0,
            .address = item.event.email,
            .template_id = item.template_id,
            .template_version = item.template_version,
            .status = status,
            .failure_type = type,
            .failure_reason = reason,
            .tries = item.tries + 1,
            .message_id = absl::StrCat("<ev-rt-", item.id, "@test>")};
  }

  void Apply() { REQUIRE(processing.ApplyDeliveryStatuses(100, nullptr).ok()); }

  int64_t Count(const std::string& where) {
    return std::stoll(Scalar("SELECT count(*) FROM webhook_outbox WHERE " + where));
  }

  std::vector<ClaimedWebhook> Claim(absl::Duration lease = absl::Minutes(5)) {
    auto c = outbox.Claim(100, lease);
    REQUIRE(c.ok());
    return *c;
  }

  void Record(const std::vector<WebhookResult>& results, const std::vector<EndpointResult>& e = {},
              absl::Duration pause_after = absl::Hours(1)) {
    REQUIRE(outbox.Record(results, e, pause_after).ok());
  }
};

WebhookResult Delivered(const ClaimedWebhook& c) {
  return {.event_id = c.change.event_id,
          .outbox_id = c.change.outbox_id,
          .kind = WebhookResult::Kind::kDelivered};
}

TEST_CASE("without a subscription, status changes queue no webhook") {
  Fixture f;
  f.Push("NOPE", "a");
  f.Push("SHIP", "b");
  std::vector<DeliveryItem> items = f.Route();
  REQUIRE(items.size() == 1);
  REQUIRE(
      f.processing.RecordOutcomes(Queue::kRealTime, {f.Log(items[0], EventStatus::kSent)}, {}, {})
          .ok());
  f.Apply();
  CHECK(f.Count("true") == 0);
}

TEST_CASE("each final change a subscription wants is queued with the change, and its details") {
  Fixture f;
  f.Subscribe({.name = "all"});
  f.Subscribe({.name = "failures", .statuses = {EventStatus::kDeliveryFailed}});
  f.Subscribe({.name = "other-type", .event_types = {"RESET"}});
  f.Subscribe({.name = "off", .disabled = true});
  const int64_t not_taken = f.Push("NOPE", "n");
  const int64_t sent = f.Push("SHIP", "s");
  const int64_t failed = f.Push("SHIP", "f");
  std::vector<DeliveryItem> items = f.Route();
  REQUIRE(items.size() == 2);
  // Made final at routing: queued by the routing statement itself.
  CHECK(f.Count("true") == 1);
  CHECK(f.Count(absl::StrCat("event_id = ", not_taken,
                             " AND status = 5 AND subscription = 'all'")) == 1);
  std::vector<DeliveryRecord> logs;
  for (const DeliveryItem& i : items) {
    logs.push_back(i.id == sent
                       ? f.Log(i, EventStatus::kSent)
                       : f.Log(i, EventStatus::kDeliveryFailed, "hard", "550 no such user"));
  }
  REQUIRE(f.processing.RecordOutcomes(Queue::kRealTime, logs, {}, {}).ok());
  CHECK(f.Count("true") == 1);  // a log is not yet the event's status
  f.Apply();
  CHECK(f.Count("true") == 4);
  CHECK(f.Count(absl::StrCat("subscription = 'all' AND event_id = ", sent,
                             " AND status = 2 AND message_id = '<ev-rt-", sent,
                             "@test>' AND template_version = 3 AND external_id = 's'")) == 1);
  CHECK(f.Count(absl::StrCat("subscription = 'all' AND event_id = ", failed,
                             " AND status = 4 AND failure_type = 'hard' AND reason = '550 no such "
                             "user' AND try_number = 1")) == 1);
  CHECK(f.Count(absl::StrCat("subscription = 'failures' AND event_id = ", failed)) == 1);
  CHECK(f.Count("subscription IN ('other-type', 'off')") == 0);
  // Claimed, the template's name comes along, and the webhook-id names the schema.
  std::vector<ClaimedWebhook> claimed = f.Claim();
  REQUIRE(claimed.size() == 4);
  for (const ClaimedWebhook& c : claimed) {
    if (c.change.event_id == sent) {
      CHECK(c.change.template_name == "shipped");
      CHECK(c.change.status == EventStatus::kSent);
      CHECK(c.change.webhook_id ==
            absl::StrCat("wh_", f.schema, "_", sent, "_", c.change.outbox_id));
    }
  }
}

TEST_CASE(
    "a soft failure retried is kept as an attempt, and queued for every-attempt subscribers") {
  Fixture f;
  f.Subscribe({.name = "final"});
  f.Subscribe({.name = "attempts", .every_attempt = true});
  const int64_t id = f.Push("SHIP", "x");
  std::vector<DeliveryItem> items = f.Route();
  REQUIRE(items.size() == 1);
  REQUIRE(f.processing
              .RecordOutcomes(Queue::kRealTime, {}, {},
                              {{.event_id = id,
                                .delay = absl::Minutes(10),
                                .try_number = 1,
                                .reason = "421 try later",
                                .address = "jane@example.com",
                                .message_id = "<m1>"}})
              .ok());
  CHECK(f.Scalar(absl::StrCat("SELECT reason || '|' || message_id || '|' || (next_try_at > now()) "
                              "FROM delivery_attempts WHERE event_id = ",
                              id, " AND try_number = 1")) == "421 try later|<m1>|true");
  CHECK(f.Count("true") == 1);
  CHECK(f.Count("subscription = 'attempts' AND kind = 1 AND status = 1 AND try_number = 1 AND "
                "reason = '421 try later' AND next_try_at IS NOT NULL") == 1);
}

TEST_CASE("an event's later webhook is claimed only once the earlier one is done") {
  Fixture f;
  f.Subscribe({.name = "attempts", .every_attempt = true});
  const int64_t id = f.Push("SHIP", "x");
  std::vector<DeliveryItem> items = f.Route();
  REQUIRE(f.processing
              .RecordOutcomes(Queue::kRealTime, {}, {},
                              {{.event_id = id, .delay = absl::ZeroDuration(), .try_number = 1}})
              .ok());
  items = {};
  // The retry is due at once; the event is re-claimed after its lease only, so log it directly.
  DeliveryItem item;
  item.id = id;
  item.tries = 1;
  item.event.email = "jane@example.com";
  REQUIRE(f.processing.RecordOutcomes(Queue::kRealTime, {f.Log(item, EventStatus::kSent)}, {}, {})
              .ok());
  f.Apply();
  REQUIRE(f.Count("true") == 2);
  std::vector<ClaimedWebhook> first = f.Claim();
  REQUIRE(first.size() == 1);
  CHECK(first[0].change.attempt);
  CHECK(f.Claim().empty());  // the final one waits for the attempt
  f.Record({Delivered(first[0])});
  std::vector<ClaimedWebhook> second = f.Claim();
  REQUIRE(second.size() == 1);
  CHECK(second[0].change.status == EventStatus::kSent);
  CHECK(second[0].change.outbox_id > first[0].change.outbox_id);
}

TEST_CASE("leases, back-off, giving up and the counters") {
  Fixture f;
  f.Subscribe({.name = "s"});
  for (const char* key : {"a", "b", "c"}) f.Push("NOPE", key);
  f.Route();
  std::vector<ClaimedWebhook> claimed = f.Claim(absl::Hours(1));
  REQUIRE(claimed.size() == 3);
  CHECK(f.Claim().empty());  // leased
  f.Record({Delivered(claimed[0]),
            {.event_id = claimed[1].change.event_id,
             .outbox_id = claimed[1].change.outbox_id,
             .kind = WebhookResult::Kind::kRetry,
             .delay = absl::Hours(1),
             .error = "HTTP 503"},
            {.event_id = claimed[2].change.event_id,
             .outbox_id = claimed[2].change.outbox_id,
             .kind = WebhookResult::Kind::kGiveUp,
             .error = "HTTP 410"}});
  CHECK(f.Claim().empty());  // the retry backs off an hour
  CHECK(f.Count("state = 1 AND sends = 1 AND done_at IS NOT NULL") == 1);
  CHECK(f.Count("state = 0 AND sends = 1 AND last_error = 'HTTP 503' AND first_failed_at IS NOT "
                "NULL AND next_at > now() + interval '50 minutes'") == 1);
  CHECK(f.Count("state = 2 AND last_error = 'HTTP 410'") == 1);
  absl::StatusOr<SubscriptionStatus> st = f.subscriptions.Get("s");
  REQUIRE(st.ok());
  CHECK(st->queued == 1);
  CHECK(st->delivered == 1);
  CHECK(st->failed == 1);
  CHECK(st->secrets == 1);
  CHECK(st->subscription.secrets.empty());  // write-only
  // A lease that ran out gives the webhook to whoever claims next.
  f.Push("NOPE", "d");
  f.Route();
  REQUIRE(f.Claim(absl::ZeroDuration()).size() == 1);
  CHECK(f.Claim().size() == 1);
}

TEST_CASE("an endpoint failing past pause_after is paused, keeps queueing, and resumes") {
  Fixture f;
  f.Subscribe({.name = "s"});
  f.Push("NOPE", "a");
  f.Route();
  std::vector<ClaimedWebhook> c = f.Claim();
  REQUIRE(c.size() == 1);
  const WebhookResult retry{.event_id = c[0].change.event_id,
                            .outbox_id = c[0].change.outbox_id,
                            .kind = WebhookResult::Kind::kRetry,
                            .delay = absl::ZeroDuration(),
                            .error = "refused"};
  const EndpointResult failing{.subscription = "s", .failed = true, .last_error = "refused"};
  f.Record({retry}, {failing}, absl::ZeroDuration());  // first failure: failing since now
  CHECK(f.subscriptions.Get("s")->state == EndpointState::kActive);
  CHECK(f.subscriptions.Get("s")->failing_since.has_value());
  c = f.Claim();
  REQUIRE(c.size() == 1);
  f.Record({retry}, {failing}, absl::ZeroDuration());  // still failing, past pause_after
  CHECK(f.subscriptions.Get("s")->state == EndpointState::kPausedFailing);
  f.Push("NOPE", "b");
  f.Route();
  CHECK(f.Count("state = 0") == 2);  // still queued
  CHECK(f.Claim().empty());          // but not sent
  absl::StatusOr<SubscriptionStatus> resumed = f.registry.Resume("s");
  REQUIRE(resumed.ok());
  CHECK(resumed->state == EndpointState::kActive);
  CHECK_FALSE(resumed->failing_since.has_value());
  CHECK(f.Claim().size() == 2);
  // A success clears the failing time.
  f.Record({}, {{.subscription = "s", .succeeded = true}});
  CHECK_FALSE(f.subscriptions.Get("s")->failing_since.has_value());
  CHECK(f.subscriptions.Get("s")->last_success.has_value());
}

TEST_CASE("replay queues a webhook again under its webhook-id; delete gives up the queue") {
  Fixture f;
  f.Subscribe({.name = "s"});
  f.Push("NOPE", "a");
  f.Push("NOPE", "b");
  f.Route();
  std::vector<ClaimedWebhook> c = f.Claim();
  REQUIRE(c.size() == 2);
  f.Record({Delivered(c[0]), Delivered(c[1])});
  CHECK(f.Claim().empty());
  REQUIRE(f.registry.ReplayOne(c[0].change.webhook_id).ok());
  std::vector<ClaimedWebhook> again = f.Claim();
  REQUIRE(again.size() == 1);
  CHECK(again[0].change.webhook_id == c[0].change.webhook_id);
  CHECK(f.registry.ReplayOne("wh_other_1_1").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.registry.ReplayOne(absl::StrCat("wh_", f.schema, "_1_999999")).status().code() ==
        absl::StatusCode::kNotFound);
  f.Record({Delivered(again[0])});
  absl::StatusOr<int64_t> n =
      f.registry.ReplaySince({.subscription = "s", .since = absl::Now() - absl::Hours(1)});
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(f.registry.ReplaySince({.subscription = "nope", .since = absl::Now()}).status().code() ==
        absl::StatusCode::kNotFound);
  absl::StatusOr<int64_t> dropped = f.registry.Delete("s");
  REQUIRE(dropped.ok());
  CHECK(*dropped == 2);
  CHECK(f.Count("state = 0") == 0);
  CHECK(f.registry.Delete("s").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("a lower version does not undo a newer publication") {
  Fixture f;
  Subscription s{.name = "s", .version = 5};
  f.Subscribe(s);
  s.version = 4;
  s.every_attempt = true;
  f.Subscribe(s);
  absl::StatusOr<SubscriptionStatus> st = f.subscriptions.Get("s");
  REQUIRE(st.ok());
  CHECK(st->subscription.version == 5);
  CHECK_FALSE(st->subscription.every_attempt);
}

}  // namespace
}  // namespace mc::execution
