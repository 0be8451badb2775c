#include <catch2/catch.hpp>
#include <future>
#include <iostream>
#include <set>
#include <thread>

#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/migrations/migrations.h"

namespace mc::execution {
namespace {

NewEvent Valid(int i) {
  NewEvent e;
  e.type = "WELCOME";
  e.email = "user" + std::to_string(i) + "@example.com";
  return e;
}

struct Fixture {
  std::string schema = testing::FreshSchema("ingest", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 6}};
  EventRepository repo{pool};
  log::Logger logger{"test", log::Level::kError, std::cerr};
  GroupCommitter committer{repo, {.writers = 4}, logger};
  EventIngestion ingestion{committer, repo, {.max_events_per_call = 10}};

  int64_t Scalar(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET search_path TO " + schema);
    return tx.exec(sql)[0][0].as<int64_t>();
  }
};

TEST_CASE_METHOD(Fixture, "a bad event never fails the good ones") {
  std::vector<absl::StatusOr<NewEvent>> events;
  events.push_back(Valid(1));
  NewEvent bad_email = Valid(2);
  bad_email.email = "nope";
  events.push_back(bad_email);
  events.push_back(absl::InvalidArgumentError("ctx: cannot be written as JSON"));
  events.push_back(Valid(3));
  auto results = ingestion.PushMany(Queue::kRealTime, std::move(events));
  REQUIRE(results.ok());
  REQUIRE(results->size() == 4);
  CHECK((*results)[0].status.ok());
  CHECK((*results)[1].status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(FieldOf((*results)[1].status.message()) == "email");
  CHECK(FieldOf((*results)[2].status.message()) == "ctx");
  CHECK((*results)[3].status.ok());
  CHECK(Scalar("SELECT count(*) FROM rt_events") == 2);
  CHECK(ingestion.Get((*results)[3].outcome.id)->event.event.email == "user3@example.com");
}

TEST_CASE_METHOD(Fixture, "call-level limits") {
  CHECK(ingestion.PushMany(Queue::kBatch, {}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  std::vector<absl::StatusOr<NewEvent>> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(Valid(i));
  auto s = ingestion.PushMany(Queue::kBatch, std::move(eleven)).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("limit of 10") != std::string::npos);
  CHECK(Scalar("SELECT count(*) FROM batch_events") == 0);
  CHECK(ingestion.List({.page_size = 1001}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(Fixture, "concurrent single pushes are group-committed") {
  constexpr int kThreads = 32, kEach = 25;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = ingestion.PushOne(Queue::kRealTime, Valid(t * kEach + i));
        if (r.ok()) ids[t].push_back(r->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  CHECK(all.size() == kThreads * kEach);
  CHECK(Scalar("SELECT count(*) FROM rt_events") == kThreads * kEach);
  // Rows written by one transaction share its xmin: fewer transactions than events.
  int64_t transactions = Scalar("SELECT count(DISTINCT xmin::text) FROM rt_events");
  INFO("transactions: " << transactions);
  CHECK(transactions < kThreads * kEach / 2);
}

TEST_CASE_METHOD(Fixture, "a real-time push never waits behind a batch write in flight") {
  // Another session holds the batch table: the batch write blocks in PostgreSQL.
  pqxx::connection blocker(testing::SharedPostgresDsn());
  pqxx::work lock_tx(blocker);
  lock_tx.exec("LOCK TABLE " + schema + ".batch_events IN EXCLUSIVE MODE");
  std::thread batch([&] {
    std::vector<absl::StatusOr<NewEvent>> events;
    for (int i = 0; i < 3; ++i) events.push_back(Valid(i));
    CHECK(ingestion.PushMany(Queue::kBatch, events).ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the batch write is in flight
  std::promise<bool> rt_done;
  ingestion.PushOneAsync(Queue::kRealTime, Valid(100),
                         [&](absl::StatusOr<InsertOutcome> r) { rt_done.set_value(r.ok()); });
  std::future<bool> rt = rt_done.get_future();
  CHECK(rt.wait_for(std::chrono::seconds(2)) == std::future_status::ready);
  CHECK(Scalar("SELECT count(*) FROM batch_events") == 0);  // still held
  lock_tx.abort();
  batch.join();
  CHECK(rt.get());
  CHECK(Scalar("SELECT count(*) FROM batch_events") == 3);
}

TEST_CASE_METHOD(Fixture, "a value PostgreSQL refuses fails only its own request") {
  // Bypass validation to reach the database's own check (wished_channel IN (0,1,41,42)).
  std::vector<std::thread> threads;
  std::atomic<int> good_ok{0};
  absl::Status bad_status;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      if (t == 3) {
        NewEvent bad = Valid(99);
        bad.wished_channel = 7;
        bad_status = committer.Submit(Queue::kBatch, {bad}).status();
      } else {
        for (int i = 0; i < 10; ++i) good_ok += committer.Submit(Queue::kBatch, {Valid(i)}).ok();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(bad_status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(good_ok == 70);
  CHECK(Scalar("SELECT count(*) FROM batch_events") == 70);
}

TEST_CASE_METHOD(Fixture, "after Stop, pushes are refused as UNAVAILABLE") {
  committer.Stop();
  CHECK(ingestion.PushOne(Queue::kRealTime, Valid(1)).status().code() ==
        absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace mc::execution
