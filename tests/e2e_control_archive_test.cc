// End to end, control (ctest e2e_control_test, fixture tests/control_e2e_fixture.h): events of
// every outcome archived, searched and counted (every report figure checked against what was
// pushed), then the execution instance's and the archive's purges by retention.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/control_e2e_fixture.h"
#include "tests/support/archive_check.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::control_e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

TEST_CASE("archive and reports match the events pushed, per instance") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  const absl::Time from = absl::Now() - absl::Minutes(1);
  std::map<std::string, Expected> expected;
  expected["exec_a"] = PushEveryOutcome(c.a, 3);
  expected["exec_b"] = PushEveryOutcome(c.b, 6);

  for (Execution* e : {&c.a, &c.b}) {
    pb::ArchiveRun run = control.RunNow("mcSynch_" + e->name);
    CHECK(run.error().empty());
    CHECK(run.events_copied() == expected[e->name].incoming);
    CHECK(run.delivery_logs_copied() == expected[e->name].incoming - 2);
    ArchiveDiff d =
        CompareArchive(testing::SharedPostgresDsn(), c.control_schema, e->name, e->schema);
    CHECK(d.archived_events == expected[e->name].incoming);
    CHECK(d.event_mismatches == 0);
    CHECK(d.archived_logs == d.source_logs);
    CHECK(d.log_mismatches == 0);
    CHECK(d.archived_quarantine == d.source_quarantine);
    CHECK(d.archived_quarantine >= 1);
    CHECK(d.quarantine_mismatches == 0);
    // Again: nothing new, nothing duplicated.
    pb::ArchiveRun again = control.RunNow("mcSynch_" + e->name);
    CHECK(again.events_copied() == 0);
    CHECK(again.delivery_logs_copied() == 0);
  }

  // "Did user0 get the shipping email?", asked once for every instance, its domain in another
  // case: the event sent through exec_a, with its Message-ID and template.
  pb::SearchEventsRequest search;
  search.set_address("user0@A.TEST");
  pb::SearchEventsResponse found;
  REQUIRE(control.archive().SearchEvents(Context().get(), search, &found).ok());
  REQUIRE(found.events_size() == 1);
  const pb::ArchivedEventStory& sent = found.events(0);
  CHECK(sent.account() == "exec_a");
  CHECK(sent.address() == "user0@a.test");
  CHECK(sent.status() == v1::EVENT_STATUS_SENT);
  CHECK(sent.template_name() == "orderShipped");
  CHECK(sent.template_version() >= 1);
  CHECK(sent.message_id().find("@mc.test>") != std::string::npos);
  CHECK(sent.has_handed_to_relay());
  CHECK(found.next_page_token().empty());
  // The SMTP sink received that very message.
  bool delivered = false;
  for (const auto& m : c.smtp->Messages()) {
    delivered |= m.data.find(sent.message_id()) != std::string::npos;
  }
  CHECK(delivered);

  // busy-1@example.com failed softly on both instances: one event each, newest first, paged one
  // at a time, each with its retried try in its story.
  search.set_address("busy-1@Example.Com");
  search.set_page_size(1);
  std::vector<pb::ArchivedEventStory> busy;
  std::string first_token;
  do {
    REQUIRE(control.archive().SearchEvents(Context().get(), search, &found).ok());
    for (const auto& e : found.events()) busy.push_back(e);
    if (first_token.empty()) first_token = found.next_page_token();
    search.set_page_token(found.next_page_token());
  } while (!found.next_page_token().empty());
  REQUIRE(busy.size() == 2);
  CHECK(busy[0].account() == "exec_b");  // pushed last
  CHECK(busy[1].account() == "exec_a");
  for (const pb::ArchivedEventStory& e : busy) {
    CHECK(e.status() == v1::EVENT_STATUS_EXPIRED);
    CHECK(e.last_failure_type() == v1::FAILURE_TYPE_SOFT);
    pb::GetArchivedEventRequest get;
    get.set_account(e.account());
    get.set_event_id(e.event_id());
    pb::ArchivedEventStory story;
    REQUIRE(control.archive().GetArchivedEvent(Context().get(), get, &story).ok());
    std::vector<v1::TimelineStep> steps;
    for (const auto& t : story.timeline()) steps.push_back(t.step());
    CHECK(steps == std::vector<v1::TimelineStep>{
                       v1::TIMELINE_STEP_RECEIVED, v1::TIMELINE_STEP_TAKEN_UP,
                       v1::TIMELINE_STEP_RETRIED, v1::TIMELINE_STEP_DELIVERY_OUTCOME,
                       v1::TIMELINE_STEP_FINAL});
    REQUIRE(story.timeline_size() == 5);
    const v1::TimelineEntry& retried = story.timeline(2);
    CHECK(retried.try_number() == 1);
    CHECK(retried.failure_type() == v1::FAILURE_TYPE_SOFT);
    CHECK(retried.reason().find("451") != std::string::npos);
    CHECK(retried.has_next_try());
    CHECK(story.timeline(3).status() == v1::EVENT_STATUS_EXPIRED);
    CHECK(story.timeline(3).try_number() == 2);
  }
  // A token of that search does not serve another one.
  REQUIRE_FALSE(first_token.empty());
  search.set_address("user0@a.test");
  search.set_page_token(first_token);
  grpc::Status refused = control.archive().SearchEvents(Context().get(), search, &found);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(refused.error_message().find("page_token: not a token SearchEvents issued for this "
                                     "filter") == 0);

  pb::ReportFilter filter;
  filter.mutable_from()->set_seconds(absl::ToUnixSeconds(from));
  filter.mutable_to()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 60);

  pb::StatusCountsResponse counts;
  REQUIRE(control.reports().StatusCounts(Context().get(), filter, &counts).ok());
  std::map<std::pair<std::string, int>, int64_t> by_status;
  for (const auto& r : counts.rows()) by_status[{r.account(), r.status()}] = r.events();
  for (const auto& [name, x] : expected) {
    CHECK(by_status[{name, v1::EVENT_STATUS_SENT}] == x.sent);
    CHECK(by_status[{name, v1::EVENT_STATUS_DELIVERY_FAILED}] == x.failed);
    CHECK(by_status[{name, v1::EVENT_STATUS_IGNORED_BY_DELIVERY}] == x.ignored);
    CHECK(by_status[{name, v1::EVENT_STATUS_EXPIRED}] == x.expired);
    CHECK(by_status[{name, v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT}] == x.not_taken);
  }

  pb::ServiceLevelResponse level;
  REQUIRE(control.reports().ServiceLevel(Context().get(), filter, &level).ok());
  REQUIRE(level.rows_size() == 3);
  Expected total;
  for (int i = 0; i < 3; ++i) {
    const pb::ServiceLevelRow& r = level.rows(i);
    const Expected x = i < 2 ? expected[r.account()] : total;
    CHECK(r.account() == (i == 0 ? "exec_a" : i == 1 ? "exec_b" : ""));
    CHECK(r.incoming_events() == x.incoming);
    CHECK(r.outgoing_messages() == x.sent);
    CHECK(r.not_taken_into_account() == x.not_taken);
    CHECK(r.expired() == x.expired);
    CHECK(r.delivery_failed() == x.failed);
    CHECK(r.ignored() == x.ignored);
    CHECK(r.error_rate() ==
          Approx(double(x.not_taken + x.expired + x.failed + x.ignored) / x.incoming));
    CHECK(r.incoming_events_per_hour() == Approx(x.incoming / level.period_hours()));
    CHECK(r.average_sending_seconds() > 0);
    CHECK(r.average_sending_seconds() < 30);
    if (i < 2) {
      total.incoming += x.incoming;
      total.sent += x.sent;
      total.not_taken += x.not_taken;
      total.expired += x.expired;
      total.failed += x.failed;
      total.ignored += x.ignored;
    }
  }

  // Filters: the SMS channel only, then one event type on one instance.
  filter.set_channel(v1::CHANNEL_SMS);
  REQUIRE(control.reports().ServiceLevel(Context().get(), filter, &level).ok());
  CHECK(level.rows(0).incoming_events() == expected["exec_a"].sms);
  CHECK(level.rows(0).outgoing_messages() == expected["exec_a"].sms_sent);
  CHECK(level.rows(0).delivery_failed() == 1);
  filter.clear_channel();
  filter.add_accounts("exec_b");
  filter.set_event_type("NO_TEMPLATE");
  REQUIRE(control.reports().ServiceLevel(Context().get(), filter, &level).ok());
  REQUIRE(level.rows_size() == 2);
  CHECK(level.rows(0).account() == "exec_b");
  CHECK(level.rows(0).incoming_events() == 1);
  CHECK(level.rows(0).not_taken_into_account_rate() == 1.0);
  filter.clear_accounts();
  filter.clear_event_type();

  pb::HistoryRequest history;
  *history.mutable_filter() = filter;
  pb::HistoryResponse hist;
  REQUIRE(control.reports().History(Context().get(), history, &hist).ok());
  std::map<std::string, std::pair<int64_t, int64_t>> by_type;
  for (const auto& r : hist.rows()) {
    by_type[r.event_type()].first += r.events();
    by_type[r.event_type()].second += r.sent();
  }
  CHECK(by_type["NO_TEMPLATE"] == std::make_pair(int64_t{2}, int64_t{0}));
  CHECK(by_type["ORDER_SHIPPED"] == std::make_pair(total.incoming - 2, total.sent));

  pb::ProcessingTimeResponse times;
  REQUIRE(control.reports().ProcessingTime(Context().get(), filter, &times).ok());
  REQUIRE(times.rows_size() == 3);
  for (const auto& r : times.rows()) {
    CHECK(r.average_queuing_seconds() >= 0);
    CHECK(r.average_queuing_seconds() < 30);
    CHECK(r.average_sending_seconds() > 0);
    CHECK(r.queue_max() >= r.queue_min());
  }
}

TEST_CASE("purge: the execution instance drops only archived periods past retention") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  // Everything so far archived and acknowledged (a run acknowledges what the one before copied).
  control.RunNow("mcSynch_exec_a");
  control.RunNow("mcSynch_exec_a");
  // A storage period of its own (2 s here) for an event final but not archived yet: it must
  // survive any purge, with its period; the older periods go.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  int64_t unarchived = c.a.client->Push(v1::QUEUE_REAL_TIME, Email("NO_TEMPLATE", "u@x.test"));
  REQUIRE(c.a.client->WaitFinal(unarchived).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  auto stub = v1::InstanceService::NewStub(Channel(c.a.service->address()));
  v1::PurgeRequest keep;
  keep.set_retention_seconds(3600);
  v1::PurgeResponse purged;
  REQUIRE(stub->Purge(Context().get(), keep, &purged).ok());
  CHECK(purged.events_deleted() == 0);
  v1::PurgeRequest all;
  all.set_retention_seconds(1);
  REQUIRE(stub->Purge(Context().get(), all, &purged).ok());
  CHECK(purged.events_deleted() > 0);
  CHECK(c.a.client->Get(unarchived).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);

  // The archive keeps them; its own purge honours its retention.
  pb::PurgeArchiveRequest archive_keep;
  archive_keep.set_retention_seconds(3600);
  pb::PurgeArchiveResponse archive_purged;
  REQUIRE(control.archiving().PurgeArchive(Context().get(), archive_keep, &archive_purged).ok());
  CHECK(archive_purged.events_deleted() == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(4100));
  int64_t fresh = c.a.client->Push(v1::QUEUE_REAL_TIME, Email("NO_TEMPLATE", "f@x.test"));
  REQUIRE(c.a.client->WaitFinal(fresh).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  pb::ArchiveRun run = control.RunNow("mcSynch_exec_a");
  CHECK(run.events_copied() == 2);  // the one kept back and the fresh one
  pb::PurgeArchiveRequest archive_old;
  archive_old.set_retention_seconds(4);
  REQUIRE(control.archiving().PurgeArchive(Context().get(), archive_old, &archive_purged).ok());
  CHECK(archive_purged.events_deleted() > 0);
  CHECK(archive_purged.delivery_logs_deleted() > 0);
  pqxx::connection conn(testing::SharedPostgresDsn());
  pqxx::read_transaction tx(conn);
  auto archived = [&](int64_t id) {
    return tx
        .exec1(absl::StrCat("SELECT count(*) FROM ", c.control_schema,
                            ".archived_events WHERE account = 'exec_a' AND remote_id = ", id))[0]
        .as<int64_t>();
  };
  CHECK(archived(unarchived) == 0);  // received more than 4 s ago
  CHECK(archived(fresh) == 1);
}

}  // namespace
}  // namespace mc::e2e::control_e2e
