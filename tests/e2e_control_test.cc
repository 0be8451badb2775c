// End to end: one control instance and two execution instances (three schemas on one real
// PostgreSQL, real gRPC on port 0, a real SMTP server and SMS provider on loopback). Accounts
// registered, tested and initialized; publication refused until each instance is ready;
// events of every outcome; archiving; every report figure checked against what was pushed;
// personalisation blocks expanded into what every instance stores, changed there only by the
// next publication.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/free_port.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/support/archive_check.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

struct Execution {
  std::string name, schema;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<sinks::HttpSink> sms;
  std::string control_schema;
  std::unique_ptr<process::ServiceProcess> control;
  std::unique_ptr<ControlClient> client;
  Execution a, b;
};

Execution StartInstance(const std::string& name, const Cluster& c) {
  Execution e{.name = name, .schema = testing::FreshSchema(name)};
  e.service = std::make_unique<process::ServiceProcess>(StartExecution(
      testing::SharedPostgresDsn(), e.schema,
      {"--smtp_url=" + c.smtp->url(), "--sms_url=" + c.sms->url(), "--retry_base_ms=100",
       "--max_tries=2", "--message_id_domain=mc.test", "--workflow_refresh_ms=100",
       "--batch_poll_ms=100", "--partition_period_seconds=2"}));
  e.client = std::make_unique<ExecClient>(e.service->address());
  return e;
}

Cluster& TheCluster() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.sms = *sinks::HttpSink::Start();
    c.control_schema = testing::FreshSchema("control");
    c.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), c.control_schema, {"--noarchiving_scheduler"}));
    c.client = std::make_unique<ControlClient>(c.control->address());
    c.a = StartInstance("exec_a", c);
    c.b = StartInstance("exec_b", c);
    return c;
  }();
  return c;
}

v1::Event Email(const std::string& type, const std::string& address) {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  (void)google::protobuf::util::JsonStringToMessage(R"({"name":"Ana","order":{"id":"A-1"}})",
                                                    e.mutable_ctx());
  return e;
}

v1::Event Sms(const std::string& phone) {
  v1::Event e;
  e.set_type("ORDER_SHIPPED");
  e.set_wished_channel(v1::CHANNEL_SMS);
  e.set_mobile_phone(phone);
  return e;
}

struct Expected {
  int64_t incoming = 0, sent = 0, failed = 0, ignored = 0, expired = 0, not_taken = 0;
  int64_t sms = 0, sms_sent = 0;
};

// Pushes `emails` sendable emails and one event of every other outcome; waits until final.
Expected PushEveryOutcome(Execution& e, int emails) {
  ExecClient& c = *e.client;
  std::vector<int64_t> ids;
  for (int i = 0; i < emails; ++i) {
    ids.push_back(
        c.Push(i % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME,
               Email("ORDER_SHIPPED", absl::StrCat("user", i, "@", e.name.substr(5), ".test"))));
  }
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Sms("+33612345678")));
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Sms("+9991234567")));
  const std::string bounce = absl::StrCat("bounce-", e.name, "@example.com");
  const int64_t bounced = c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", bounce));
  REQUIRE(c.WaitFinal(bounced).status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", bounce)));  // ignored
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "busy-1@example.com")));
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("NO_TEMPLATE", "x@example.com")));
  v1::Event late = Email("ORDER_SHIPPED", "late@example.com");
  late.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, late));
  for (int64_t id : ids) REQUIRE(c.WaitFinal(id).status() >= v1::EVENT_STATUS_SENT);
  return {.incoming = emails + 7,
          .sent = emails + 1,
          .failed = 2,
          .ignored = 1,
          .expired = 2,
          .not_taken = 1,
          .sms = 2,
          .sms_sent = 1};
}

pb::Template OrderShipped() {
  pb::Template t;
  t.set_internal_name("orderShipped");
  t.set_label("Order shipped");
  t.set_event_type("ORDER_SHIPPED");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_subject("Order <%= rtEvent.ctx.order.id %> shipped");
  t.set_html_body("<p>Hello <%= rtEvent.ctx.name %></p>");
  t.set_text_body("Hello <%= rtEvent.ctx.name %>");
  pb::Seed* seed = t.add_seeds();
  seed->set_address("seed@example.com");
  (void)google::protobuf::util::JsonStringToMessage(R"({"name":"<Zoé>","order":{"id":"S-1"}})",
                                                    seed->mutable_ctx());
  return t;
}

pb::Template OrderShippedSms() {
  pb::Template t;
  t.set_internal_name("orderShippedSms");
  t.set_event_type("ORDER_SHIPPED");
  t.set_channel(v1::CHANNEL_SMS);
  t.set_sms_text("Your order shipped");
  return t;
}

grpc::Status Publish(const std::string& name, pb::PublishTemplateResponse* out) {
  pb::PublishTemplateRequest req;
  req.set_internal_name(name);
  return TheCluster().client->templates().PublishTemplate(Context().get(), req, out);
}

TEST_CASE("accounts: registered, validated, tested and initialized; the credential stays secret") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::Account a = control.CreateAccount("exec_a", c.a.service->address(), kToken);
  CHECK(a.credential().empty());
  CHECK(a.has_credential());
  CHECK(a.instance_id().empty());
  control.CreateAccount("exec_b", c.b.service->address(), kToken);

  pb::CreateAccountRequest dup;
  dup.mutable_account()->set_internal_name("exec_a");
  dup.mutable_account()->set_endpoint("127.0.0.1:1");
  dup.mutable_account()->set_credential(kToken);
  pb::Account ignored;
  CHECK(control.accounts().CreateAccount(Context().get(), dup, &ignored).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  dup.mutable_account()->set_internal_name("bad_endpoint");
  dup.mutable_account()->set_endpoint("no-port");
  grpc::Status bad = control.accounts().CreateAccount(Context().get(), dup, &ignored);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message().find("account.endpoint") != std::string::npos);

  // Unreachable, then a wrong credential: each says which instance and what to do.
  const std::string nowhere = absl::StrCat("127.0.0.1:", *pgcluster::FreeLoopbackPort());
  control.CreateAccount("gone", nowhere, kToken);
  control.CreateAccount("wrong_token", c.a.service->address(), "not-the-right-token-at-all");
  pb::TestConnectionRequest test;
  pb::TestConnectionResponse tested;
  test.set_internal_name("gone");
  grpc::Status unreachable = control.accounts().TestConnection(Context().get(), test, &tested);
  CHECK(unreachable.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(unreachable.error_message().find(nowhere) != std::string::npos);
  test.set_internal_name("wrong_token");
  grpc::Status refused = control.accounts().TestConnection(Context().get(), test, &tested);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(refused.error_message().find("refused the account's credential") != std::string::npos);
  CHECK(refused.error_message().find("not-the-right-token") == std::string::npos);
  for (const char* name : {"gone", "wrong_token"}) {
    pb::DeleteAccountRequest del;
    del.set_internal_name(name);
    pb::DeleteAccountResponse deleted;
    REQUIRE(control.accounts().DeleteAccount(Context().get(), del, &deleted).ok());
  }

  test.set_internal_name("exec_a");
  REQUIRE(control.accounts().TestConnection(Context().get(), test, &tested).ok());
  CHECK(tested.version() == MC_VERSION);
  CHECK_FALSE(tested.workflows_started());
  CHECK(tested.workflows_size() == 4);

  for (Execution* e : {&c.a, &c.b}) {
    pb::Account initialized;
    REQUIRE(control.InitializeConnection(e->name, &initialized).ok());
    CHECK(initialized.instance_id().rfind(e->name + "-", 0) == 0);
    auto stub = v1::InstanceService::NewStub(Channel(e->service->address()));
    v1::InstanceInfo info;
    REQUIRE(stub->GetInstanceInfo(Context().get(), v1::GetInstanceInfoRequest(), &info).ok());
    CHECK(info.instance_id() == initialized.instance_id());
    // Again: the same identifier, stamped again.
    pb::Account again;
    REQUIRE(control.InitializeConnection(e->name, &again).ok());
    CHECK(again.instance_id() == initialized.instance_id());
  }
  pb::ListAccountsResponse listed;
  REQUIRE(control.accounts().ListAccounts(Context().get(), {}, &listed).ok());
  CHECK(listed.accounts_size() == 2);
}

TEST_CASE("templates: authored, previewed, refused where an instance is not ready, published") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::CreateTemplateRequest create;
  *create.mutable_template_() = OrderShipped();
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  CHECK(created.status() == pb::TEMPLATE_STATUS_EDITING);
  *create.mutable_template_() = OrderShippedSms();
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::CreateTemplateRequest broken;
  *broken.mutable_template_() = OrderShipped();
  broken.mutable_template_()->set_internal_name("broken");
  broken.mutable_template_()->set_html_body("<p>\n<%= rtEvent.ctx.name");
  grpc::Status bad = control.templates().CreateTemplate(Context().get(), broken, &created);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message().rfind("html_body: line 2, column 1", 0) == 0);

  pb::PreviewTemplateRequest preview;
  preview.set_internal_name("orderShipped");
  pb::PreviewTemplateResponse previewed;
  REQUIRE(control.templates().PreviewTemplate(Context().get(), preview, &previewed).ok());
  CHECK(previewed.subject() == "Order S-1 shipped");
  CHECK(previewed.html_body() == "<p>Hello &lt;Zoé&gt;</p>");
  CHECK(previewed.text_body() == "Hello <Zoé>");

  // Neither instance is ready: refused, naming each instance and everything missing.
  pb::PublishTemplateResponse published;
  grpc::Status early = Publish("orderShipped", &published);
  CHECK(early.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  for (const std::string name : {"exec_a", "exec_b"}) {
    CHECK(early.error_message().find("execution instance '" + name + "'") != std::string::npos);
    CHECK(early.error_message().find("no archiving workflow (create mcSynch_" + name + ")") !=
          std::string::npos);
  }
  CHECK(early.error_message().find("technical workflows not started: batchEventsProcessing "
                                   "(stopped), rtEventsProcessing (stopped), updateEventStatus "
                                   "(stopped)") != std::string::npos);

  // exec_a ready, exec_b without its archiving workflow: published on one, refused on the other.
  REQUIRE(c.a.client->StartAllWorkflows().ok());
  REQUIRE(c.b.client->StartAllWorkflows().ok());
  REQUIRE(control.CreateArchivingWorkflow("exec_a").ok());
  REQUIRE(Publish("orderShipped", &published).ok());
  CHECK(published.version() == 1);
  REQUIRE(published.outcomes_size() == 2);
  CHECK(published.outcomes(0).account() == "exec_a");
  CHECK(published.outcomes(0).code() == 0);
  CHECK(published.outcomes(1).account() == "exec_b");
  CHECK(published.outcomes(1).code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(published.outcomes(1).message().find("no archiving workflow") != std::string::npos);

  REQUIRE(control.CreateArchivingWorkflow("exec_b").ok());
  CHECK(control.CreateArchivingWorkflow("exec_b").error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(Publish("orderShipped", &published).ok());
  CHECK(published.version() == 2);
  for (const auto& o : published.outcomes()) CHECK(o.code() == 0);
  CHECK(published.template_().status() == pb::TEMPLATE_STATUS_PUBLISHED);
  REQUIRE(Publish("orderShippedSms", &published).ok());

  pb::DeleteTemplateRequest del;
  del.set_internal_name("orderShipped");
  pb::DeleteTemplateResponse deleted;
  CHECK(control.templates().DeleteTemplate(Context().get(), del, &deleted).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  pb::ListArchivingWorkflowsResponse workflows;
  REQUIRE(control.archiving().ListArchivingWorkflows(Context().get(), {}, &workflows).ok());
  REQUIRE(workflows.workflows_size() == 2);
  CHECK(workflows.workflows(0).internal_name() == "mcSynch_exec_a");
  CHECK(workflows.workflows(0).label() == "Message Center Instance exec_a");
  CHECK(workflows.workflows(0).folder() == "Administration > Production > Message Center");
  CHECK(workflows.workflows(0).state() == pb::ARCHIVING_STATE_STARTED);
  CHECK(workflows.workflows(0).schedule_seconds() == 3600);
}

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

TEST_CASE("unpublish removes a template from every instance; then it may be deleted") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::CreateTemplateRequest create;
  *create.mutable_template_() = OrderShipped();
  create.mutable_template_()->set_internal_name("flashSale");
  create.mutable_template_()->set_event_type("FLASH_SALE");
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::PublishTemplateResponse published;
  REQUIRE(Publish("flashSale", &published).ok());

  pb::UnpublishTemplateRequest unpublish;
  unpublish.set_internal_name("flashSale");
  pb::UnpublishTemplateResponse unpublished;
  REQUIRE(control.templates().UnpublishTemplate(Context().get(), unpublish, &unpublished).ok());
  CHECK(unpublished.template_().status() == pb::TEMPLATE_STATUS_EDITING);
  REQUIRE(unpublished.outcomes_size() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    v1::ListTemplatesResponse listed;
    REQUIRE(e->client->templates().ListTemplates(Context().get(), {}, &listed).ok());
    for (const auto& t : listed.templates()) CHECK(t.template_().internal_name() != "flashSale");
    // Its events are no longer routed.
    int64_t id = e->client->Push(v1::QUEUE_REAL_TIME, Email("FLASH_SALE", "sale@example.com"));
    CHECK(e->client->WaitFinal(id).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  }
  pb::DeleteTemplateRequest del;
  del.set_internal_name("flashSale");
  pb::DeleteTemplateResponse deleted;
  CHECK(control.templates().DeleteTemplate(Context().get(), del, &deleted).ok());
}

pb::Block MakeBlock(const std::string& name, const std::string& content) {
  pb::Block b;
  b.set_name(name);
  b.set_content(content);
  return b;
}

// The copies of `name` an instance holds, newest version first.
std::vector<v1::Template> Copies(Execution& e, const std::string& name) {
  v1::ListTemplatesResponse listed;
  REQUIRE(e.client->templates().ListTemplates(Context().get(), {}, &listed).ok());
  std::vector<v1::Template> out;
  for (const v1::PublishedTemplate& t : listed.templates()) {
    if (t.template_().internal_name() == name) out.push_back(t.template_());
  }
  std::sort(out.begin(), out.end(),
            [](const v1::Template& a, const v1::Template& b) { return a.version() > b.version(); });
  return out;
}

TEST_CASE("blocks: every instance stores a template's includes expanded, with the versions") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::Block block;
  pb::CreateBlockRequest create_block;
  *create_block.mutable_block() = MakeBlock("legal", "Legal v1");
  REQUIRE(control.blocks().CreateBlock(Context().get(), create_block, &block).ok());
  CHECK(block.version() == 1);
  *create_block.mutable_block() =
      MakeBlock("footer", "<p>Brand for <%= rtEvent.ctx.name %></p><%@ include view='legal' %>");
  REQUIRE(control.blocks().CreateBlock(Context().get(), create_block, &block).ok());

  pb::CreateTemplateRequest create;
  pb::Template& t = *create.mutable_template_();
  t.set_internal_name("welcome");
  t.set_event_type("WELCOME");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_subject("Welcome");
  t.set_html_body("<p>Hi</p><%@ include view='footer' %>");
  t.set_text_body("Hi <%@ include view=\"footer\" %>");
  t.set_default_language("en");
  v1::TemplateVariant* fr = t.add_variants();
  fr->set_language("fr");
  fr->set_subject("Bienvenue");
  fr->set_text_body("Salut <%@ include view='legal' %>");
  t.mutable_sender()->set_from("Brand <shop@brand.test>");
  v1::TemplateHeader* h = t.mutable_sender()->add_headers();
  h->set_name("X-Campaign");
  h->set_value("welcome");
  t.add_attachments()->set_ctx_path("invoice");
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  CHECK(created.variants_size() == 1);
  CHECK(created.html_body() == "<p>Hi</p><%@ include view='footer' %>");

  pb::PublishTemplateResponse published;
  REQUIRE(Publish("welcome", &published).ok());
  for (const auto& o : published.outcomes()) CHECK(o.code() == 0);
  REQUIRE(published.template_().published_blocks_size() == 2);
  CHECK(published.template_().published_blocks(1).name() == "legal");
  CHECK(published.template_().published_blocks(1).version() == 1);
  const std::string v1_html = "<p>Hi</p><p>Brand for <%= rtEvent.ctx.name %></p>Legal v1";
  for (Execution* e : {&c.a, &c.b}) {
    INFO(e->name);
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 2);  // real-time and batch
    for (const v1::Template& copy : copies) {
      CHECK(copy.html_body() == v1_html);
      CHECK(copy.text_body() == "Hi <p>Brand for <%= rtEvent.ctx.name %></p>Legal v1");
      CHECK(copy.default_language() == "en");
      REQUIRE(copy.variants_size() == 1);
      CHECK(copy.variants(0).text_body() == "Salut Legal v1");
      CHECK(copy.sender().from() == "Brand <shop@brand.test>");
      CHECK(copy.sender().headers(0).name() == "X-Campaign");
      CHECK(copy.attachments(0).ctx_path() == "invoice");
      REQUIRE(copy.blocks_size() == 2);
      CHECK(copy.blocks(0).name() == "footer");
      CHECK(copy.blocks(0).version() == 1);
      CHECK(copy.blocks(1).name() == "legal");
      CHECK(copy.blocks(1).version() == 1);
    }
  }

  // A block changed: the published copies stay as they were until the next publication.
  pb::UpdateBlockRequest update;
  *update.mutable_block() = MakeBlock("legal", "Legal v2");
  REQUIRE(control.blocks().UpdateBlock(Context().get(), update, &block).ok());
  CHECK(block.version() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 2);
    CHECK(copies[0].html_body() == v1_html);
    CHECK(copies[0].blocks(1).version() == 1);
  }
  pb::DeleteBlockRequest del_block;
  del_block.set_name("legal");
  pb::DeleteBlockResponse block_deleted;
  grpc::Status in_use = control.blocks().DeleteBlock(Context().get(), del_block, &block_deleted);
  CHECK(in_use.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(in_use.error_message() ==
        "block 'legal' is included by template 'welcome', block 'footer': remove those includes "
        "first");

  REQUIRE(Publish("welcome", &published).ok());
  CHECK(published.version() == 2);
  CHECK(published.template_().published_blocks(1).version() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    INFO(e->name);
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 4);
    CHECK(copies[0].version() == 2);
    CHECK(copies[0].html_body() == "<p>Hi</p><p>Brand for <%= rtEvent.ctx.name %></p>Legal v2");
    CHECK(copies[0].variants(0).text_body() == "Salut Legal v2");
    CHECK(copies[0].blocks(0).version() == 1);
    CHECK(copies[0].blocks(1).version() == 2);
    CHECK(copies[3].html_body() == v1_html);  // version 1 as it was published
  }

  // An unknown block is refused before anything is stored.
  t.set_internal_name("welcomeBroken");
  t.set_html_body("<%@ include view='nope' %>");
  grpc::Status unknown = control.templates().CreateTemplate(Context().get(), create, &created);
  CHECK(unknown.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(unknown.error_message() ==
        "html_body: includes block 'nope', which does not exist (create it, or remove the "
        "include)");

  pb::ListBlocksResponse blocks;
  REQUIRE(control.blocks().ListBlocks(Context().get(), {}, &blocks).ok());
  REQUIRE(blocks.blocks_size() == 2);
  CHECK(blocks.blocks(0).name() == "footer");
  CHECK(blocks.blocks(1).version() == 2);
  pb::UnpublishTemplateRequest unpublish;
  unpublish.set_internal_name("welcome");
  pb::UnpublishTemplateResponse unpublished;
  REQUIRE(control.templates().UnpublishTemplate(Context().get(), unpublish, &unpublished).ok());
}

}  // namespace
}  // namespace mc::e2e
