// End to end: the real execution-service binary, a real PostgreSQL, real gRPC clients.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "common/testing/shared_postgres.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

// One service for this test binary, limits lowered so the limit tests stay small.
process::ServiceProcess& Service() {
  static process::ServiceProcess service =
      StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("e2e"),
                     {"--max_events_per_call=50", "--max_ctx_bytes=2048"});
  return service;
}

std::unique_ptr<v1::EventService::Stub> Stub() {
  return v1::EventService::NewStub(Channel(Service().address()));
}

v1::Event EmailEvent(const std::string& type = "ORDER_SHIPPED", const std::string& external = "") {
  v1::Event e;
  e.set_type(type);
  e.set_email("jane@example.com");
  e.set_external_id(external);
  (void)google::protobuf::util::JsonStringToMessage(R"({"order":{"id":"A-17","total":42.5}})",
                                                    e.mutable_ctx());
  return e;
}

grpc::Status Push(const v1::Event& e, v1::PushEventResponse* out = nullptr,
                  v1::Queue queue = v1::QUEUE_REAL_TIME, const std::string& token = kToken) {
  v1::PushEventRequest req;
  req.set_queue(queue);
  *req.mutable_event() = e;
  v1::PushEventResponse local;
  return Stub()->PushEvent(Context(token).get(), req, out ? out : &local);
}

TEST_CASE("calls without a valid bearer token are UNAUTHENTICATED; health needs none") {
  CHECK(Push(EmailEvent(), nullptr, v1::QUEUE_REAL_TIME, "").error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Push(EmailEvent(), nullptr, v1::QUEUE_REAL_TIME, "wrong-token-0123456789").error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  v1::ListEventsRequest list;
  v1::ListEventsResponse list_out;
  CHECK(Stub()->ListEvents(Context("").get(), list, &list_out).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);

  auto health = grpc::health::v1::Health::NewStub(Channel(Service().address()));
  grpc::health::v1::HealthCheckRequest hreq;
  grpc::health::v1::HealthCheckResponse hresp;
  REQUIRE(health->Check(Context("").get(), hreq, &hresp).ok());
  CHECK(hresp.status() == grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_CASE("an event pushed is stored, Pending, and read back by id and by external id") {
  v1::PushEventResponse pushed;
  v1::Event e = EmailEvent("PASSWORD_RESET", "reset-1");
  e.set_language("pt");
  e.mutable_expiration()->set_seconds(4102444800);  // 2100-01-01
  REQUIRE(Push(e, &pushed).ok());
  CHECK(pushed.id() > 0);
  CHECK_FALSE(pushed.duplicate());

  v1::GetEventRequest by_id;
  by_id.set_id(pushed.id());
  v1::StoredEvent got;
  REQUIRE(Stub()->GetEvent(Context().get(), by_id, &got).ok());
  CHECK(got.queue() == v1::QUEUE_REAL_TIME);
  CHECK(got.status() == v1::EVENT_STATUS_PENDING);
  CHECK(got.event().type() == "PASSWORD_RESET");
  CHECK(got.event().language() == "pt");
  CHECK(got.event().expiration().seconds() == 4102444800);
  CHECK(got.event().ctx().fields().at("order").struct_value().fields().at("id").string_value() ==
        "A-17");
  CHECK(got.created().seconds() > 0);

  v1::GetEventRequest by_key;
  by_key.mutable_external()->set_queue(v1::QUEUE_REAL_TIME);
  by_key.mutable_external()->set_external_id("reset-1");
  v1::StoredEvent got2;
  REQUIRE(Stub()->GetEvent(Context().get(), by_key, &got2).ok());
  CHECK(got2.id() == pushed.id());

  v1::GetEventRequest missing;
  missing.set_id(pushed.id() + 1000000);
  CHECK(Stub()->GetEvent(Context().get(), missing, &got2).error_code() ==
        grpc::StatusCode::NOT_FOUND);

  // The same key again: same id, nothing new.
  v1::PushEventResponse again;
  REQUIRE(Push(e, &again).ok());
  CHECK(again.id() == pushed.id());
  CHECK(again.duplicate());
}

// Each validation rule, seen by a real client: INVALID_ARGUMENT and the field named first.
TEST_CASE("each validation rule answers INVALID_ARGUMENT naming the field") {
  struct Case {
    const char* field;
    std::function<void(v1::Event&)> spoil;
  };
  std::vector<Case> cases = {
      {"type", [](v1::Event& e) { e.clear_type(); }},
      {"type", [](v1::Event& e) { e.set_type("not a type!"); }},
      {"email", [](v1::Event& e) { e.clear_email(); }},
      {"email", [](v1::Event& e) { e.set_email("jane@@example"); }},
      {"mobile_phone", [](v1::Event& e) { e.set_wished_channel(v1::CHANNEL_SMS); }},
      {"mobile_phone",
       [](v1::Event& e) {
         e.set_wished_channel(v1::CHANNEL_SMS);
         e.set_mobile_phone("12-ab-34");
       }},
      {"device_token", [](v1::Event& e) { e.set_wished_channel(v1::CHANNEL_ANDROID); }},
      {"wished_channel", [](v1::Event& e) { e.set_wished_channel(static_cast<v1::Channel>(7)); }},
      {"ctx",
       [](v1::Event& e) {
         (*e.mutable_ctx()->mutable_fields())["big"].set_string_value(std::string(3000, 'x'));
       }},
      {"expiration",
       [](v1::Event& e) {
         e.mutable_scheduled()->set_seconds(2000000000);
         e.mutable_expiration()->set_seconds(1999999999);
       }},
      {"email_format", [](v1::Event& e) { e.set_email_format(static_cast<v1::EmailFormat>(9)); }},
  };
  for (const Case& c : cases) {
    v1::Event e = EmailEvent("VALIDATION");
    c.spoil(e);
    grpc::Status s = Push(e);
    INFO("field " << c.field << ": " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().rfind(std::string(c.field) + ":", 0) == 0);
  }
  // No queue named.
  grpc::Status s = Push(EmailEvent(), nullptr, v1::QUEUE_UNSPECIFIED);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("queue:", 0) == 0);
}

TEST_CASE("PushEvents: one result per event, bad ones never fail the good ones") {
  v1::PushEventsRequest req;
  req.set_queue(v1::QUEUE_BATCH);
  *req.add_events() = EmailEvent("NEWSLETTER", "batch-ok-1");
  v1::Event bad = EmailEvent("NEWSLETTER");
  bad.set_email("nobody");
  *req.add_events() = bad;
  *req.add_events() = EmailEvent("NEWSLETTER", "batch-ok-2");
  *req.add_events() = EmailEvent("NEWSLETTER", "batch-ok-1");  // repeat within the call
  v1::Event no_type = EmailEvent("");
  *req.add_events() = no_type;
  v1::PushEventsResponse resp;
  REQUIRE(Stub()->PushEvents(Context().get(), req, &resp).ok());
  REQUIRE(resp.results_size() == 5);
  CHECK(resp.accepted() == 3);
  CHECK(resp.rejected() == 2);
  CHECK(resp.results(0).id() > 0);
  CHECK(resp.results(1).id() == 0);
  CHECK(resp.results(1).rejection().code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(resp.results(1).rejection().field() == "email");
  CHECK(resp.results(2).id() > 0);
  CHECK(resp.results(3).id() == resp.results(0).id());
  CHECK(resp.results(3).duplicate());
  CHECK(resp.results(4).rejection().field() == "type");

  v1::GetEventRequest get;
  get.set_id(resp.results(2).id());
  v1::StoredEvent stored;
  REQUIRE(Stub()->GetEvent(Context().get(), get, &stored).ok());
  CHECK(stored.queue() == v1::QUEUE_BATCH);
}

TEST_CASE("PushEvents: too many events, or none, fail the call") {
  v1::PushEventsRequest req;
  req.set_queue(v1::QUEUE_BATCH);
  v1::PushEventsResponse resp;
  grpc::Status none = Stub()->PushEvents(Context().get(), req, &resp);
  CHECK(none.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  for (int i = 0; i < 51; ++i) *req.add_events() = EmailEvent("TOO_MANY");
  grpc::Status many = Stub()->PushEvents(Context().get(), req, &resp);
  CHECK(many.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(many.error_message().find("limit of 50") != std::string::npos);
  v1::ListEventsRequest list;
  list.set_type("TOO_MANY");
  v1::ListEventsResponse listed;
  REQUIRE(Stub()->ListEvents(Context().get(), list, &listed).ok());
  CHECK(listed.events_size() == 0);
}

TEST_CASE("racing pushes of one external id get one id and store one event") {
  constexpr int kRacers = 16;
  std::vector<int64_t> ids(kRacers);
  std::atomic<int> fresh{0};
  std::vector<std::thread> threads;
  for (int round = 0; round < 5; ++round) {
    const std::string key = "race-key-" + std::to_string(round);
    threads.clear();
    fresh = 0;
    for (int t = 0; t < kRacers; ++t) {
      threads.emplace_back([&, t] {
        v1::PushEventResponse out;
        grpc::Status s = Push(EmailEvent("RACE", key), &out);
        ids[t] = s.ok() ? out.id() : -1;
        if (s.ok() && !out.duplicate()) ++fresh;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(std::set<int64_t>(ids.begin(), ids.end()).size() == 1);
    CHECK(ids[0] > 0);
    CHECK(fresh == 1);
  }
  v1::ListEventsRequest list;
  list.set_type("RACE");
  v1::ListEventsResponse listed;
  REQUIRE(Stub()->ListEvents(Context().get(), list, &listed).ok());
  CHECK(listed.events_size() == 5);
}

TEST_CASE("ListEvents pages through filtered events, newest first") {
  v1::PushEventsRequest req;
  req.set_queue(v1::QUEUE_REAL_TIME);
  for (int i = 0; i < 23; ++i) *req.add_events() = EmailEvent("PAGED");
  v1::PushEventsResponse pushed;
  REQUIRE(Stub()->PushEvents(Context().get(), req, &pushed).ok());
  REQUIRE(pushed.accepted() == 23);

  std::vector<int64_t> seen;
  v1::ListEventsRequest list;
  list.set_type("PAGED");
  list.set_queue(v1::QUEUE_REAL_TIME);
  list.set_status(v1::EVENT_STATUS_PENDING);
  list.set_page_size(10);
  int pages = 0;
  do {
    v1::ListEventsResponse page;
    REQUIRE(Stub()->ListEvents(Context().get(), list, &page).ok());
    ++pages;
    for (const auto& e : page.events()) seen.push_back(e.id());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  CHECK(pages == 3);
  REQUIRE(seen.size() == 23);
  CHECK(std::is_sorted(seen.rbegin(), seen.rend()));
  CHECK(seen.front() == pushed.results(22).id());

  list.set_page_token("garbage");
  v1::ListEventsResponse bad;
  CHECK(Stub()->ListEvents(Context().get(), list, &bad).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  list.clear_page_token();
  list.set_status(v1::EVENT_STATUS_SENT);
  REQUIRE(Stub()->ListEvents(Context().get(), list, &bad).ok());
  CHECK(bad.events_size() == 0);
}

// The ids of one page, and its status (the message when refused).
struct Listed {
  grpc::Status status;
  std::vector<int64_t> ids;
  std::string next;
};

Listed List(v1::EventService::Stub& stub, v1::ListEventsRequest request, const std::string& token) {
  request.set_page_token(token);
  v1::ListEventsResponse page;
  Listed out;
  out.status = stub.ListEvents(Context().get(), request, &page);
  for (const auto& e : page.events()) out.ids.push_back(e.id());
  out.next = page.next_page_token();
  return out;
}

// True when `token` is refused with INVALID_ARGUMENT "page_token: ..." (and the message does not
// echo a token).
bool Refused(v1::EventService::Stub& stub, const v1::ListEventsRequest& request,
             const std::string& token) {
  Listed l = List(stub, request, token);
  INFO("token '" << token << "': " << l.status.error_code() << " " << l.status.error_message());
  if (token.size() > 8) CHECK(l.status.error_message().find(token) == std::string::npos);
  return l.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
         l.status.error_message().rfind("page_token: ", 0) == 0;
}

std::vector<int64_t> PushMany(v1::EventService::Stub& stub, const std::string& type, int n) {
  v1::PushEventsRequest req;
  req.set_queue(v1::QUEUE_REAL_TIME);
  for (int i = 0; i < n; ++i) *req.add_events() = EmailEvent(type);
  v1::PushEventsResponse pushed;
  REQUIRE(stub.PushEvents(Context().get(), req, &pushed).ok());
  REQUIRE(pushed.accepted() == n);
  std::vector<int64_t> ids;
  for (const auto& r : pushed.results()) ids.push_back(r.id());
  return ids;
}

TEST_CASE("ListEvents page tokens are opaque, bound to their filter, and refuse tampering") {
  auto stub = Stub();
  std::vector<int64_t> pushed = PushMany(*stub, "TOKENS", 25);
  std::sort(pushed.rbegin(), pushed.rend());
  v1::ListEventsRequest list;
  list.set_type("TOKENS");
  list.set_queue(v1::QUEUE_REAL_TIME);
  list.set_page_size(10);

  // Real tokens page through everything; page_size may change from page to page.
  Listed first = List(*stub, list, "");
  REQUIRE(first.status.ok());
  REQUIRE(first.ids.size() == 10);
  REQUIRE(!first.next.empty());
  const std::string token = first.next;
  CHECK(token.find(std::to_string(first.ids.back())) == std::string::npos);  // not a bare id
  std::vector<int64_t> seen = first.ids;
  std::string next = token;
  for (int page_size : {5, 20}) {
    list.set_page_size(page_size);
    Listed page = List(*stub, list, next);
    REQUIRE(page.status.ok());
    seen.insert(seen.end(), page.ids.begin(), page.ids.end());
    next = page.next;
  }
  CHECK(next.empty());
  CHECK(seen == pushed);
  list.set_page_size(10);
  Listed second = List(*stub, list, token);
  REQUIRE(second.status.ok());
  CHECK(second.ids == std::vector<int64_t>(pushed.begin() + 10, pushed.begin() + 20));

  // Padded, truncated, edited, extended, or not a token at all.
  CHECK(Refused(*stub, list, " " + token + " "));
  CHECK(Refused(*stub, list, token + "\n"));
  CHECK(Refused(*stub, list, token + "="));
  CHECK(Refused(*stub, list, token.substr(0, token.size() - 1)));
  CHECK(Refused(*stub, list, token.substr(0, 2)));
  for (size_t at : {size_t{0}, size_t{5}, token.size() / 2, token.size() - 1}) {
    std::string edited = token;
    edited[at] = edited[at] == 'A' ? 'B' : 'A';
    CHECK(Refused(*stub, list, edited));
  }
  const std::string bare = std::to_string(first.ids.back());  // the old token format
  for (const std::string& nonsense :
       {bare, " " + bare + " ", bare.substr(0, 2), std::to_string(first.ids.back() - 5),
        std::string(" "), std::string("garbage"), std::string(token.size(), 'A')}) {
    CHECK(Refused(*stub, list, nonsense));
  }

  // The same token with another filter: refused, saying so (before: accepted, an empty page).
  std::vector<v1::ListEventsRequest> others(5, list);
  others[0].set_type("OTHER");
  others[1].set_queue(v1::QUEUE_BATCH);
  others[2].clear_queue();
  others[3].set_status(v1::EVENT_STATUS_SENT);
  others[4].mutable_created_before()->set_seconds(4102444800);  // 2100-01-01
  for (const v1::ListEventsRequest& other : others) {
    CHECK(Refused(*stub, other, token));
    CHECK(List(*stub, other, token)
              .status.error_message()
              .rfind("page_token: not a token ListEvents issued for this filter", 0) == 0);
  }
  // And the original filter still takes it.
  CHECK(List(*stub, list, token).status.ok());
}

TEST_CASE("a page token works on every replica of its instance and after a restart, only there") {
  const std::string schema = testing::FreshSchema("tokens");
  auto a = std::make_unique<process::ServiceProcess>(
      StartExecution(testing::SharedPostgresDsn(), schema));
  auto b = StartExecution(testing::SharedPostgresDsn(), schema);
  auto stub_a = v1::EventService::NewStub(Channel(a->address()));
  auto stub_b = v1::EventService::NewStub(Channel(b.address()));
  std::vector<int64_t> pushed = PushMany(*stub_a, "REPLICA", 12);
  std::sort(pushed.rbegin(), pushed.rend());
  v1::ListEventsRequest list;
  list.set_type("REPLICA");
  list.set_page_size(5);

  Listed first = List(*stub_a, list, "");
  REQUIRE(first.status.ok());
  Listed on_b = List(*stub_b, list, first.next);  // issued by A, read by B
  REQUIRE(on_b.status.ok());
  CHECK(on_b.ids == std::vector<int64_t>(pushed.begin() + 5, pushed.begin() + 10));
  Listed back_on_a = List(*stub_a, list, on_b.next);  // issued by B, read by A
  REQUIRE(back_on_a.status.ok());
  CHECK(back_on_a.ids == std::vector<int64_t>(pushed.begin() + 10, pushed.end()));
  CHECK(back_on_a.next.empty());

  // A restarted replica keeps the instance's key.
  REQUIRE(a->Terminate(absl::Seconds(20)) == 0);
  a = std::make_unique<process::ServiceProcess>(
      StartExecution(testing::SharedPostgresDsn(), schema));
  stub_a = v1::EventService::NewStub(Channel(a->address()));
  Listed after_restart = List(*stub_a, list, first.next);
  REQUIRE(after_restart.status.ok());
  CHECK(after_restart.ids == on_b.ids);

  // Another instance (this binary's shared service, its own schema) has its own key.
  CHECK(Refused(*Stub(), list, first.next));
}

TEST_CASE("SIGTERM drains and exits cleanly") {
  auto service = StartExecution(testing::SharedPostgresDsn(), testing::FreshSchema("term"));
  auto stub = v1::EventService::NewStub(Channel(service.address()));
  v1::PushEventRequest req;
  req.set_queue(v1::QUEUE_REAL_TIME);
  *req.mutable_event() = EmailEvent();
  v1::PushEventResponse out;
  REQUIRE(stub->PushEvent(Context().get(), req, &out).ok());
  CHECK(service.Terminate(absl::Seconds(20)) == 0);
}

}  // namespace
}  // namespace mc::e2e
