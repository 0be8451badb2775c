// The quarantine against a real PostgreSQL: rows hold address keys (an email's domain in lower
// case), so an address quarantined in one case stops it in any other, through the processing
// workflows' own statements and the schema's migration of rows already there.
// Then the claim, the outcomes and updateEventStatus: what each statement takes, writes and
// leaves.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/address_key.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

std::string Scalar(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  const pqxx::row r = tx.exec1(sql);
  tx.commit();
  return r[0].is_null() ? "NULL" : r[0].as<std::string>();
}

void Exec(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  tx.exec(sql);
  tx.commit();
}

struct Fixture {
  std::string schema = testing::FreshSchema("processing", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository templates{pool};
  ProcessingRepository processing{workflow_pool};

  Fixture() {
    for (int channel : {0, 1}) {
      REQUIRE(templates
                  .Publish({.internal_name = absl::StrCat("tpl", channel),
                            .event_type = "SHIP",
                            .channel = channel,
                            .version = 1,
                            .subject = "s",
                            .text_body = "t",
                            .sms_text = "t"})
                  .ok());
    }
  }

  int64_t Push(int channel, const std::string& address) {
    NewEvent e;
    e.type = "SHIP";
    e.wished_channel = channel;
    (channel == 0 ? e.email : e.mobile_phone) = address;
    auto out = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  // Routes what is pending; returns whether the event `id` was found quarantined.
  bool Quarantined(int64_t id) {
    auto r = processing.ClaimAndRoute(Queue::kRealTime, 100, absl::Minutes(5));
    REQUIRE(r.ok());
    for (const DeliveryItem& d : r->to_deliver) {
      if (d.id == id) return d.quarantined;
    }
    FAIL("event " << id << " was not routed");
    return false;
  }

  std::string Sql(const std::string& sql) { return Scalar(schema, sql); }
  void Write(const std::string& sql) { Exec(schema, sql); }
};

TEST_CASE_METHOD(Fixture, "an address quarantined in one case stops the same address in any") {
  const int64_t bounced = Push(0, "someone@example.test");
  CHECK_FALSE(Quarantined(bounced));
  // The hard bounce: whatever case it is recorded in, its key is stored.
  REQUIRE(processing
              .RecordOutcomes(Queue::kRealTime,
                              {{.event_id = bounced,
                                .channel = 0,
                                .address = "someone@example.test",
                                .status = EventStatus::kDeliveryFailed,
                                .failure_type = "hard",
                                .failure_reason = "550 user unknown",
                                .tries = 1}},
                              {{0, "someone@Example.TEST", "550 user unknown"}}, {})
              .ok());
  CHECK(Sql("SELECT string_agg(address, ',') FROM quarantine") == "someone@example.test");

  const int64_t upper = Push(0, "someone@EXAMPLE.TEST");
  CHECK(Quarantined(upper));
  // The event keeps its address exactly as given.
  CHECK(events.GetById(upper)->event.email == "someone@EXAMPLE.TEST");
  // The local part is compared as given.
  const int64_t other = Push(0, "Someone@example.test");
  CHECK_FALSE(Quarantined(other));
}

// A hard refusal naming the address, recorded for event `id`.
void RecordHard(ProcessingRepository& processing, int64_t id, const std::string& address,
                const std::string& reason) {
  REQUIRE(processing
              .RecordOutcomes(Queue::kRealTime,
                              {{.event_id = id,
                                .channel = 0,
                                .address = address,
                                .status = EventStatus::kDeliveryFailed,
                                .failure_type = "hard",
                                .failure_reason = reason,
                                .tries = 1}},
                              {{0, address, reason, id}}, {})
              .ok());
}

TEST_CASE_METHOD(Fixture, "a hard refusal is a hard entry caused by its event") {
  const int64_t id = Push(0, "gone@example.test");
  CHECK_FALSE(Quarantined(id));
  RecordHard(processing, id, "gone@example.test", "550 5.1.1 unknown");
  CHECK(Sql("SELECT concat_ws(' ', kind, failure_type, reason, errors, active, event_queue, "
            "event_id = " +
            std::to_string(id) +
            ", expires_at IS NULL, removed_at IS NULL, "
            "changed_by = '', first_seen_at = last_seen_at) FROM quarantine") ==
        "quarantine hard 550 5.1.1 unknown 1 t 1 t t t t t");
}

TEST_CASE_METHOD(Fixture, "only an entry that suppresses now stops delivery") {
  Write(
      "INSERT INTO quarantine (channel, address, kind, reason, failure_type, errors, active, "
      "expires_at, removed_at) VALUES "
      "(0, 'removed@x.test', 'deny', 'r', NULL, 1, true, NULL, now()), "
      "(0, 'expired@x.test', 'quarantine', 'e', 'soft', 3, true, now() - interval '1s', NULL), "
      "(0, 'counting@x.test', 'quarantine', 'c', 'soft', 1, false, now() + interval '1d', "
      "NULL), "
      "(0, 'soft@x.test', 'quarantine', 's', 'soft', 3, true, now() + interval '1d', NULL), "
      "(0, 'hard@x.test', 'quarantine', 'h', 'hard', 1, true, NULL, NULL)");
  CHECK_FALSE(Quarantined(Push(0, "removed@x.test")));
  CHECK_FALSE(Quarantined(Push(0, "expired@x.test")));
  CHECK_FALSE(Quarantined(Push(0, "counting@x.test")));
  CHECK(Quarantined(Push(0, "soft@x.test")));
  CHECK(Quarantined(Push(0, "hard@x.test")));
}

TEST_CASE_METHOD(Fixture, "a new hard refusal reactivates a quarantine entry, never a deny one") {
  Write(
      "INSERT INTO quarantine (channel, address, kind, reason, failure_type, errors, active, "
      "expires_at, removed_at, changed_by, first_seen_at) VALUES "
      "(0, 'removed@x.test', 'quarantine', 'old', 'hard', 1, true, NULL, now(), 'ana', "
      "'2024-01-01'), "
      "(0, 'expired@x.test', 'quarantine', 'old', 'soft', 3, true, now() - interval '1s', NULL, "
      "'', '2024-01-01'), "
      "(0, 'denied@x.test', 'deny', 'asked', NULL, 1, true, NULL, NULL, 'bo', '2024-01-01'), "
      "(0, 'undenied@x.test', 'deny', 'asked', NULL, 1, true, NULL, now(), 'bo', "
      "'2024-01-01')");
  for (const char* a : {"removed@x.test", "expired@x.test", "denied@x.test", "undenied@x.test"}) {
    RecordHard(processing, Push(0, a), a, "550 unknown");
  }
  CHECK(Sql("SELECT string_agg(concat_ws(' ', address, kind, COALESCE(failure_type, '-'), reason, "
            "errors, mc_suppresses(active, removed_at, expires_at), changed_by, "
            "first_seen_at = '2024-01-01', event_id IS NOT NULL), ', ' ORDER BY address) "
            "FROM quarantine") ==
        "denied@x.test deny - asked 1 t bo t f, "
        "expired@x.test quarantine hard 550 unknown 4 t  t t, "
        "removed@x.test quarantine hard 550 unknown 2 t ana t t, "
        "undenied@x.test deny - asked 1 f bo t f");
}

TEST_CASE_METHOD(Fixture, "two refusals of one address in one batch: one entry, the latest event") {
  const int64_t a = Push(0, "twice@x.test");
  const int64_t b = Push(0, "TWICE@x.test");
  REQUIRE(processing
              .RecordOutcomes(Queue::kRealTime, {},
                              {{0, "twice@x.test", "550 a", a}, {0, "twice@X.TEST", "550 b", b}},
                              {})
              .ok());
  CHECK(Sql("SELECT concat_ws(' ', count(*), max(reason), max(event_id) = " + std::to_string(b) +
            ") FROM quarantine") == "1 550 b t");
}

TEST_CASE_METHOD(Fixture, "deny rows are keys too: written with address_key(), refused otherwise") {
  Write(
      "INSERT INTO quarantine (channel, address, kind, reason) VALUES "
      "(0, address_key(0, 'Ana@Example.COM'), 'deny', 'asked'), "
      "(1, address_key(1, '+33 6 12 34 56 78'), 'deny', 'asked')");
  CHECK(Quarantined(Push(0, "Ana@EXAMPLE.com")));
  CHECK(Quarantined(Push(1, "+33612345678")));
  CHECK_FALSE(Quarantined(Push(0, "ana@example.com")));
  CHECK_THROWS_WITH(Write("INSERT INTO quarantine (channel, address, kind, reason) "
                          "VALUES (0, 'bo@EXAMPLE.COM', 'deny', 'asked')"),
                    Catch::Contains("quarantine_address_is_key"));
}

TEST_CASE_METHOD(Fixture, "the schema's address_key() is AddressKey()") {
  const std::vector<std::pair<int, std::string>> cases = {
      {0, "someone@EXAMPLE.TEST"},
      {0, "Some.One+Tag@Sub.Example.Test"},
      {0, "SOMEONE@example.test"},
      {0, "a@b@C.D"},
      {0, "no-at-sign.EXAMPLE"},
      {0, "x@ÉTÉ.TEST"},
      {0, "trailing@"},
      {0, ""},
      {1, "+33 6 12-34.56 (78)"},
      {1, " +44 20 7946 0958"},
      {1, "0612345678"},
      {1, "call me"},
      {1, "12345"},
      {1, "1234567890123456"},
      {1, "12+3456789"},
      {1, "( +33612345678"},
      {41, "AbC-Token@X.Y"},
      {42, " Tok "},
  };
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  for (const auto& [channel, address] : cases) {
    INFO(channel << " '" << address << "'");
    CHECK(tx.exec_params1("SELECT address_key($1::int, $2::text)", channel, address)[0]
              .as<std::string>() == AddressKey(channel, address));
  }
}

TEST_CASE("the migration turns rows already there into keys, keeping deny rows") {
  const std::vector<pg::Migration>& all = Migrations();
  std::vector<pg::Migration> before;
  for (const pg::Migration& m : all) {  // every migration before the one under test
    if (m.name == "address_keys") break;
    before.push_back(m);
  }
  const std::string schema = testing::FreshSchema("address_keys", before);
  Exec(schema,
       "INSERT INTO quarantine (channel, address, kind, reason, created_at) VALUES "
       "(0, 'a@X.TEST', 'quarantine', 'q', '2024-01-01'), "
       "(0, 'a@x.test', 'deny', 'd', '2024-02-01'), "
       "(0, 'b@Y.TEST', 'quarantine', 'old', '2024-01-01'), "
       "(0, 'b@y.Test', 'quarantine', 'new', '2024-03-01'), "
       "(0, 'C@z.test', 'quarantine', 'c', '2024-01-01'), "
       "(1, '+33 6 12 34 56 78', 'deny', 'p', '2024-01-01'), "
       "(41, 'Tok', 'quarantine', 't', '2024-01-01')");
  REQUIRE(pg::Migrate(testing::SharedPostgresDsn(), schema, all).ok());
  CHECK(Scalar(schema,
               "SELECT string_agg(concat_ws(' ', channel, address, kind, reason), ', ' "
               "ORDER BY channel, address COLLATE \"C\") FROM quarantine") ==
        "0 C@z.test quarantine c, 0 a@x.test deny d, 0 b@y.test quarantine old, "
        "1 +33612345678 deny p, 41 Tok quarantine t");
}

// The claim, the outcomes and updateEventStatus, with the rows they leave.
struct Flow : Fixture {
  int64_t PushTo(Queue queue, const std::string& type, int channel = 0,
                 const std::string& address = "a@example.test") {
    NewEvent e;
    e.type = type;
    e.wished_channel = channel;
    (channel == 0 ? e.email : e.mobile_phone) = address;
    e.ctx_json = R"({"order":"A-17"})";
    auto out = events.InsertBatch(queue, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  RouteResult Claim(Queue queue = Queue::kRealTime, int limit = 100,
                    absl::Duration lease = absl::Minutes(5)) {
    absl::StatusOr<RouteResult> r = processing.ClaimAndRoute(queue, limit, lease);
    REQUIRE(r.ok());
    return *std::move(r);
  }

  static std::vector<int64_t> Ids(const RouteResult& r) {
    std::vector<int64_t> ids;
    for (const DeliveryItem& d : r.to_deliver) ids.push_back(d.id);
    return ids;
  }

  void Record(Queue queue, const std::vector<DeliveryRecord>& records,
              const std::vector<RetryEntry>& retries = {}) {
    REQUIRE(processing.RecordOutcomes(queue, records, {}, retries).ok());
  }

  // "status tries errors leased final" of an event.
  std::string Row(int64_t id, Queue queue = Queue::kRealTime) {
    return Sql(
        absl::StrCat("SELECT concat_ws(' ', status, tries, errors, lease_until IS NOT NULL, "
                     "final_xid IS NOT NULL) FROM ",
                     queue == Queue::kRealTime ? "rt_events" : "batch_events", " WHERE id = ", id));
  }
};

DeliveryRecord Log(int64_t id, EventStatus status, const std::string& reason = "") {
  return {.event_id = id,
          .channel = 0,
          .address = "a@example.test",
          .status = status,
          .failure_type = reason.empty() ? "" : "hard",
          .failure_reason = reason,
          .tries = 1,
          .message_id = absl::StrCat("<ev-", id, "@mc.test>")};
}

TEST_CASE_METHOD(Flow, "a claim routes each due event to its template or makes it final") {
  const int64_t routed = PushTo(Queue::kRealTime, "SHIP");
  const int64_t unknown = PushTo(Queue::kRealTime, "NO_TEMPLATE");
  const int64_t expired = PushTo(Queue::kRealTime, "SHIP");
  const int64_t later = PushTo(Queue::kRealTime, "SHIP");
  Write(absl::StrCat("UPDATE rt_events SET expires_at = now() - interval '1 minute' WHERE id = ",
                     expired));
  Write(absl::StrCat("UPDATE rt_events SET scheduled_at = now() + interval '1 hour' WHERE id = ",
                     later));

  const RouteResult r = Claim();
  CHECK(r.claimed == 3);  // the scheduled event waits
  CHECK(r.not_taken == 1);
  CHECK(r.expired == 1);
  REQUIRE(Ids(r) == std::vector<int64_t>{routed});
  const DeliveryItem& item = r.to_deliver[0];
  CHECK(std::to_string(item.template_id) ==
        Sql("SELECT id FROM templates WHERE queue = 1 AND channel = 0"));
  CHECK(item.template_version == 1);
  CHECK(item.tries == 0);
  CHECK_FALSE(item.quarantined);
  CHECK_FALSE(item.expired);
  CHECK(item.event.type == "SHIP");
  CHECK(item.event.email == "a@example.test");
  CHECK(nlohmann::json::parse(item.event.ctx_json) == nlohmann::json{{"order", "A-17"}});
  CHECK(item.age >= absl::ZeroDuration());

  CHECK(Row(routed) == "1 0 0 t f");   // Pending delivery, under a lease
  CHECK(Row(unknown) == "5 0 0 f t");  // Event not taken into account, final
  CHECK(Row(expired) == "6 0 0 f t");  // Expired, final
  CHECK(Row(later) == "0 0 0 f f");    // still Pending
}

TEST_CASE_METHOD(Flow, "the version published last is the one an event is routed to") {
  REQUIRE(templates
              .Publish({.internal_name = "tpl0",
                        .event_type = "SHIP",
                        .channel = 0,
                        .version = 2,
                        .subject = "s2",
                        .text_body = "t2"})
              .ok());
  PushTo(Queue::kRealTime, "SHIP");
  const RouteResult r = Claim();
  REQUIRE(r.to_deliver.size() == 1);
  CHECK(r.to_deliver[0].template_version == 2);
}

TEST_CASE_METHOD(Flow, "claims take at most the limit, in id order, each event once, per queue") {
  const int64_t a = PushTo(Queue::kRealTime, "SHIP");
  const int64_t b = PushTo(Queue::kRealTime, "SHIP");
  const int64_t c = PushTo(Queue::kRealTime, "SHIP");
  const int64_t batch = PushTo(Queue::kBatch, "SHIP");
  CHECK(Ids(Claim(Queue::kRealTime, 2)) == std::vector<int64_t>{a, b});
  CHECK(Ids(Claim(Queue::kRealTime, 2)) == std::vector<int64_t>{c});
  const RouteResult none = Claim(Queue::kRealTime, 2);  // all under their lease
  CHECK(none.claimed == 0);
  CHECK(none.to_deliver.empty());
  CHECK(Row(batch, Queue::kBatch) == "0 0 0 f f");
  CHECK(Ids(Claim(Queue::kBatch)) == std::vector<int64_t>{batch});
}

TEST_CASE_METHOD(Flow, "a lease run out is claimed again, unless the event has its delivery log") {
  const int64_t logged = PushTo(Queue::kRealTime, "SHIP");
  const int64_t lost = PushTo(Queue::kRealTime, "SHIP");
  REQUIRE(Claim(Queue::kRealTime, 100, absl::ZeroDuration()).to_deliver.size() == 2);
  Record(Queue::kRealTime, {Log(logged, EventStatus::kSent)});
  const RouteResult again = Claim();
  CHECK(again.claimed == 0);  // re-claims are not new claims
  CHECK(Ids(again) == std::vector<int64_t>{lost});
  CHECK(again.to_deliver[0].tries == 0);
  CHECK(Claim().to_deliver.empty());  // leased again
}

TEST_CASE_METHOD(Flow, "an event's first delivery log wins, as it was given") {
  const int64_t id = PushTo(Queue::kRealTime, "SHIP");
  Claim();
  DeliveryRecord sent = Log(id, EventStatus::kSent);
  sent.address = "a@EXAMPLE.test";
  sent.template_id = 11;
  sent.template_version = 3;
  Record(Queue::kRealTime, {sent});
  Record(Queue::kRealTime, {Log(id, EventStatus::kDeliveryFailed, "550 late replica")});
  CHECK(Sql(absl::StrCat(
            "SELECT string_agg(concat_ws(' ', queue, channel, address, template_id, "
            "template_version, status, coalesce(failure_type, '-'), coalesce(failure_reason, '-'), "
            "tries, message_id), ',') FROM delivery_logs WHERE event_id = ",
            id)) == absl::StrCat("1 0 a@EXAMPLE.test 11 3 2 - - 1 <ev-", id, "@mc.test>"));
  CHECK(Row(id) == "1 0 0 t f");  // the event's status waits for updateEventStatus
}

TEST_CASE_METHOD(Flow, "a soft failure's retry counts the try and sets when it is due again") {
  const int64_t id = PushTo(Queue::kRealTime, "SHIP");
  Claim();
  Record(Queue::kRealTime, {}, {{id, absl::ZeroDuration()}});
  CHECK(Row(id) == "1 1 1 t f");
  const RouteResult due = Claim();
  REQUIRE(Ids(due) == std::vector<int64_t>{id});
  CHECK(due.to_deliver[0].tries == 1);
  Record(Queue::kRealTime, {}, {{id, absl::Hours(1)}});
  CHECK(Row(id) == "1 2 2 t f");
  CHECK(Claim().to_deliver.empty());
  CHECK(Sql("SELECT count(*) FROM delivery_logs") == "0");
}

TEST_CASE_METHOD(Flow, "updateEventStatus copies each log's outcome onto its event and counts it") {
  const int64_t sent = PushTo(Queue::kRealTime, "SHIP");
  const int64_t failed = PushTo(Queue::kRealTime, "SHIP");
  const int64_t ignored = PushTo(Queue::kBatch, "SHIP");
  Claim(Queue::kRealTime);
  Claim(Queue::kBatch);
  Record(Queue::kRealTime, {Log(sent, EventStatus::kSent),
                            Log(failed, EventStatus::kDeliveryFailed, "550 user unknown")});
  Record(Queue::kBatch, {Log(ignored, EventStatus::kIgnoredByDelivery)});

  FinalCounts first, second, third;
  absl::StatusOr<int64_t> n = processing.ApplyDeliveryStatuses(2, &first);
  REQUIRE(n.ok());
  CHECK(*n == 2);  // at most the limit
  n = processing.ApplyDeliveryStatuses(100, &second);
  REQUIRE(n.ok());
  CHECK(*n == 1);
  n = processing.ApplyDeliveryStatuses(100, &third);
  REQUIRE(n.ok());
  CHECK(*n == 0);
  int64_t total[2][7] = {};
  for (const FinalCounts* c : {&first, &second, &third}) {
    for (int lane = 0; lane < 2; ++lane) {
      for (int s = 0; s < 7; ++s) total[lane][s] += c->n[lane][s];
    }
  }
  CHECK(total[0][static_cast<int>(EventStatus::kSent)] == 1);
  CHECK(total[0][static_cast<int>(EventStatus::kDeliveryFailed)] == 1);
  CHECK(total[1][static_cast<int>(EventStatus::kIgnoredByDelivery)] == 1);
  CHECK(total[0][static_cast<int>(EventStatus::kIgnoredByDelivery)] == 0);
  CHECK(Row(sent) == "2 0 0 f t");  // final: no lease, final_xid set
  CHECK(Row(failed) == "4 0 0 f t");
  CHECK(Row(ignored, Queue::kBatch) == "3 0 0 f t");
  // The cursor stands on the last log.
  CHECK(Sql("SELECT (c.xid, c.log_id) = (l.logged_xid, l.id) FROM status_cursor c, "
            "(SELECT logged_xid, id FROM delivery_logs ORDER BY 1 DESC, 2 DESC LIMIT 1) l") == "t");
}

TEST_CASE_METHOD(Flow, "updateEventStatus waits for a log whose transaction commits late") {
  const int64_t late = PushTo(Queue::kRealTime, "SHIP");
  const int64_t early = PushTo(Queue::kRealTime, "SHIP");
  Claim(Queue::kRealTime);
  // A replica's outcome statement still running when a later one commits.
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work open(c);
  open.exec("SET LOCAL search_path TO " + open.quote_name(schema));
  open.exec(
      absl::StrCat("INSERT INTO delivery_logs (queue, event_id, channel, address, status, "
                   "tries) VALUES (1, ",
                   late, ", 0, 'a@b.test', 2, 1)"));
  Record(Queue::kRealTime, {Log(early, EventStatus::kDeliveryFailed, "550 user unknown")});
  // The open transaction holds the horizon: nothing after it is taken, so nothing is skipped.
  CHECK(*processing.ApplyDeliveryStatuses(100) == 0);
  open.commit();
  CHECK(*processing.ApplyDeliveryStatuses(100) == 2);
  CHECK(Row(late) == "2 0 0 f t");
  CHECK(Row(early) == "4 0 0 f t");
  CHECK(*processing.ApplyDeliveryStatuses(100) == 0);
}

}  // namespace
}  // namespace mc::execution
