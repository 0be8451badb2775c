// The report queries against a real PostgreSQL, on archived rows with known times: exact
// service-level counts, queue samples across hour boundaries, history buckets, filters.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "control-service/migrations/migrations.h"
#include "control-service/reports/report_repository.h"

namespace mc::control {
namespace {

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string error;
  REQUIRE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error));
  return t;
}

struct Fixture {
  std::string schema = testing::FreshSchema("reports", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  ReportRepository reports{pool};

  // An archived event (and its Sent log when status is 2, logged at `finished`).
  void Event(const std::string& account, int64_t id, const char* type, int channel, int status,
             const char* created, const char* routed, const char* finished) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + schema);
    tx.exec_params(
        "INSERT INTO archived_events (account, remote_id, instance_id, queue, event_type, "
        "channel, status, created_at, routed_at, finished_at) VALUES ($1, $2, 'i', 1, $3, $4, "
        "$5, $6::timestamptz, $7::timestamptz, $8::timestamptz)",
        account, id, type, channel, status, created, routed, finished);
    if (status == 2) {
      tx.exec_params(
          "INSERT INTO archived_delivery_logs (account, remote_id, event_id, channel, address, "
          "status, logged_at) VALUES ($1, $2, $2, $3, 'a', 2, $4::timestamptz)",
          account, id, channel, finished);
    }
    tx.commit();
  }
};

TEST_CASE("queue length is sampled hourly from the period's start, exactly") {
  Fixture f;
  // In the queue (received, not final) at 00:00: e1, e2; 01:00: e1, e3; 02:00: e3; 03:00: e4.
  f.Event("q", 1, "T", 0, 2, "2025-12-31T23:30:00Z", "2026-01-01T01:00:00Z",
          "2026-01-01T01:30:00Z");
  f.Event("q", 2, "T", 0, 5, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z",
          "2026-01-01T00:00:01Z");
  f.Event("q", 3, "T", 0, 2, "2026-01-01T01:00:00Z", "2026-01-01T01:00:02Z",
          "2026-01-01T03:00:00Z");
  f.Event("q", 4, "U", 1, 4, "2026-01-01T02:30:00Z", "2026-01-01T02:30:04Z",
          "2026-01-01T05:00:00Z");
  f.Event("other", 1, "T", 0, 2, "2026-01-01T00:10:00Z", "2026-01-01T00:10:00Z",
          "2026-01-01T00:10:01Z");
  ReportFilter filter{.from = At("2026-01-01T00:00:00Z"), .to = At("2026-01-01T04:00:00Z")};
  filter.accounts = {"q"};
  auto times = f.reports.ProcessingTime(filter);
  REQUIRE(times.ok());
  REQUIRE(times->size() == 2);
  const ProcessingTimeRow& q = (*times)[0];
  CHECK(q.account == "q");
  CHECK(q.queue_min == 1);
  CHECK(q.queue_max == 2);
  CHECK(q.queue_avg == Approx(1.5));
  // Received in the period: e2, e3, e4; queuing 0.5 s, 2 s, 4 s.
  CHECK(q.average_queuing_seconds == Approx((0.5 + 2 + 4) / 3));
  CHECK((*times)[1].account.empty());  // the total row
  CHECK((*times)[1].queue_max == 2);

  auto level = f.reports.ServiceLevel(filter);
  REQUIRE(level.ok());
  REQUIRE(level->size() == 2);
  CHECK((*level)[0].incoming == 3);
  CHECK((*level)[0].sent == 1);
  CHECK((*level)[0].not_taken_into_account == 1);
  CHECK((*level)[0].delivery_failed == 1);
  // Sent e3: taken up 01:00:02, outcome 03:00:00.
  CHECK((*level)[0].average_sending_seconds == Approx(2 * 3600 - 2));

  filter.accounts.clear();
  filter.channel = 1;
  level = f.reports.ServiceLevel(filter);
  REQUIRE(level.ok());
  CHECK(level->back().incoming == 1);  // e4 only

  filter.channel.reset();
  auto history = f.reports.History(filter, /*daily=*/false);
  REQUIRE(history.ok());
  // 00:00 T: e2 + other; 01:00 T: e3; 02:00 U: e4.
  REQUIRE(history->size() == 3);
  CHECK((*history)[0].period_start == At("2026-01-01T00:00:00Z"));
  CHECK((*history)[0].event_type == "T");
  CHECK((*history)[0].events == 2);
  CHECK((*history)[0].sent == 1);
  CHECK((*history)[2].event_type == "U");
  auto daily = f.reports.History(filter, /*daily=*/true);
  REQUIRE(daily.ok());
  REQUIRE(daily->size() == 2);
  CHECK((*daily)[0].events == 3);  // T on 2026-01-01

  filter.to = filter.from;
  CHECK(f.reports.ServiceLevel(filter).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("service level: a Cancelled event is incoming, neither sent nor in an error class") {
  Fixture f;
  f.Event("c", 1, "T", 0, 2, "2026-01-01T00:10:00Z", "2026-01-01T00:10:01Z",
          "2026-01-01T00:10:02Z");
  f.Event("c", 2, "T", 0, 4, "2026-01-01T00:20:00Z", "2026-01-01T00:20:01Z",
          "2026-01-01T00:20:02Z");
  {  // cancelled while Pending: never taken up
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + f.schema);
    tx.exec(
        "INSERT INTO archived_events (account, remote_id, instance_id, queue, event_type, "
        "channel, status, created_at, finished_at) VALUES ('c', 3, 'i', 1, 'T', 0, 7, "
        "'2026-01-01T00:30:00Z', '2026-01-01T00:31:00Z'), ('c', 4, 'i', 2, 'T', 0, 7, "
        "'2026-01-01T00:40:00Z', '2026-01-01T00:40:30Z')");
    tx.commit();
  }
  auto level = f.reports.ServiceLevel(
      {.from = At("2026-01-01T00:00:00Z"), .to = At("2026-01-01T01:00:00Z")});
  REQUIRE(level.ok());
  REQUIRE(level->size() == 2);
  const ServiceLevelRow& c = (*level)[0];
  CHECK(c.account == "c");
  CHECK(c.incoming == 4);
  CHECK(c.sent == 1);
  CHECK(c.delivery_failed == 1);
  CHECK(c.cancelled == 2);
  CHECK(c.not_taken_into_account + c.expired + c.ignored == 0);
  CHECK(level->back().cancelled == 2);  // the total row
}

}  // namespace
}  // namespace mc::control
