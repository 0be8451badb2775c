// The quarantine against a real PostgreSQL: rows hold address keys (an email's domain in lower
// case), so an address quarantined in one case stops it in any other, through the processing
// workflows' own statements and the schema's migration of rows already there.
#include <catch2/catch.hpp>
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
  for (const pg::Migration& m : all) {
    if (m.version < 4) before.push_back(m);
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

}  // namespace
}  // namespace mc::execution
