// End to end: PostgreSQL crashes and restarts while clients push. Nothing that got an id is
// lost, failures during the outage are UNAVAILABLE only, and the service recovers by itself.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "common/pgcluster/temp_postgres.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

TEST_CASE("a PostgreSQL crash in the middle of pushing loses nothing that got an id") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  auto service = StartExecution((*pg)->Dsn(), "restart");
  auto channel = Channel(service.address());

  std::mutex mu;
  std::map<std::string, int64_t> acknowledged;  // external id -> id
  std::vector<std::vector<std::string>> failed_batches;
  std::map<grpc::StatusCode, int> failures;
  std::atomic<bool> stop{false};
  std::atomic<bool> restarted{false};
  std::atomic<int> ok_after_restart{0};

  auto pusher = [&](int worker) {
    auto stub = v1::EventService::NewStub(channel);
    for (int batch = 0; !stop; ++batch) {
      v1::PushEventsRequest req;
      req.set_queue(worker % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME);
      std::vector<std::string> keys;
      for (int i = 0; i < 20; ++i) {
        v1::Event* e = req.add_events();
        e->set_type("RESTART");
        e->set_email("r@example.com");
        keys.push_back("w" + std::to_string(worker) + "-b" + std::to_string(batch) + "-" +
                       std::to_string(i));
        e->set_external_id(keys.back());
      }
      v1::PushEventsResponse resp;
      grpc::Status s = stub->PushEvents(Context().get(), req, &resp);
      std::lock_guard<std::mutex> lock(mu);
      if (s.ok()) {
        for (int i = 0; i < resp.results_size(); ++i) acknowledged[keys[i]] = resp.results(i).id();
        if (restarted) ++ok_after_restart;
      } else {
        ++failures[s.error_code()];
        failed_batches.push_back(keys);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 6; ++w) threads.emplace_back(pusher, w);

  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  REQUIRE((*pg)->Crash().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE((*pg)->Restart().ok());
  restarted = true;
  for (int i = 0; i < 200 && ok_after_restart < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (auto& t : threads) t.join();

  INFO("acknowledged " << acknowledged.size() << ", failed batches " << failed_batches.size());
  CHECK(ok_after_restart >= 20);     // recovered by itself
  CHECK(failed_batches.size() > 0);  // the outage was seen
  for (const auto& [code, n] : failures) {
    INFO("failure code " << code << " x" << n);
    CHECK(code == grpc::StatusCode::UNAVAILABLE);
  }

  // A client retrying its failed batches with the same external ids is safe.
  auto stub = v1::EventService::NewStub(channel);
  for (const auto& keys : failed_batches) {
    v1::PushEventsRequest req;
    req.set_queue(keys[0][1] % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME);
    for (const std::string& k : keys) {
      v1::Event* e = req.add_events();
      e->set_type("RESTART");
      e->set_email("r@example.com");
      e->set_external_id(k);
    }
    v1::PushEventsResponse resp;
    REQUIRE(stub->PushEvents(Context().get(), req, &resp).ok());
  }

  // Every acknowledged event is in the database, under its id, exactly once.
  pqxx::connection c((*pg)->Dsn());
  pqxx::work tx(c);
  std::map<std::string, int64_t> stored;
  for (const auto& row : tx.exec("SELECT external_id, id FROM restart.rt_events UNION ALL "
                                 "SELECT external_id, id FROM restart.batch_events")) {
    CHECK(stored.emplace(row[0].as<std::string>(), row[1].as<int64_t>()).second);
  }
  size_t missing = 0;
  for (const auto& [key, id] : acknowledged) {
    auto it = stored.find(key);
    if (it == stored.end() || it->second != id) ++missing;
  }
  CHECK(missing == 0);
  size_t expected = acknowledged.size();
  for (const auto& keys : failed_batches) {
    for (const auto& k : keys) expected += acknowledged.count(k) ? 0 : 1;
  }
  CHECK(stored.size() == expected);
  CHECK(service.Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
