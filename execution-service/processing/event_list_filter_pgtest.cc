// ListEvents' filters by address, external id and template, against a real PostgreSQL, the
// events routed by the processing workflows' own statement: an address is compared as the
// quarantine compares it (an email's domain in any case, a phone number without its
// separators), an external id exactly (in either queue), a template by its internal name (any
// version); combined with the other filters and with paging, under the page tokens.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/pg/execute.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/events/event_validator.h"
#include "execution-service/events/page_token.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("listfilter", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 1,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository templates{pool};
  ProcessingRepository processing{workflow_pool};

  void Publish(const std::string& name, const std::string& type, int channel, int version) {
    REQUIRE(templates
                .Publish({.internal_name = name,
                          .event_type = type,
                          .channel = channel,
                          .version = version,
                          .subject = "s",
                          .text_body = "t",
                          .sms_text = "t"})
                .ok());
  }

  // As ingestion stores it: validated (a phone number's separators dropped).
  int64_t Push(Queue queue, const std::string& type, int channel, const std::string& address,
               const std::string& external_id = "") {
    NewEvent e;
    e.type = type;
    e.wished_channel = channel;
    (channel == 0 ? e.email : e.mobile_phone) = address;
    e.external_id = external_id;
    REQUIRE(ValidateEvent(e, {}).ok());
    auto out = events.InsertBatch(queue, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  void Route() {
    for (Queue q : kQueues) REQUIRE(processing.ClaimAndRoute(q, 1000, absl::Minutes(5)).ok());
  }

  std::vector<int64_t> Ids(const EventFilter& f) {
    absl::StatusOr<EventPage> page = events.List(f);
    REQUIRE(page.ok());
    std::vector<int64_t> ids;
    for (const StoredEvent& e : page->events) ids.push_back(e.id);
    return ids;
  }
};

EventFilter Address(std::string address) {
  EventFilter f;
  f.address = std::move(address);
  return f;
}

TEST_CASE_METHOD(Fixture, "address: an email's domain in any case, its local part as given") {
  const int64_t lower = Push(Queue::kRealTime, "SHIP", 0, "ann@example.test");
  const int64_t upper = Push(Queue::kBatch, "SHIP", 0, "ann@EXAMPLE.Test");
  const int64_t other_local = Push(Queue::kRealTime, "SHIP", 0, "Ann@example.test");
  Push(Queue::kRealTime, "SHIP", 0, "ann@example.org");
  CHECK(Ids(Address("ann@Example.TEST")) == std::vector<int64_t>{upper, lower});
  CHECK(Ids(Address("Ann@example.test")) == std::vector<int64_t>{other_local});
  CHECK(Ids(Address("ann@example")).empty());
  EventFilter rt = Address("ann@example.test");
  rt.queue = Queue::kRealTime;
  CHECK(Ids(rt) == std::vector<int64_t>{lower});
}

TEST_CASE_METHOD(Fixture, "address: a phone number with or without separators") {
  const int64_t phone = Push(Queue::kRealTime, "SHIP", 1, "+33 6 12 34 56 78");
  Push(Queue::kRealTime, "SHIP", 1, "+33 6 12 34 56 79");
  // An email event whose address has the same digits is on another channel: no match.
  Push(Queue::kRealTime, "SHIP", 0, "33612345678@example.test");
  for (const char* given : {"+33612345678", "+33 (6) 12-34-56-78", "+33.6.12.34.56.78"}) {
    INFO(given);
    CHECK(Ids(Address(given)) == std::vector<int64_t>{phone});
  }
  CHECK(Ids(Address("33612345678")).empty());  // the '+' is part of the number
}

TEST_CASE_METHOD(Fixture, "external id: exact, in either queue unless one is given") {
  const int64_t rt = Push(Queue::kRealTime, "SHIP", 0, "a@example.test", "order-1");
  const int64_t batch = Push(Queue::kBatch, "SHIP", 0, "b@example.test", "order-1");
  Push(Queue::kRealTime, "SHIP", 0, "c@example.test", "order-10");
  Push(Queue::kRealTime, "SHIP", 0, "d@example.test");
  EventFilter f;
  f.external_id = "order-1";
  CHECK(Ids(f) == std::vector<int64_t>{batch, rt});
  f.queue = Queue::kBatch;
  CHECK(Ids(f) == std::vector<int64_t>{batch});
  f.queue.reset();
  f.external_id = "ORDER-1";
  CHECK(Ids(f).empty());
  // With the other filters.
  f.external_id = "order-1";
  f.address = "A@EXAMPLE.TEST";
  CHECK(Ids(f).empty());  // the local part differs
  f.address = "a@EXAMPLE.TEST";
  CHECK(Ids(f) == std::vector<int64_t>{rt});
  f.status = EventStatus::kSent;
  CHECK(Ids(f).empty());
}

TEST_CASE_METHOD(Fixture, "template: every version of that internal name, in both queues") {
  Publish("shipped", "SHIP", 0, 1);
  Publish("reset", "RESET", 0, 1);
  const int64_t v1 = Push(Queue::kRealTime, "SHIP", 0, "a@example.test");
  const int64_t v1_batch = Push(Queue::kBatch, "SHIP", 0, "a@example.test");
  const int64_t reset = Push(Queue::kRealTime, "RESET", 0, "a@example.test");
  const int64_t not_taken = Push(Queue::kRealTime, "OTHER", 0, "a@example.test");
  Route();
  Publish("shipped", "SHIP", 0, 2);
  const int64_t v2 = Push(Queue::kRealTime, "SHIP", 0, "a@example.test");
  const int64_t pending = Push(Queue::kRealTime, "SHIP", 0, "a@example.test");
  Route();
  EventFilter f;
  f.template_name = "shipped";
  CHECK(Ids(f) == std::vector<int64_t>{pending, v2, v1_batch, v1});
  f.template_name = "reset";
  CHECK(Ids(f) == std::vector<int64_t>{reset});
  f.template_name = "unknown";
  CHECK(Ids(f).empty());
  f.template_name = "shipped";
  f.queue = Queue::kBatch;
  CHECK(Ids(f) == std::vector<int64_t>{v1_batch});
  // Not taken into account: routed to no template.
  f.queue.reset();
  f.template_name.clear();
  f.status = EventStatus::kNotTakenIntoAccount;
  CHECK(Ids(f) == std::vector<int64_t>{not_taken});
}

TEST_CASE_METHOD(Fixture, "filters page newest first under tokens bound to them") {
  Publish("shipped", "SHIP", 0, 1);
  std::vector<int64_t> matching;
  for (int i = 0; i < 5; ++i) {
    matching.insert(matching.begin(), Push(i % 2 == 0 ? Queue::kRealTime : Queue::kBatch, "SHIP", 0,
                                           i % 2 == 0 ? "pat@Example.test" : "pat@example.TEST"));
    Push(Queue::kRealTime, "SHIP", 0, "someone@example.test");  // in between, never listed
  }
  Route();
  absl::StatusOr<PageTokenCodec> codec = PageTokenCodec::Create(std::string(32, 'k'));
  REQUIRE(codec.ok());
  EventFilter f = Address("pat@example.test");
  f.template_name = "shipped";
  f.page_size = 2;
  std::vector<int64_t> walked;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<int64_t> before = codec->Decode(token, f);
    REQUIRE(before.ok());
    f.before_id = *before;
    absl::StatusOr<EventPage> page = events.List(f);
    REQUIRE(page.ok());
    for (const StoredEvent& e : page->events) walked.push_back(e.id);
    token = codec->Encode(page->next_before_id, f);
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(walked == matching);
  CHECK(pages == 3);
  // A token of this walk, given with another address or template, is another filter's.
  EventFilter first = Address("pat@example.test");
  first.template_name = "shipped";
  const std::string issued = codec->Encode(matching[1], first);
  EventFilter other_address = first;
  other_address.address = "pat@EXAMPLE.test";
  CHECK(codec->Decode(issued, other_address).status().code() == absl::StatusCode::kInvalidArgument);
  EventFilter other_template = first;
  other_template.template_name = "reset";
  CHECK(codec->Decode(issued, other_template).status().code() ==
        absl::StatusCode::kInvalidArgument);
  EventFilter without = first;
  without.template_name.clear();
  CHECK(codec->Decode(issued, without).status().code() == absl::StatusCode::kInvalidArgument);
}

// The generic plan of a statement the pool prepared, for the arguments given as SQL literals.
std::string GenericPlan(pg::ConnectionPool& pool, const std::string& execute) {
  absl::StatusOr<std::string> plan =
      pg::WithConnection(pool, [&](pqxx::connection& c) -> absl::StatusOr<std::string> {
        pqxx::work tx(c);
        tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
        std::string out;
        for (const pqxx::row& row : tx.exec("EXPLAIN EXECUTE " + execute)) {
          out += row[0].as<std::string>() + "\n";
        }
        return out;
      });
  INFO(plan.status());
  REQUIRE(plan.ok());
  return *plan;
}

TEST_CASE_METHOD(Fixture, "an external id is read through the partitions' unique indexes") {
  std::vector<NewEvent> many(3000);
  for (size_t i = 0; i < many.size(); ++i) {
    many[i].type = "SHIP";
    many[i].email = "a@example.test";
    many[i].external_id = "order-" + std::to_string(i);
  }
  REQUIRE(events.InsertBatch(Queue::kRealTime, many).ok());
  REQUIRE(pg::WithConnection(pool, [](pqxx::connection& c) {
            pqxx::nontransaction(c).exec("ANALYZE rt_events");
            return absl::OkStatus();
          }).ok());
  // One connection, on which both list statements have run (libpqxx 6 prepares a statement on
  // the server when it is first used).
  pg::ConnectionPool one{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  EventRepository on_one(one);
  EventFilter f;
  f.external_id = "order-7";
  absl::StatusOr<EventPage> found = on_one.List(f);
  REQUIRE(found.ok());
  CHECK(found->events.size() == 1);
  REQUIRE(on_one.List({}).ok());
  // Every argument as the handler passes it for a bare external-id filter: NULLs, the limit.
  const std::string by_key = GenericPlan(
      one, "events_list_external(NULL, NULL, NULL, NULL, NULL, NULL, 101, NULL, 'order-7', NULL)");
  INFO(by_key);
  CHECK(by_key.find("rt_events_p0_external_id") != std::string::npos);
  // The statement of the other filters walks the primary key instead.
  const std::string walk =
      GenericPlan(one, "events_list(NULL, NULL, NULL, NULL, NULL, NULL, 101, NULL, NULL, NULL)");
  INFO(walk);
  CHECK(walk.find("_external_id") == std::string::npos);
}

}  // namespace
}  // namespace mc::execution
