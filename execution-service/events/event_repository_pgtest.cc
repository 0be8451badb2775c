#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"

namespace mc::execution {
namespace {

NewEvent Make(const std::string& type, const std::string& external_id = "") {
  NewEvent e;
  e.type = type;
  e.email = "user@example.com";
  e.external_id = external_id;
  e.ctx_json = R"({"name":"O\"Brien \\ {x}","n":1})";
  return e;
}

struct Fixture {
  std::string schema = testing::FreshSchema("repo", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  EventRepository repo{pool};
};

TEST_CASE_METHOD(Fixture, "a batch is stored and read back field for field") {
  NewEvent e = Make("ORDER_SHIPPED", "ext-1");
  e.mobile_phone = "+33612345678";
  e.wished_channel = 0;
  e.origin = "shop";
  e.language = "fr";
  e.country = "FR";
  e.email_format = 2;
  e.scheduled = absl::FromUnixMicros(1900000000123456);
  e.expiration = absl::FromUnixMicros(1900000100000000);
  std::vector<NewEvent> batch = {e, Make("PASSWORD_RESET")};
  auto out = repo.InsertBatch(Queue::kRealTime, batch);
  REQUIRE(out.ok());
  REQUIRE(out->size() == 2);
  CHECK((*out)[0].id > 0);
  CHECK((*out)[1].id > (*out)[0].id);
  CHECK_FALSE((*out)[0].duplicate);

  auto got = repo.GetById((*out)[0].id);
  REQUIRE(got.ok());
  CHECK(got->queue == Queue::kRealTime);
  CHECK(got->status == EventStatus::kPending);
  CHECK(got->event.type == "ORDER_SHIPPED");
  CHECK(got->event.mobile_phone == "+33612345678");
  CHECK(got->event.origin == "shop");
  CHECK(got->event.email_format == 2);
  CHECK(absl::ToUnixMicros(*got->event.scheduled) == 1900000000123456);
  CHECK(absl::ToUnixMicros(*got->event.expiration) == 1900000100000000);
  CHECK(got->event.ctx_json.find("O\\\"Brien \\\\ {x}") != std::string::npos);

  auto by_key = repo.GetByExternalId(Queue::kRealTime, "ext-1");
  REQUIRE(by_key.ok());
  CHECK(by_key->id == (*out)[0].id);
  CHECK(repo.GetByExternalId(Queue::kBatch, "ext-1").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(repo.GetById(999999999).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE_METHOD(Fixture, "external ids are idempotency keys per queue") {
  auto first = repo.InsertBatch(Queue::kBatch, std::vector<NewEvent>{Make("A", "k1")});
  REQUIRE(first.ok());
  // Same key again, twice in one batch, and once more in the other queue.
  auto again = repo.InsertBatch(
      Queue::kBatch, std::vector<NewEvent>{Make("A", "k2"), Make("A", "k1"), Make("A", "k2")});
  REQUIRE(again.ok());
  CHECK((*again)[1].id == (*first)[0].id);
  CHECK((*again)[1].duplicate);
  CHECK_FALSE((*again)[0].duplicate);
  CHECK((*again)[2].id == (*again)[0].id);
  CHECK((*again)[2].duplicate);
  auto other_queue = repo.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{Make("A", "k1")});
  REQUIRE(other_queue.ok());
  CHECK_FALSE((*other_queue)[0].duplicate);
  CHECK((*other_queue)[0].id != (*first)[0].id);
}

TEST_CASE_METHOD(Fixture, "racing inserts of the same keys on two connections agree") {
  pg::ConnectionPool pool2({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1});
  EventRepository repo2(pool2);
  for (int round = 0; round < 20; ++round) {
    std::vector<NewEvent> forward, backward;
    for (int k = 0; k < 50; ++k) {
      forward.push_back(Make("R", "race-" + std::to_string(round) + "-" + std::to_string(k)));
    }
    backward.assign(forward.rbegin(), forward.rend());
    absl::StatusOr<std::vector<InsertOutcome>> a, b;
    std::thread t1([&] { a = repo.InsertBatch(Queue::kRealTime, forward); });
    std::thread t2([&] { b = repo2.InsertBatch(Queue::kRealTime, backward); });
    t1.join();
    t2.join();
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    int fresh = 0;
    for (int k = 0; k < 50; ++k) {
      const InsertOutcome& x = (*a)[k];
      const InsertOutcome& y = (*b)[49 - k];
      CHECK(x.id == y.id);
      fresh += (!x.duplicate) + (!y.duplicate);
    }
    CHECK(fresh == 50);  // each key stored exactly once
  }
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  CHECK(tx.exec("SELECT count(*) FROM " + schema + ".rt_events")[0][0].as<int>() == 1000);
}

TEST_CASE_METHOD(Fixture, "listing pages newest first over both queues, with filters") {
  std::vector<NewEvent> rt, batch;
  for (int i = 0; i < 13; ++i) rt.push_back(Make(i % 2 ? "ODD" : "EVEN"));
  for (int i = 0; i < 12; ++i) batch.push_back(Make("BATCHY"));
  REQUIRE(repo.InsertBatch(Queue::kRealTime, rt).ok());
  REQUIRE(repo.InsertBatch(Queue::kBatch, batch).ok());

  std::set<int64_t> seen;
  int64_t previous = INT64_MAX;
  EventFilter f;
  f.page_size = 10;
  int pages = 0;
  for (;;) {
    auto page = repo.List(f);
    REQUIRE(page.ok());
    ++pages;
    for (const StoredEvent& e : page->events) {
      CHECK(e.id < previous);
      previous = e.id;
      seen.insert(e.id);
    }
    if (page->next_before_id == 0) break;
    f.before_id = page->next_before_id;
  }
  CHECK(pages == 3);
  CHECK(seen.size() == 25);

  EventFilter by_queue{.queue = Queue::kBatch, .page_size = 100};
  CHECK(repo.List(by_queue)->events.size() == 12);
  EventFilter by_type{.type = "ODD", .page_size = 100};
  CHECK(repo.List(by_type)->events.size() == 6);
  EventFilter by_status{.status = EventStatus::kSent, .page_size = 100};
  CHECK(repo.List(by_status)->events.empty());
  EventFilter future{.created_after = absl::Now() + absl::Hours(1), .page_size = 100};
  CHECK(repo.List(future)->events.empty());
  EventFilter past{.created_before = absl::Now() + absl::Hours(1), .page_size = 5};
  auto p = repo.List(past);
  CHECK(p->events.size() == 5);
  CHECK(p->next_before_id == p->events.back().id);
}

}  // namespace
}  // namespace mc::execution
