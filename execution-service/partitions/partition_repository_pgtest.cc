// The time partitions of the event storage against a real PostgreSQL: rotation, the idempotency
// key across partitions (also racing a rotation), reads across partitions, and a drop that
// resumes after an interrupted detach. The purge's choice of periods and the export across a
// partition boundary are in archive_repository_pgtest.cc.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/partitions/partition_repository.h"

namespace mc::execution {
namespace {

constexpr int64_t kRange = int64_t{1} << 32;

NewEvent Make(const std::string& external_id = "") {
  NewEvent e;
  e.type = "T";
  e.email = "user@example.com";
  e.external_id = external_id;
  return e;
}

struct Fixture {
  std::string schema = testing::FreshSchema("partitions", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  EventRepository events{pool};
  PartitionRepository partitions{pool};

  int64_t Count(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    return tx.exec1(sql)[0].as<int64_t>();
  }

  void Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::nontransaction tx(c);
    tx.exec("SET search_path TO " + tx.quote_name(schema));
    tx.exec(sql);
  }

  bool Exists(const std::string& table) {
    return Count(absl::StrCat("SELECT count(*) FROM pg_class WHERE relname = '", table,
                              "' AND relnamespace = current_schema()::regnamespace")) == 1;
  }

  int64_t PushOne(Queue queue, const std::string& key = "") {
    auto out = events.InsertBatch(queue, std::vector<NewEvent>{Make(key)});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }
};

TEST_CASE_METHOD(Fixture, "a rotation opens the next period and makes the one after ahead") {
  auto periods = partitions.Periods();
  REQUIRE(periods.ok());
  REQUIRE(periods->size() == 1);
  CHECK((*periods)[0].k == 0);
  CHECK_FALSE((*periods)[0].closed.has_value());
  // Not due: nothing moves, the next partition exists already.
  CHECK(*partitions.Rotate(absl::Hours(24), false) == 0);
  CHECK(Exists("rt_events_p1"));
  CHECK(Exists("delivery_logs_p1"));
  CHECK_FALSE(Exists("rt_events_p2"));
  const int64_t first = PushOne(Queue::kRealTime);
  CHECK(first < kRange);

  // Due by age: new events take ids of partition 1.
  CHECK(*partitions.Rotate(absl::ZeroDuration(), false) == 1);
  const int64_t second = PushOne(Queue::kBatch);
  CHECK(second == kRange);
  CHECK(Count(absl::StrCat("SELECT count(*) FROM batch_events_p1 WHERE id = ", second)) == 1);
  periods = partitions.Periods();
  REQUIRE(periods->size() == 2);
  CHECK((*periods)[0].closed.has_value());
  CHECK(*partitions.Rotate(absl::Hours(24), false) == 1);
  CHECK(Exists("batch_events_p2"));

  // Due by use: half of the id range taken.
  Sql(absl::StrCat("SELECT setval('event_id_seq', ", kRange + kRange / 2, ")"));
  CHECK(*partitions.Rotate(absl::Hours(24), false) == 2);
  CHECK(PushOne(Queue::kRealTime) == 2 * kRange);

  // Reads see every partition: by id, by key, listings across the boundary, open counts.
  CHECK(events.GetById(first)->queue == Queue::kRealTime);
  CHECK(events.GetById(second)->queue == Queue::kBatch);
  EventFilter all{.page_size = 2};
  auto page = events.List(all);
  REQUIRE(page.ok());
  REQUIRE(page->events.size() == 2);
  CHECK(page->events[0].id == 2 * kRange);
  CHECK(page->events[1].id == second);
  all.before_id = page->next_before_id;
  CHECK(events.List(all)->events.at(0).id == first);
  CHECK(events.CountOpen()->n[0][0] == 2);
}

TEST_CASE_METHOD(Fixture, "an external id stays an idempotency key across partitions") {
  const int64_t stored = PushOne(Queue::kRealTime, "order-1");
  std::vector<NewEvent> big;
  for (int i = 0; i < 100; ++i) big.push_back(Make(absl::StrCat("bulk-", i)));
  auto bulk = events.InsertBatch(Queue::kRealTime, big);
  REQUIRE(bulk.ok());
  REQUIRE(partitions.Rotate(absl::ZeroDuration(), true).ok());

  // One event (the INSERT path) and a batch over the COPY threshold (the COPY path), each with
  // keys stored in partition 0.
  auto again = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{Make("order-1")});
  REQUIRE(again.ok());
  CHECK((*again)[0].duplicate);
  CHECK((*again)[0].id == stored);
  big.push_back(Make("fresh"));
  auto bulk_again = events.InsertBatch(Queue::kRealTime, big);
  REQUIRE(bulk_again.ok());
  for (int i = 0; i < 100; ++i) {
    CHECK((*bulk_again)[i].duplicate);
    CHECK((*bulk_again)[i].id == (*bulk)[i].id);
  }
  CHECK_FALSE((*bulk_again)[100].duplicate);
  CHECK((*bulk_again)[100].id >= kRange);
  // The other queue has keys of its own.
  auto other = events.InsertBatch(Queue::kBatch, std::vector<NewEvent>{Make("order-1")});
  CHECK_FALSE((*other)[0].duplicate);
  CHECK(events.GetByExternalId(Queue::kRealTime, "order-1")->id == stored);
  CHECK(Count("SELECT count(*) FROM rt_events") == 102);
}

// The property: whatever rotations happen while connections push the same keys, each key is
// stored once and every push of it gets the same id.
TEST_CASE_METHOD(Fixture, "racing pushes of shared keys across rotations store each key once") {
  constexpr int kWriters = 3;
  constexpr int kRounds = 30;
  std::vector<std::unique_ptr<pg::ConnectionPool>> pools;
  std::vector<std::unique_ptr<EventRepository>> repos;
  for (int w = 0; w < kWriters; ++w) {
    pools.push_back(std::make_unique<pg::ConnectionPool>(
        pg::PoolOptions{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}));
    repos.push_back(std::make_unique<EventRepository>(*pools.back()));
  }
  std::atomic<bool> done{false};
  std::atomic<int> rotations{0};
  std::thread rotator([&] {
    while (!done) {
      if (partitions.Rotate(absl::ZeroDuration(), true).ok()) ++rotations;
    }
  });
  std::vector<std::map<std::string, int64_t>> seen(kWriters);
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        // Rotations interleave with the rounds whatever the machine's speed: every sixth round
        // waits for one more rotation.
        while (rotations < round / 6) std::this_thread::yield();
        // Small batches (INSERT) and big ones (COPY), keys of this round and of the last.
        const int n = round % 2 ? 80 : 5;
        std::vector<NewEvent> batch;
        for (int i = 0; i < n; ++i) {
          batch.push_back(Make(absl::StrCat("k-", round - (i % 2), "-", i % 10)));
        }
        auto out = repos[w]->InsertBatch(Queue::kRealTime, batch);
        if (!out.ok()) {
          ++failures;
          continue;
        }
        for (int i = 0; i < n; ++i) {
          auto [it, fresh] = seen[w].emplace(batch[i].external_id, (*out)[i].id);
          if (!fresh && it->second != (*out)[i].id) ++failures;
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  done = true;
  rotator.join();
  CHECK(failures == 0);
  CHECK(rotations > 3);
  CHECK(Count("SELECT count(DISTINCT id >> 32) FROM rt_events") > 1);
  CHECK(Count("SELECT count(*) FROM (SELECT external_id FROM rt_events GROUP BY external_id "
              "HAVING count(*) > 1) d") == 0);
  for (int w = 1; w < kWriters; ++w) {
    for (const auto& [key, id] : seen[w]) {
      auto it = seen[0].find(key);
      if (it != seen[0].end()) CHECK(it->second == id);
    }
  }
}

TEST_CASE_METHOD(Fixture, "a drop resumes a detach that was interrupted") {
  for (int i = 0; i < 3; ++i) PushOne(Queue::kRealTime);
  PushOne(Queue::kBatch);
  // Final, as a purged period's events are (not taken into account).
  for (const char* table : {"rt_events", "batch_events"}) {
    Sql(absl::StrCat("UPDATE ", table, " SET status = 5, final_xid = pg_current_xact_id()"));
  }
  REQUIRE(partitions.Rotate(absl::ZeroDuration(), true).ok());
  const int64_t kept = PushOne(Queue::kRealTime);
  // As a crash would leave it: one partition detached but not dropped, one still attached.
  Sql("ALTER TABLE batch_events DETACH PARTITION batch_events_p0");
  auto dropped = partitions.Drop(0);
  REQUIRE(dropped.ok());
  CHECK(dropped->counts.events_deleted == 4);
  CHECK_FALSE(Exists("rt_events_p0"));
  CHECK_FALSE(Exists("batch_events_p0"));
  CHECK_FALSE(Exists("delivery_logs_p0"));
  CHECK(Count("SELECT count(*) FROM event_partitions WHERE k = 0") == 0);
  // Again: nothing left to do.
  auto twice = partitions.Drop(0);
  REQUIRE(twice.ok());
  CHECK(twice->counts.events_deleted == 0);
  CHECK(events.GetById(kept).ok());
  // The next partitions go on being made.
  CHECK(*partitions.Rotate(absl::Hours(24), false) == 1);
  CHECK(Exists("rt_events_p2"));
}

}  // namespace
}  // namespace mc::execution
