// The archive export (also across partitions), its acknowledgement, the purge of whole periods
// and the instance identity against a real PostgreSQL, with events made final by the processing
// workflows' own statements.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/archive/archive_export.h"
#include "execution-service/archive/archive_purge.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/archive/identity_repository.h"
#include "execution-service/archive/instance_identity.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/partitions/partition_repository.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_repository.h"
#include "execution-service/workflows/workflow_repository.h"

namespace mc::execution {
namespace {

constexpr char kWithTemplate[] = "SHIP";
constexpr char kWithoutTemplate[] = "NOPE";

struct Fixture {
  std::string schema = testing::FreshSchema("archive", Migrations());
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kDebug, log_sink};
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository templates{pool};
  WorkflowRepository workflows{pool};
  ArchiveRepository archive{pool};
  PartitionRepository partitions{pool};
  IdentityRepository identity{pool};
  ProcessingRepository processing{workflow_pool};
  ArchiveExport exporter{archive, identity};
  InstanceIdentity instance{identity, workflows, {.version = "9.9.9", .schema = schema}, logger};

  Fixture() {
    TemplateContent t{.internal_name = "shipTpl",
                      .event_type = kWithTemplate,
                      .channel = 0,
                      .version = 1,
                      .subject = "s",
                      .text_body = "t"};
    REQUIRE(templates.Publish(t).ok());
  }

  int64_t Push(Queue queue, const std::string& type) {
    NewEvent e;
    e.type = type;
    e.email = "user@example.com";
    e.external_id = absl::StrCat("ext-", ++pushed_);
    auto out = events.InsertBatch(queue, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  RouteResult Route(Queue queue) {
    auto r = processing.ClaimAndRoute(queue, 100, absl::Minutes(5));
    REQUIRE(r.ok());
    return *r;
  }

  // Records one delivery log per routed event, then copies the outcomes onto the events.
  void Deliver(Queue queue, const RouteResult& routed, EventStatus status,
               const std::string& failure_type = "", const std::string& reason = "") {
    std::vector<DeliveryRecord> records;
    for (const DeliveryItem& d : routed.to_deliver) {
      records.push_back({d.id, 0, d.event.email, d.template_id, d.template_version, status,
                         failure_type, reason, d.tries + 1, absl::StrCat("<ev-", d.id, "@t>")});
    }
    REQUIRE(processing.RecordOutcomes(queue, records, {}, {}).ok());
    REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
  }

  std::vector<ArchivePage> Export(const ArchiveCursor& after, int page_size, int max_pages = 0) {
    std::vector<ArchivePage> pages;
    absl::Status s =
        exporter.Export({.after = after, .page_size = page_size, .max_pages = max_pages},
                        [&](const ArchivePage& p) {
                          pages.push_back(p);
                          return true;
                        });
    REQUIRE(s.ok());
    return pages;
  }

  std::vector<int64_t> Ids(const std::vector<ArchivePage>& pages) {
    std::vector<int64_t> ids;
    for (const ArchivePage& p : pages) {
      for (const ArchivedEvent& e : p.events) ids.push_back(e.id);
    }
    return ids;
  }

  void Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    tx.exec(sql);
    tx.commit();
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    return tx.exec1(sql)[0].as<int64_t>();
  }

  uint64_t Horizon() {
    return static_cast<uint64_t>(
        Count("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"));
  }

  int pushed_ = 0;
};

TEST_CASE_METHOD(Fixture, "the export needs a stamped identifier") {
  absl::Status s = exporter.Export({}, [](const ArchivePage&) { return true; });
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(s.message() ==
        "the execution instance is not initialized: run Initialize connection on the control "
        "instance");
  CHECK(exporter.ExportQuarantine(0, [](const QuarantinePage&) { return true; }).code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE_METHOD(Fixture, "final events are exported in order, with cursors and delivery logs") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  const int64_t sent = Push(Queue::kRealTime, kWithTemplate);
  const int64_t not_taken_rt = Push(Queue::kRealTime, kWithoutTemplate);
  const int64_t failed = Push(Queue::kBatch, kWithTemplate);
  const int64_t not_taken_batch = Push(Queue::kBatch, kWithoutTemplate);
  const int64_t pending = Push(Queue::kBatch, kWithTemplate);
  // Transaction A makes not_taken_rt final, B not_taken_batch; C (one transaction for both
  // queues) sent and failed. `pending` is taken up later and never gets an outcome.
  RouteResult rt = Route(Queue::kRealTime);
  RouteResult batch = Route(Queue::kBatch);
  REQUIRE(rt.to_deliver.size() == 1);
  REQUIRE(batch.to_deliver.size() == 2);
  REQUIRE(processing
              .RecordOutcomes(Queue::kRealTime,
                              {{sent, 0, "user@example.com", rt.to_deliver[0].template_id, 1,
                                EventStatus::kSent, "", "", 1, "<ev-rt@t>"}},
                              {}, {})
              .ok());
  REQUIRE(processing
              .RecordOutcomes(Queue::kBatch,
                              {{failed, 0, "user@example.com", 0, 1, EventStatus::kDeliveryFailed,
                                "hard", "550 no such user", 1, "<ev-batch@t>"}},
                              {}, {})
              .ok());
  REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());

  std::vector<ArchivePage> pages = Export({}, 2);
  REQUIRE(pages.size() == 3);
  CHECK(Ids(pages) == std::vector<int64_t>{not_taken_rt, not_taken_batch, sent, failed});
  CHECK(pages[0].instance_id == "exec1");
  CHECK_FALSE(pages[0].caught_up);
  CHECK_FALSE(pages[1].caught_up);
  CHECK(pages[2].caught_up);
  CHECK(pages[2].events.empty());
  CHECK(pages[0].next == pages[0].events.back().cursor);
  CHECK(pages[1].next == pages[1].events.back().cursor);
  CHECK(pages[2].next == pages[1].next);

  const ArchivedEvent& a = pages[0].events[0];
  const ArchivedEvent& b = pages[0].events[1];
  const ArchivedEvent& c = pages[1].events[0];
  const ArchivedEvent& d = pages[1].events[1];
  CHECK(a.cursor.xid < b.cursor.xid);
  CHECK(b.cursor.xid < c.cursor.xid);
  CHECK(c.cursor.xid == d.cursor.xid);  // one updateEventStatus transaction, both queues
  CHECK(c.cursor == ArchiveCursor{.xid = c.cursor.xid, .queue = 1, .id = sent});
  CHECK(d.cursor == ArchiveCursor{.xid = c.cursor.xid, .queue = 2, .id = failed});

  CHECK(a.queue == Queue::kRealTime);
  CHECK(a.status == EventStatus::kNotTakenIntoAccount);
  CHECK(a.event_type == kWithoutTemplate);
  CHECK(a.address == "user@example.com");
  CHECK(a.external_id == "ext-2");
  CHECK(a.template_internal_name.empty());
  CHECK(a.routed.has_value());
  CHECK_FALSE(a.delivery_log.has_value());
  CHECK(a.finished >= a.created);

  CHECK(c.status == EventStatus::kSent);
  CHECK(c.template_internal_name == "shipTpl");
  CHECK(c.template_version == 1);
  CHECK(c.tries == 1);
  REQUIRE(c.delivery_log.has_value());
  CHECK(c.delivery_log->status == EventStatus::kSent);
  CHECK(c.delivery_log->message_id == "<ev-rt@t>");
  CHECK(c.delivery_log->address == "user@example.com");
  CHECK(c.delivery_log->failure_type.empty());
  CHECK(*c.routed <= c.finished);

  CHECK(d.queue == Queue::kBatch);
  CHECK(d.status == EventStatus::kDeliveryFailed);
  REQUIRE(d.delivery_log.has_value());
  CHECK(d.delivery_log->failure_type == "hard");
  CHECK(d.delivery_log->failure_reason == "550 no such user");
  CHECK(d.delivery_log->status == EventStatus::kDeliveryFailed);

  SECTION("resuming from a page's next cursor continues right after it") {
    CHECK(Ids(Export(pages[0].next, 2)) == std::vector<int64_t>{sent, failed});
    CHECK(Ids(Export(c.cursor, 1000)) == std::vector<int64_t>{failed});
    CHECK(Ids(Export(d.cursor, 1000)).empty());
  }
  SECTION("max_pages stops early") {
    std::vector<ArchivePage> one = Export({}, 1, 1);
    REQUIRE(one.size() == 1);
    CHECK(one[0].events.size() == 1);
    CHECK_FALSE(one[0].caught_up);
  }
  SECTION("an event made final later comes after the last cursor") {
    REQUIRE(processing
                .RecordOutcomes(Queue::kBatch,
                                {{pending, 0, "user@example.com", 0, 1, EventStatus::kExpired,
                                  "soft", "tries exhausted", 5, "<ev-p@t>"}},
                                {}, {})
                .ok());
    REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
    std::vector<ArchivePage> more = Export(pages[2].next, 1000);
    REQUIRE(Ids(more) == std::vector<int64_t>{pending});
    CHECK(more[0].events[0].status == EventStatus::kExpired);
    CHECK(more[0].events[0].tries == 5);
    CHECK(more[0].events[0].cursor.xid > d.cursor.xid);
  }
}

TEST_CASE_METHOD(Fixture, "an exported event carries its retried soft failures and Message-ID") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  const int64_t retried = Push(Queue::kBatch, kWithTemplate);
  const int64_t plain = Push(Queue::kBatch, kWithTemplate);
  RouteResult routed = Route(Queue::kBatch);
  REQUIRE(routed.to_deliver.size() == 2);
  // Two soft failures of `retried`, each tried again, by the delivery workflow's own statement.
  for (int try_number : {1, 2}) {
    REQUIRE(processing
                .RecordOutcomes(Queue::kBatch, {}, {},
                                {{.event_id = retried,
                                  .delay = absl::Seconds(30 * try_number),
                                  .try_number = try_number,
                                  .reason = absl::StrCat("451 busy ", try_number),
                                  .address = "user@example.com",
                                  .message_id = absl::StrCat("<try-", try_number, "@t>")}})
                .ok());
  }
  REQUIRE(processing
              .RecordOutcomes(Queue::kBatch,
                              {{retried, 0, "user@example.com", routed.to_deliver[0].template_id, 1,
                                EventStatus::kSent, "", "", 3, "<ev-retried@t>"},
                               {plain, 0, "user@example.com", routed.to_deliver[0].template_id, 1,
                                EventStatus::kSent, "", "", 1, "<ev-plain@t>"}},
                              {}, {})
              .ok());
  REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());

  std::vector<ArchivePage> pages = Export({}, 1000);
  REQUIRE(Ids(pages) == std::vector<int64_t>{retried, plain});
  const ArchivedEvent& r = pages[0].events[0];
  CHECK(r.tries == 3);
  CHECK(r.message_id == "<ev-retried@t>");
  REQUIRE(r.retries.size() == 2);
  for (int i = 0; i < 2; ++i) {
    const ArchivedRetry& a = r.retries[i];
    CHECK(a.try_number == i + 1);
    CHECK(a.failure_type == "soft");
    CHECK(a.reason == absl::StrCat("451 busy ", i + 1));
    REQUIRE(a.next_try.has_value());
    CHECK(*a.next_try - a.tried == absl::Seconds(30 * (i + 1)));  // both now() of one statement
    CHECK(a.tried >= r.created);
    CHECK(a.tried <= r.finished);
  }
  CHECK(r.retries[0].tried <= r.retries[1].tried);
  const ArchivedEvent& p = pages[0].events[1];
  CHECK(p.retries.empty());
  CHECK(p.message_id == "<ev-plain@t>");
}

TEST_CASE_METHOD(Fixture, "a final status still uncommitted holds the export back: no gap") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  const int64_t before = Push(Queue::kRealTime, kWithoutTemplate);
  Route(Queue::kRealTime);  // `before` final and committed
  const int64_t open_id = Push(Queue::kRealTime, kWithTemplate);
  const int64_t later = Push(Queue::kBatch, kWithoutTemplate);

  pqxx::connection other(testing::SharedPostgresDsn());
  pqxx::work open(other);
  open.exec("SET LOCAL search_path TO " + open.quote_name(schema));
  open.exec(
      absl::StrCat("UPDATE rt_events SET status = 5, final_xid = pg_current_xact_id(), "
                   "updated_at = now() WHERE id = ",
                   open_id));
  Route(Queue::kBatch);  // `later` final and committed, by a transaction after the open one

  std::vector<ArchivePage> first = Export({}, 100);
  REQUIRE(first.size() == 1);
  CHECK(Ids(first) == std::vector<int64_t>{before});
  CHECK(first[0].caught_up);
  std::vector<ArchivePage> while_open = Export(first[0].next, 100);
  CHECK(Ids(while_open).empty());
  CHECK(while_open[0].next == first[0].next);

  open.commit();
  std::vector<ArchivePage> after = Export(first[0].next, 100);
  CHECK(Ids(after) == std::vector<int64_t>{open_id, later});
}

TEST_CASE_METHOD(Fixture, "the acknowledgement only moves forward, to cursors of this instance") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  auto acked = archive.Acknowledged();
  REQUIRE(acked.ok());
  CHECK(*acked == ArchiveCursor());

  const uint64_t x = Horizon() - 1;
  const ArchiveCursor high{.xid = x, .queue = 1, .id = 5};
  REQUIRE(archive.Acknowledge(high).ok());
  CHECK(*archive.Acknowledged() == high);
  REQUIRE(archive.Acknowledge({.xid = x - 1, .queue = 2, .id = 9}).ok());
  CHECK(*archive.Acknowledged() == high);
  REQUIRE(archive.Acknowledge({.xid = x, .queue = 1, .id = 4}).ok());
  CHECK(*archive.Acknowledged() == high);
  const ArchiveCursor higher{.xid = x, .queue = 2, .id = 1};
  REQUIRE(archive.Acknowledge(higher).ok());
  CHECK(*archive.Acknowledged() == higher);

  absl::Status beyond = archive.Acknowledge({.xid = uint64_t{1} << 62, .queue = 1, .id = 1});
  CHECK(beyond.code() == absl::StatusCode::kInvalidArgument);
  CHECK(*archive.Acknowledged() == higher);

  // An export's `after` is the acknowledgement; an older one leaves it.
  Export({.xid = x - 5, .queue = 1, .id = 1}, 10);
  CHECK(*archive.Acknowledged() == higher);
  const ArchiveCursor newest{.xid = x, .queue = 2, .id = 100};
  Export(newest, 10);
  CHECK(*archive.Acknowledged() == newest);
}

TEST_CASE_METHOD(Fixture, "purge drops whole periods: closed, all archived, past retention") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  ArchivePurge purge{archive, partitions, {.retention = absl::Hours(168)}, logger};
  // Period 0: a sent event with its log and a batch event not taken into account.
  const int64_t old_sent = Push(Queue::kRealTime, kWithTemplate);
  const int64_t old_not_taken = Push(Queue::kBatch, kWithoutTemplate);
  Deliver(Queue::kRealTime, Route(Queue::kRealTime), EventStatus::kSent);
  Route(Queue::kBatch);
  REQUIRE(partitions.Rotate(absl::Hours(24), true).ok());
  // Period 1: one more sent.
  const int64_t recent_sent = Push(Queue::kRealTime, kWithTemplate);
  Deliver(Queue::kRealTime, Route(Queue::kRealTime), EventStatus::kSent);
  Sql(absl::StrCat("UPDATE rt_events SET updated_at = now() - interval '10 days' WHERE id = ",
                   old_sent));
  Sql("UPDATE batch_events SET updated_at = now() - interval '10 days'");

  // Nothing acknowledged yet: nothing goes, however old.
  auto none = purge.Purge(absl::ZeroDuration());
  REQUIRE(none.ok());
  CHECK(none->events_deleted == 0);
  CHECK(Count("SELECT count(*) FROM event_partitions") == 2);

  std::vector<ArchivePage> pages = Export({}, 100);
  REQUIRE(Ids(pages).size() == 3);
  Export(pages.back().next, 100);  // acknowledges the three

  // Period 0's events ended ten days ago: dropped, its tables gone; period 1's are recent.
  const int64_t size_before = Count("SELECT pg_database_size(current_database())");
  auto first = purge.Purge();
  REQUIRE(first.ok());
  CHECK(first->events_deleted == 2);
  CHECK(first->delivery_logs_deleted == 1);
  CHECK(events.GetById(old_sent).status().code() == absl::StatusCode::kNotFound);
  CHECK(events.GetById(old_not_taken).status().code() == absl::StatusCode::kNotFound);
  CHECK(Count("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
              "AND relname IN ('rt_events_p0', 'batch_events_p0', 'delivery_logs_p0')") == 0);
  CHECK(Count("SELECT pg_database_size(current_database())") < size_before);
  CHECK(events.GetById(recent_sent).ok());
  CHECK(log_sink.str().find(R"("periods_dropped":1)") != std::string::npos);
  // Retention 7 days: period 1 stays, all archived but recent.
  CHECK(purge.Purge()->events_deleted == 0);

  // In period 1, made final after the acknowledgement, pending delivery, pending.
  const int64_t unacked = Push(Queue::kRealTime, kWithoutTemplate);
  Route(Queue::kRealTime);
  const int64_t delivering = Push(Queue::kRealTime, kWithTemplate);
  const RouteResult in_flight = Route(Queue::kRealTime);
  const int64_t pending = Push(Queue::kRealTime, kWithTemplate);
  // Retention zero: period 1 keeps every event (one is not archived, two are not final).
  auto kept = purge.Purge(absl::ZeroDuration());
  REQUIRE(kept.ok());
  CHECK(kept->events_deleted == 0);
  CHECK(events.GetById(recent_sent).ok());
  CHECK(events.GetById(unacked)->status == EventStatus::kNotTakenIntoAccount);
  CHECK(events.GetById(delivering)->status == EventStatus::kPendingDelivery);
  CHECK(events.GetById(pending)->status == EventStatus::kPending);

  // All final and acknowledged: period 1, the current one, is closed and goes whole.
  Deliver(Queue::kRealTime, in_flight, EventStatus::kSent);
  const RouteResult last = Route(Queue::kRealTime);
  Deliver(Queue::kRealTime, last, EventStatus::kDeliveryFailed, "hard", "550 no such user");
  std::vector<ArchivePage> rest = Export(pages.back().next, 100);
  CHECK(Ids(rest).size() == 3);
  Export(rest.back().next, 100);
  auto second = purge.Purge(absl::ZeroDuration());
  REQUIRE(second.ok());
  CHECK(second->events_deleted == 4);
  CHECK(second->delivery_logs_deleted == 3);
  CHECK(events.GetById(pending).status().code() == absl::StatusCode::kNotFound);
  CHECK(Count("SELECT count(*) FROM rt_events") == 0);
  CHECK(Count("SELECT count(*) FROM event_partitions WHERE closed_at IS NULL") == 1);

  CHECK(purge.Purge(-absl::Seconds(1)).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(Fixture, "an export spans a partition boundary in cursor order") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  // Three events in period 0, three in period 1; period 1's are made final first.
  std::vector<int64_t> before, after;
  for (int i = 0; i < 3; ++i) before.push_back(Push(Queue::kRealTime, kWithTemplate));
  REQUIRE(partitions.Rotate(absl::Hours(24), true).ok());
  for (int i = 0; i < 3; ++i) after.push_back(Push(Queue::kBatch, kWithoutTemplate));
  CHECK(after.front() >= int64_t{1} << 32);
  Route(Queue::kBatch);
  Deliver(Queue::kRealTime, Route(Queue::kRealTime), EventStatus::kSent);

  std::vector<ArchivePage> pages = Export({}, 2);
  std::vector<int64_t> expected = after;
  expected.insert(expected.end(), before.begin(), before.end());
  CHECK(Ids(pages) == expected);
  for (const ArchivePage& p : pages) {
    for (const ArchivedEvent& e : p.events) CHECK(e.delivery_log.has_value() == (e.id < after[0]));
  }
  // Resuming after the page that ends inside period 1 gives the rest, nothing twice.
  std::vector<ArchivePage> resumed = Export(pages[0].next, 2);
  CHECK(Ids(resumed) == std::vector<int64_t>(expected.begin() + 2, expected.end()));
}

TEST_CASE_METHOD(Fixture, "the identifier is stamped once; replacing it needs force") {
  auto info = instance.Info();
  REQUIRE(info.ok());
  CHECK(info->instance_id.empty());
  CHECK(info->version == "9.9.9");
  CHECK(info->schema == schema);
  CHECK(info->workflows.size() == 4);  // the three of ACC and webhookDelivery
  CHECK_FALSE(info->workflows_started);

  for (const std::string& bad : std::vector<std::string>{"", "a b", std::string(65, 'x')}) {
    CHECK(instance.Initialize(bad, true).status().code() == absl::StatusCode::kInvalidArgument);
  }
  auto stamped = instance.Initialize("exec-1.a_b", false);
  REQUIRE(stamped.ok());
  CHECK(stamped->instance_id == "exec-1.a_b");
  CHECK(instance.Initialize("exec-1.a_b", false).ok());

  const ArchiveCursor acked{.xid = Horizon() - 1, .queue = 1, .id = 1};
  REQUIRE(archive.Acknowledge(acked).ok());
  absl::StatusOr<InstanceInfo> other = instance.Initialize("exec2", false);
  CHECK(other.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(other.status().message().find("'exec-1.a_b'") != std::string::npos);
  CHECK(instance.Info()->instance_id == "exec-1.a_b");
  CHECK(*archive.Acknowledged() == acked);

  auto forced = instance.Initialize("exec2", true);
  REQUIRE(forced.ok());
  CHECK(forced->instance_id == "exec2");
  CHECK(*archive.Acknowledged() == ArchiveCursor());  // the new identity acknowledged nothing

  for (const char* name : {kRtEventsProcessing, kBatchEventsProcessing, kUpdateEventStatus}) {
    REQUIRE(workflows.SetState(name, WorkflowState::kStarted).ok());
  }
  CHECK(instance.Info()->workflows_started);
}

TEST_CASE_METHOD(Fixture, "the quarantine is exported in (channel, address) pages") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  Sql("INSERT INTO quarantine (channel, address, kind, reason) VALUES "
      "(1, '+33600000000', 'quarantine', 'unknown number'), (0, 'b@x.org', 'quarantine', '550'), "
      "(0, 'a@x.org', 'deny', 'operator'), (0, 'c@x.org', 'quarantine', '551'), "
      "(41, 'token', 'quarantine', 'gone')");
  std::vector<QuarantinePage> pages;
  auto collect = [&](const QuarantinePage& p) {
    pages.push_back(p);
    return true;
  };
  REQUIRE(exporter.ExportQuarantine(2, collect).ok());
  REQUIRE(pages.size() == 3);
  std::vector<std::string> order;
  for (const QuarantinePage& p : pages) {
    CHECK(p.instance_id == "exec1");
    for (const QuarantinedAddress& a : p.addresses)
      order.push_back(absl::StrCat(a.channel, a.address));
  }
  CHECK(order ==
        std::vector<std::string>{"0a@x.org", "0b@x.org", "0c@x.org", "1+33600000000", "41token"});
  CHECK(pages[0].addresses[0].kind == "deny");
  CHECK(pages[0].addresses[0].reason == "operator");

  pages.clear();
  REQUIRE(exporter.ExportQuarantine(5, collect).ok());
  CHECK(pages.size() == 1);  // no empty page after a full one
  CHECK(exporter.ExportQuarantine(5001, collect).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE_METHOD(Fixture, "the quarantine export carries each entry's history, removals too") {
  REQUIRE(instance.Initialize("exec1", false).ok());
  Sql("INSERT INTO quarantine (channel, address, kind, reason, failure_type, errors, "
      "first_seen_at, last_seen_at, expires_at, active, event_queue, event_id, removed_at, "
      "changed_by, changed_at) VALUES "
      "(0, 'soft@x.org', 'quarantine', '452 full', 'soft', 2, '2024-01-01 00:00+00', '2024-01-02 "
      "00:00+00', "
      "'2024-01-09 00:00+00', false, 2, 77, NULL, '', '2024-01-02 00:00+00'), "
      "(0, 'gone@x.org', 'deny', 'asked', NULL, 1, '2024-01-01 00:00+00', '2024-01-01 00:00+00', "
      "NULL, true, "
      "NULL, NULL, '2024-02-01 00:00+00', 'control:ana', '2024-02-01 00:00+00')");
  std::vector<QuarantinedAddress> all;
  REQUIRE(exporter
              .ExportQuarantine(10,
                                [&](const QuarantinePage& p) {
                                  all.insert(all.end(), p.addresses.begin(), p.addresses.end());
                                  return true;
                                })
              .ok());
  REQUIRE(all.size() == 2);
  const QuarantinedAddress& gone = all[0];
  CHECK(gone.address == "gone@x.org");
  CHECK(gone.failure_type.empty());
  REQUIRE(gone.removed.has_value());
  CHECK(*gone.removed == absl::FromCivil(absl::CivilDay(2024, 2, 1), absl::UTCTimeZone()));
  CHECK(gone.changed_by == "control:ana");
  CHECK(gone.event_id == 0);
  const QuarantinedAddress& soft = all[1];
  CHECK(soft.failure_type == "soft");
  CHECK(soft.errors == 2);
  CHECK_FALSE(soft.active);
  CHECK(soft.event_queue == 2);
  CHECK(soft.event_id == 77);
  CHECK(soft.first_seen == absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone()));
  CHECK(soft.last_seen == absl::FromCivil(absl::CivilDay(2024, 1, 2), absl::UTCTimeZone()));
  REQUIRE(soft.expires.has_value());
  CHECK(*soft.expires == absl::FromCivil(absl::CivilDay(2024, 1, 9), absl::UTCTimeZone()));
  CHECK(soft.changed_at == soft.last_seen);
  CHECK_FALSE(soft.removed.has_value());
}

}  // namespace
}  // namespace mc::execution
