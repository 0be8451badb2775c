// End to end: pushers spread over two execution instances behind ONE address, the load balancer
// of deploy/lb/ (HAProxy running deploy/lb/haproxy.cfg itself, with its static shard map), and
// idempotency still holds. Every call carries its events' routing key (common/client/
// routing_key.h), a PushEvents batch holds one key's events. Checked: (a) both instances take
// a real share; (b) every external_id is stored once, on the instance shards.map names for its
// key; (c) pushed again through the balancer, every event answers its first id with duplicate =
// true; (d) a call without a valid key is refused with INVALID_ARGUMENT (a gRPC answer, also for
// a 1 MB batch) and stores nothing; (e) with instance b stopped, b's keys fail with UNAVAILABLE
// (nothing goes to a) while a's keys are served; (f) with b back on its address, the retries of
// b's keys are stored on b and b's earlier events answer duplicate.
#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/routing_key.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/load_balancer.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

constexpr int kBatchedEvents = 1800;  // through PushEvents, one batch per key and queue
constexpr int kSingleEvents = 200;    // through PushEvent
constexpr int kEvents = kBatchedEvents + kSingleEvents;
constexpr int kWithoutId = 100;  // PushEvent, no external_id: a random key each

std::unique_ptr<grpc::ClientContext> Routed(const std::string& key) {
  auto ctx = Context();
  ctx->AddMetadata(client::kRoutingKeyHeader, key);
  return ctx;
}

v1::Event MakeEvent(const std::string& external_id) {
  v1::Event e;
  e.set_type("SPREAD");
  e.set_email("spread@example.com");
  e.set_external_id(external_id);
  return e;
}

// The external ids a schema holds (both queues), and its events without one.
struct Stored {
  std::set<std::string> ids;
  int64_t without_id = 0;
  int64_t total() const { return static_cast<int64_t>(ids.size()) + without_id; }
};

Stored Read(const std::string& schema) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + schema);
  Stored out;
  for (const auto& row : tx.exec("SELECT external_id FROM rt_events UNION ALL "
                                 "SELECT external_id FROM batch_events")) {
    if (row[0].is_null()) {
      ++out.without_id;
    } else if (!out.ids.insert(row[0].as<std::string>()).second) {
      FAIL("external_id stored twice in " << schema << ": " << row[0].as<std::string>());
    }
  }
  return out;
}

// One PushEvents call per key and queue: the batches a client makes by grouping on RoutingKey().
struct Batch {
  std::string key;
  v1::PushEventsRequest request;
};

std::vector<Batch> GroupByKey(int first, int count) {
  std::map<std::pair<std::string, int>, v1::PushEventsRequest> by_key;
  for (int i = first; i < first + count; ++i) {
    const std::string id = absl::StrCat("spread-", i);
    const v1::Queue queue = i % 3 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME;
    v1::PushEventsRequest& req = by_key[{client::RoutingKey(id), queue}];
    req.set_queue(queue);
    *req.add_events() = MakeEvent(id);
  }
  std::vector<Batch> out;
  for (auto& [key, req] : by_key) out.push_back({key.first, std::move(req)});
  return out;
}

// A batch of 1000 events of about 1 KB each: a refusal must not depend on the call's size.
v1::PushEventsRequest BigBatch(const std::string& prefix) {
  v1::PushEventsRequest req;
  req.set_queue(v1::QUEUE_BATCH);
  for (int i = 0; i < 1000; ++i) {
    v1::Event* e = req.add_events();
    *e = MakeEvent(absl::StrCat(prefix, i));
    (*e->mutable_ctx()->mutable_fields())["pad"].set_string_value(std::string(1000, 'x'));
  }
  return req;
}

grpc::Status PushOne(v1::EventService::Stub& stub, const std::string& key, const v1::Event& e,
                     v1::PushEventResponse* resp) {
  v1::PushEventRequest req;
  req.set_queue(v1::QUEUE_REAL_TIME);
  *req.mutable_event() = e;
  return stub.PushEvent(Routed(key).get(), req, resp);
}

TEST_CASE("pushers behind one load balancer address spread over two instances, idempotently") {
  const std::map<std::string, std::string> shard_map = ShardMap();
  REQUIRE(shard_map.size() == static_cast<size_t>(client::kRoutingShards));
  std::vector<std::string> keys_of_a, keys_of_b;
  for (const auto& [key, instance] : shard_map) {
    (instance == "mc_exec_a" ? keys_of_a : keys_of_b).push_back(key);
  }
  REQUIRE(keys_of_a.size() + keys_of_b.size() == shard_map.size());
  REQUIRE(keys_of_b.size() >= 2);
  REQUIRE(!keys_of_a.empty());
  const std::string schema_a = testing::FreshSchema("spread_a");
  const std::string schema_b = testing::FreshSchema("spread_b");
  auto a = StartExecution(testing::SharedPostgresDsn(), schema_a);
  auto b = StartExecution(testing::SharedPostgresDsn(), schema_b);
  auto lb = LoadBalancer::Start(a.address(), b.address());
  INFO("haproxy log: " << lb->log_path());
  ExecClient through_lb(lb->address());
  v1::EventService::Stub& events = through_lb.events();

  // The first calls wait until HAProxy has connected to both instances.
  for (const std::string& key : {keys_of_a[0], keys_of_b[0]}) {
    v1::GetEventRequest req;
    req.set_id(1);
    v1::StoredEvent out;
    grpc::Status s;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    do {
      s = events.GetEvent(Routed(key).get(), req, &out);
      if (s.error_code() == grpc::StatusCode::NOT_FOUND) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (absl::Now() < deadline);
    INFO(s.error_message() << "\n" << lb->LogTail());
    REQUIRE(s.error_code() == grpc::StatusCode::NOT_FOUND);  // the instance's own answer
  }

  // Push: batches grouped by key, single events, events without external_id.
  std::map<std::string, int64_t> first_id;
  const std::vector<Batch> batches = GroupByKey(0, kBatchedEvents);
  for (const Batch& batch : batches) {
    v1::PushEventsResponse resp;
    grpc::Status s = events.PushEvents(Routed(batch.key).get(), batch.request, &resp);
    REQUIRE(s.ok());
    REQUIRE(resp.accepted() == batch.request.events_size());
    for (int i = 0; i < batch.request.events_size(); ++i) {
      CHECK_FALSE(resp.results(i).duplicate());
      first_id[batch.request.events(i).external_id()] = resp.results(i).id();
    }
  }
  for (int i = kBatchedEvents; i < kEvents; ++i) {
    const std::string id = absl::StrCat("spread-", i);
    v1::PushEventResponse resp;
    REQUIRE(PushOne(events, client::RoutingKey(id), MakeEvent(id), &resp).ok());
    CHECK_FALSE(resp.duplicate());
    first_id[id] = resp.id();
  }
  for (int i = 0; i < kWithoutId; ++i) {
    v1::PushEventResponse resp;
    REQUIRE(PushOne(events, client::RoutingKey(""), MakeEvent(""), &resp).ok());
  }
  REQUIRE(first_id.size() == static_cast<size_t>(kEvents));

  // (a) both instances have a real share; (b) each external_id once, where its key says.
  const Stored on_a = Read(schema_a), on_b = Read(schema_b);
  WARN("spread over " << batches.size() << " batches and " << kSingleEvents + kWithoutId
                      << " single pushes: instance a " << on_a.total() << " events ("
                      << on_a.ids.size() << " with external_id, " << on_a.without_id
                      << " without), instance b " << on_b.total() << " (" << on_b.ids.size() << ", "
                      << on_b.without_id << ")");
  CHECK(on_a.total() + on_b.total() == kEvents + kWithoutId);
  CHECK(on_a.ids.size() >= kEvents / 5);
  CHECK(on_b.ids.size() >= kEvents / 5);
  CHECK(on_a.without_id > 0);
  CHECK(on_b.without_id > 0);
  int misplaced = 0, twice = 0;
  for (const auto& [id, unused] : first_id) {
    const bool in_a = on_a.ids.count(id) > 0, in_b = on_b.ids.count(id) > 0;
    if (in_a && in_b) ++twice;
    const std::string& instance = shard_map.at(client::RoutingKey(id));
    if (!(instance == "mc_exec_a" ? in_a && !in_b : in_b && !in_a)) ++misplaced;
  }
  CHECK(twice == 0);
  CHECK(misplaced == 0);
  CHECK(on_a.ids.size() + on_b.ids.size() == static_cast<size_t>(kEvents));

  // (c) Pushed again through the balancer: the first id, duplicate, nothing stored.
  int not_duplicate = 0;
  for (const Batch& batch : batches) {
    v1::PushEventsResponse resp;
    REQUIRE(events.PushEvents(Routed(batch.key).get(), batch.request, &resp).ok());
    for (int i = 0; i < batch.request.events_size(); ++i) {
      const v1::EventResult& r = resp.results(i);
      if (!r.duplicate() || r.id() != first_id[batch.request.events(i).external_id()]) {
        ++not_duplicate;
      }
    }
  }
  for (int i = kBatchedEvents; i < kEvents; ++i) {
    const std::string id = absl::StrCat("spread-", i);
    v1::PushEventResponse resp;
    REQUIRE(PushOne(events, client::RoutingKey(id), MakeEvent(id), &resp).ok());
    if (!resp.duplicate() || resp.id() != first_id[id]) ++not_duplicate;
  }
  CHECK(not_duplicate == 0);
  CHECK(Read(schema_a).total() == on_a.total());
  CHECK(Read(schema_b).total() == on_b.total());

  // (d) Without a valid key: INVALID_ARGUMENT from the balancer, nothing stored.
  {
    v1::PushEventRequest req;
    req.set_queue(v1::QUEUE_REAL_TIME);
    *req.mutable_event() = MakeEvent("no-key");
    v1::PushEventResponse resp;
    grpc::Status none = events.PushEvent(Context().get(), req, &resp);
    WARN("without mc-routing-key: " << none.error_code() << " " << none.error_message());
    CHECK(none.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(none.error_message().find("mc-routing-key") != std::string::npos);
    for (const std::string& bad : {std::string("shard-64"), std::string("shard-01"),
                                   std::string("no-such-key"), std::string()}) {
      grpc::Status s = PushOne(events, bad, MakeEvent("no-key"), &resp);
      INFO("key '" << bad << "': " << s.error_message());
      CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    }
    v1::PushEventsResponse batch_resp;
    grpc::Status big = events.PushEvents(Context().get(), BigBatch("no-key-"), &batch_resp);
    INFO("1 MB batch without a key: " << big.error_code() << " " << big.error_message());
    CHECK(big.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    // The instance's own refusal of a big call (a wrong token) comes through as its status.
    auto wrong_token = Context("not-the-token");
    wrong_token->AddMetadata(client::kRoutingKeyHeader, "shard-1");
    grpc::Status bad_token =
        events.PushEvents(wrong_token.get(), BigBatch("bad-token-"), &batch_resp);
    WARN("1 MB batch, wrong token: " << bad_token.error_code() << " " << bad_token.error_message());
    CHECK(bad_token.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    auto twice_ctx = Routed("shard-1");
    twice_ctx->AddMetadata(client::kRoutingKeyHeader, "shard-40");
    grpc::Status s = events.PushEvent(twice_ctx.get(), req, &resp);
    INFO("two keys: " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    // What other gRPC clients need too (Go's and Java's check it): a gRPC content type.
    const std::string raw = lb->RawReplyHeaders({});
    INFO(raw);
    CHECK(raw.find("HTTP/2 200") == 0);
    CHECK(raw.find("content-type: application/grpc") != std::string::npos);
    CHECK(raw.find("grpc-status: 3") != std::string::npos);
    CHECK(Read(schema_a).total() == on_a.total());
    CHECK(Read(schema_b).total() == on_b.total());
  }

  // (e) Instance b stopped: its keys fail with UNAVAILABLE and are not stored on a; a's keys
  // are served. First while HAProxy still counts b up (its connections are refused), then once
  // its health check has marked b down.
  REQUIRE(b.Terminate() == 0);
  std::map<std::string, std::string> id_of_key;  // one fresh external id per key
  for (int i = kEvents; id_of_key.size() < shard_map.size(); ++i) {
    const std::string id = absl::StrCat("spread-", i);
    id_of_key.emplace(client::RoutingKey(id), id);
  }
  auto push_key = [&](const std::string& key) {
    v1::PushEventResponse resp;
    return PushOne(events, key, MakeEvent(id_of_key.at(key)), &resp);
  };
  grpc::Status early = push_key(keys_of_b[0]);
  WARN("b's key, b just stopped: " << early.error_code() << " " << early.error_message());
  CHECK(early.error_code() == grpc::StatusCode::UNAVAILABLE);
  {
    // Either reply, HAProxy's 503 (no connection) or the backend's own (marked down).
    const std::string raw = lb->RawReplyHeaders({"mc-routing-key: " + keys_of_b[1]});
    INFO(raw);
    CHECK(raw.find("content-type: application/grpc") != std::string::npos);
    CHECK(raw.find("grpc-status: 14") != std::string::npos);
  }
  grpc::Status down;
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    down = push_key(keys_of_b[0]);
  } while (down.error_message().find("is down") == std::string::npos && absl::Now() < deadline);
  WARN("b's key, b marked down: " << down.error_code() << " " << down.error_message());
  CHECK(down.error_message().find("is down") != std::string::npos);
  {
    const std::string raw = lb->RawReplyHeaders({"mc-routing-key: " + keys_of_b[0]});
    INFO(raw);
    CHECK(raw.find("content-type: application/grpc") != std::string::npos);
    CHECK(raw.find("grpc-status: 14") != std::string::npos);
  }
  {
    v1::PushEventsResponse resp;
    grpc::Status big = events.PushEvents(Routed(keys_of_b[0]).get(), BigBatch("down-"), &resp);
    INFO("1 MB batch to b, down: " << big.error_code() << " " << big.error_message());
    CHECK(big.error_code() == grpc::StatusCode::UNAVAILABLE);
  }
  size_t a_served = 0, b_unavailable = 0;
  for (const std::string& key : keys_of_a) a_served += push_key(key).ok();
  for (const std::string& key : keys_of_b) {
    b_unavailable += push_key(key).error_code() == grpc::StatusCode::UNAVAILABLE;
  }
  WARN("b stopped: " << a_served << " of a's " << keys_of_a.size() << " keys served, "
                     << b_unavailable << " of b's " << keys_of_b.size() << " UNAVAILABLE");
  CHECK(a_served == keys_of_a.size());
  CHECK(b_unavailable == keys_of_b.size());
  const Stored after = Read(schema_a);
  int b_keys_on_a = 0;
  for (const auto& [key, id] : id_of_key) {
    if (shard_map.at(key) == "mc_exec_b" && after.ids.count(id)) ++b_keys_on_a;
  }
  CHECK(b_keys_on_a == 0);
  CHECK(after.total() == on_a.total() + static_cast<int64_t>(keys_of_a.size()));

  // (f) b back on its address: the calls its keys failed, retried, are stored on b; b's events
  // pushed before the stop answer duplicate, as a retry that outlived the outage would.
  auto b_again =
      StartExecution(testing::SharedPostgresDsn(), schema_b, {"--listen=" + b.address()});
  grpc::Status back;
  const absl::Time back_deadline = absl::Now() + absl::Seconds(20);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    back = push_key(keys_of_b[0]);
  } while (!back.ok() && absl::Now() < back_deadline);
  INFO(back.error_message());
  REQUIRE(back.ok());
  size_t b_stored_after = 0, b_duplicates = 0, b_first_total = 0;
  for (const std::string& key : keys_of_b) b_stored_after += push_key(key).ok();
  for (const Batch& batch : batches) {
    if (shard_map.at(batch.key) != "mc_exec_b") continue;
    v1::PushEventsResponse resp;
    REQUIRE(events.PushEvents(Routed(batch.key).get(), batch.request, &resp).ok());
    for (int i = 0; i < batch.request.events_size(); ++i) {
      ++b_first_total;
      const v1::EventResult& r = resp.results(i);
      b_duplicates += r.duplicate() && r.id() == first_id[batch.request.events(i).external_id()];
    }
  }
  WARN("b back: " << b_stored_after << " of its " << keys_of_b.size() << " keys' retries served; "
                  << b_duplicates << " of " << b_first_total << " earlier events duplicate");
  CHECK(b_stored_after == keys_of_b.size());
  CHECK(b_duplicates == b_first_total);
  const Stored b_final = Read(schema_b);
  CHECK(b_final.total() == on_b.total() + static_cast<int64_t>(keys_of_b.size()));
  CHECK(Read(schema_a).total() == after.total());
  CHECK(b_again.Terminate() == 0);
  CHECK(a.Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
