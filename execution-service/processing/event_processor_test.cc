// EventProcessor against fakes of its store, senders and templates (no database, no sleeps):
// what a run claims, sends, records, counts and logs for a claimed batch.
#include "execution-service/processing/event_processor.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "execution-service/processing/fake_channel_sender.h"
#include "execution-service/processing/fake_delivery_store.h"
#include "execution-service/processing/fake_template_source.h"

namespace mc::execution {
namespace {

constexpr int64_t kEmailTemplate = 7, kSmsTemplate = 8;

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct Fixture {
  FakeDeliveryStore store;
  FakeTemplateSource templates;
  FakeChannelSender email, sms;
  metrics::Metrics registry;
  ExecutionMetrics metrics{registry.registry()};
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kInfo, log_sink};
  int delivered = 0;
  ProcessorOptions options{.batch_size = 50,
                           .lease = absl::Seconds(60),
                           .max_tries = 3,
                           .retry_base = absl::Seconds(30),
                           .message_id_domain = "mc.test"};

  Fixture() {
    REQUIRE(templates
                .Add(kEmailTemplate, {.event_type = "SHIP",
                                      .channel = 0,
                                      .version = 3,
                                      .subject = "Order <%= rtEvent.ctx.order %>",
                                      .html_body = "<p><%= rtEvent.ctx.name %></p>",
                                      .text_body = "Hello <%= rtEvent.ctx.name %>"})
                .ok());
    REQUIRE(templates
                .Add(kSmsTemplate, {.event_type = "SHIP",
                                    .channel = 1,
                                    .version = 1,
                                    .sms_text = "Order <%= rtEvent.ctx.order %>"})
                .ok());
  }

  EventProcessor Processor(Queue queue = Queue::kRealTime) {
    return EventProcessor(
        queue, store, templates, email, sms, options, nullptr, [this] { ++delivered; }, metrics,
        logger);
  }

  // One claimed event; `tries` already made.
  static DeliveryItem Item(int64_t id, int channel, const std::string& address, int tries = 0) {
    DeliveryItem item;
    item.id = id;
    item.event.type = "SHIP";
    item.event.wished_channel = channel;
    if (channel == 0) {
      item.event.email = address;
    } else if (channel == 1) {
      item.event.mobile_phone = address;
    } else {
      item.event.device_token = address;
    }
    item.event.ctx_json = R"({"order":"A-17","name":"Ana"})";
    item.template_id = channel == 1 ? kSmsTemplate : kEmailTemplate;
    item.template_version = channel == 1 ? 1 : 3;
    item.tries = tries;
    item.age = absl::Seconds(2);
    return item;
  }

  void Claim(std::vector<DeliveryItem> items, int64_t claimed = -1, int64_t not_taken = 0,
             int64_t expired = 0) {
    RouteResult r;
    r.claimed = claimed >= 0 ? claimed : static_cast<int64_t>(items.size());
    r.not_taken = not_taken;
    r.expired = expired;
    r.to_deliver = std::move(items);
    store.AddBatch(std::move(r));
  }

  // The one RecordOutcomes call's logs by event id.
  const DeliveryRecord& Log(int64_t id) const {
    REQUIRE(store.recorded().size() == 1);
    for (const DeliveryRecord& r : store.recorded()[0].records) {
      if (r.event_id == id) return r;
    }
    FAIL("no delivery log for event " << id);
    throw;
  }

  std::string Metrics() { return registry.Render(); }
};

// Ten events, six of them new: every outcome of the table, on both channels and push.
void ClaimMixedBatch(Fixture& f) {
  f.email.Answer("bounce@Example.TEST",
                 {SendOutcome::Kind::kHardFailure, "550 user unknown", true});
  f.email.Answer("refused@example.test", {SendOutcome::Kind::kHardFailure, "554 refused", false});
  f.sms.Answer("+33611111111", {SendOutcome::Kind::kSoftFailure, "503 busy", false});
  f.sms.Answer("+33622222222", {SendOutcome::Kind::kSoftFailure, "timeout", false});
  std::vector<DeliveryItem> items = {
      Fixture::Item(1, 0, "ok@example.test"),
      Fixture::Item(2, 0, "quarantined@example.test"),
      Fixture::Item(3, 0, "bounce@Example.TEST"),
      Fixture::Item(4, 0, "refused@example.test"),
      Fixture::Item(5, 1, "+33611111111", 1),  // soft, a try left: retried
      Fixture::Item(6, 1, "+33622222222", 2),  // soft on the last try: Expired
      Fixture::Item(7, 41, "device-token"),
      Fixture::Item(8, 0, "late@example.test", 1),
      Fixture::Item(9, 0, "no-template@example.test"),
      Fixture::Item(10, 1, "+33633333333"),
  };
  items[1].quarantined = true;
  items[7].expired = true;
  items[8].template_id = 99;
  f.Claim(std::move(items), /*claimed=*/6);
}

TEST_CASE_METHOD(Fixture, "a mixed batch: only what can be sent reaches a channel, rendered") {
  ClaimMixedBatch(*this);
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  REQUIRE(run.ok());
  CHECK(run->processed == 6 + 9);  // claimed, then each event given its log
  CHECK(run->errors == 1);         // the retry
  CHECK_FALSE(run->more);
  REQUIRE(store.claims().size() == 1);
  CHECK(store.claims()[0].queue == Queue::kRealTime);
  CHECK(store.claims()[0].limit == 50);
  CHECK(store.claims()[0].lease == absl::Seconds(60));
  // Each channel gets its messages in one call, with the address as given.
  CHECK(email.calls() == 1);
  CHECK(sms.calls() == 1);
  REQUIRE(email.sent().size() == 3);
  CHECK(email.sent()[0].address == "ok@example.test");
  CHECK(email.sent()[0].message_id == "<ev-rt-1@mc.test>");
  CHECK(email.sent()[0].subject == "Order A-17");
  CHECK(email.sent()[0].text == "Hello Ana");
  CHECK(email.sent()[0].html == "<p>Ana</p>");
  CHECK(email.sent()[1].address == "bounce@Example.TEST");
  CHECK(email.sent()[2].address == "refused@example.test");
  REQUIRE(sms.sent().size() == 3);
  CHECK(sms.sent()[0].address == "+33611111111");
  CHECK(sms.sent()[0].sms == "Order A-17");
  CHECK(sms.sent()[2].address == "+33633333333");
}

TEST_CASE_METHOD(Fixture, "a mixed batch: each event gets its outcome, recorded in one call") {
  ClaimMixedBatch(*this);
  REQUIRE(Processor().RunOnce().ok());
  CHECK(Log(1).status == EventStatus::kSent);
  CHECK(Log(1).tries == 1);
  CHECK(Log(1).template_id == kEmailTemplate);
  CHECK(Log(1).template_version == 3);
  CHECK(Log(1).message_id == "<ev-rt-1@mc.test>");
  CHECK(Log(2).status == EventStatus::kIgnoredByDelivery);
  CHECK(Log(2).failure_reason == "address in quarantine or deny list");
  CHECK(Log(3).status == EventStatus::kDeliveryFailed);
  CHECK(Log(3).failure_type == "hard");
  CHECK(Log(3).failure_reason == "550 user unknown");
  CHECK(Log(3).address == "bounce@Example.TEST");
  CHECK(Log(4).status == EventStatus::kDeliveryFailed);
  CHECK(Log(6).status == EventStatus::kExpired);
  CHECK(Log(6).failure_reason == "tries exhausted (3): timeout");
  CHECK(Log(7).status == EventStatus::kDeliveryFailed);
  CHECK(Log(7).failure_reason == "no push provider configured");
  CHECK(Log(8).status == EventStatus::kExpired);
  CHECK(Log(8).failure_reason == "expiration passed after 1 tries");
  CHECK(Log(9).status == EventStatus::kDeliveryFailed);
  CHECK(Log(9).failure_reason == "template not usable: template 99");
  CHECK(Log(10).status == EventStatus::kSent);
  CHECK(Log(10).address == "+33633333333");
  const FakeDeliveryStore::Outcomes& out = store.recorded()[0];
  CHECK(out.queue == Queue::kRealTime);
  CHECK(out.records.size() == 9);  // every event but the retried one
  // Only the refusal that names the address quarantines it, by its key.
  REQUIRE(out.quarantine.size() == 1);
  CHECK(out.quarantine[0].channel == 0);
  CHECK(out.quarantine[0].address == "bounce@example.test");
  CHECK(out.quarantine[0].reason == "550 user unknown");
  REQUIRE(out.retries.size() == 1);
  CHECK(out.retries[0].event_id == 5);
  CHECK(out.retries[0].delay == absl::Seconds(60));  // retry_base * 2^1
  CHECK(delivered == 1);
}

TEST_CASE_METHOD(Fixture, "outcomes, finals of the routing and latencies are counted") {
  sms.Answer("+33611111111", {SendOutcome::Kind::kSoftFailure, "503 busy", false});
  std::vector<DeliveryItem> items = {Item(1, 0, "a@example.test"), Item(2, 0, "b@example.test"),
                                     Item(3, 0, "q@example.test"), Item(4, 1, "+33611111111"),
                                     Item(5, 0, "late@example.test", 1)};
  items[2].quarantined = true;
  items[4].expired = true;
  Claim(std::move(items), 7, /*not_taken=*/2, /*expired=*/1);
  REQUIRE(Processor().RunOnce().ok());
  const std::string text = Metrics();
  CHECK(Has(text, "mc_delivery_outcomes_total{channel=\"email\",outcome=\"sent\"} 2"));
  CHECK(Has(text, "mc_delivery_outcomes_total{channel=\"email\",outcome=\"ignored\"} 1"));
  CHECK(Has(text, "mc_delivery_outcomes_total{channel=\"sms\",outcome=\"failed_soft\"} 1"));
  // An expiration found before a try is no try's outcome.
  CHECK(Has(text, "mc_delivery_outcomes_total{channel=\"email\",outcome=\"failed_soft\"} 0"));
  CHECK(Has(text, "mc_events_finished_total{queue=\"rt\",status=\"not_taken_into_account\"} 2"));
  CHECK(Has(text, "mc_events_finished_total{queue=\"rt\",status=\"expired\"} 1"));
  CHECK(Has(text, "mc_delivery_latency_seconds_count{queue=\"rt\"} 2"));  // the messages sent
}

TEST_CASE_METHOD(Fixture, "one line per outcome other than Sent, with the event's id") {
  email.Answer("bounce@example.test", {SendOutcome::Kind::kHardFailure, "550 user unknown", true});
  Claim({Item(1, 0, "ok@example.test"), Item(2, 0, "bounce@example.test")});
  REQUIRE(Processor(Queue::kBatch).RunOnce().ok());
  const std::string logs = log_sink.str();
  CHECK(logs.find("\"event\":1") == std::string::npos);
  CHECK(logs.find("\"msg\":\"delivery outcome\",\"event\":2,\"queue\":\"batch\","
                  "\"status\":\"Delivery failed\",\"failure\":\"hard\","
                  "\"reason\":\"550 user unknown\",\"tries\":1") != std::string::npos);
  CHECK(email.sent()[0].message_id == "<ev-batch-1@mc.test>");
}

TEST_CASE_METHOD(Fixture, "a claim with nothing to deliver records nothing and sends nothing") {
  Claim({}, /*claimed=*/4, /*not_taken=*/3, /*expired=*/1);
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  REQUIRE(run.ok());
  CHECK(run->processed == 4);
  CHECK_FALSE(run->more);
  CHECK(store.recorded().empty());
  CHECK(email.calls() == 0);
  CHECK(sms.calls() == 0);
  CHECK(delivered == 0);
  CHECK(
      Has(Metrics(), "mc_events_finished_total{queue=\"rt\",status=\"not_taken_into_account\"} 3"));
}

TEST_CASE_METHOD(Fixture, "a full batch asks for another run at once") {
  options.batch_size = 2;
  SECTION("full of new events") {
    Claim({Item(1, 0, "a@example.test")}, /*claimed=*/2, /*not_taken=*/1);
  }
  SECTION("full of re-claimed deliveries") {
    Claim({Item(1, 0, "a@example.test"), Item(2, 0, "b@example.test")}, /*claimed=*/0);
  }
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  REQUIRE(run.ok());
  CHECK(run->more);
}

TEST_CASE_METHOD(Fixture, "a retry only: recorded, with no log, and no wake of updateEventStatus") {
  email.Answer("a@example.test", {SendOutcome::Kind::kSoftFailure, "421 later", false});
  Claim({Item(1, 0, "a@example.test")});
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  REQUIRE(run.ok());
  CHECK(run->errors == 1);
  REQUIRE(store.recorded().size() == 1);
  CHECK(store.recorded()[0].records.empty());
  REQUIRE(store.recorded()[0].retries.size() == 1);
  CHECK(store.recorded()[0].retries[0].delay == absl::Seconds(30));
  CHECK(delivered == 0);
}

TEST_CASE_METHOD(Fixture, "a failed claim fails the run: nothing sent") {
  store.claim_error = absl::UnavailableError("no server");
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  CHECK(run.status() == absl::UnavailableError("no server"));
  CHECK(email.calls() == 0);
  CHECK(store.recorded().empty());
}

TEST_CASE_METHOD(Fixture, "templates unavailable fail the run before anything is sent") {
  templates.Fail(kEmailTemplate, absl::UnavailableError("pool exhausted"));
  Claim({Item(1, 1, "+33611111111"), Item(2, 0, "a@example.test")});
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  CHECK(run.status().code() == absl::StatusCode::kUnavailable);
  CHECK(email.calls() == 0);
  CHECK(sms.calls() == 0);
  CHECK(store.recorded().empty());
  CHECK(delivered == 0);
}

TEST_CASE_METHOD(Fixture, "outcomes not recorded fail the run, say so, and count nothing") {
  store.record_error = absl::UnavailableError("connection lost");
  Claim({Item(1, 0, "a@example.test"), Item(2, 0, "b@example.test")});
  absl::StatusOr<JobRun> run = Processor().RunOnce();
  CHECK(run.status() == absl::UnavailableError("connection lost"));
  CHECK(email.sent().size() == 2);
  CHECK(store.recorded().size() == 1);
  CHECK(delivered == 0);
  CHECK(log_sink.str().find("\"msg\":\"delivery outcomes not recorded: the lease sends these "
                            "messages again\",\"queue\":\"rt\",\"events\":2,\"first_event\":1,"
                            "\"error\":\"connection lost\"") != std::string::npos);
  CHECK(Has(Metrics(), "mc_delivery_outcomes_total{channel=\"email\",outcome=\"sent\"} 0"));
  CHECK(Has(Metrics(), "mc_delivery_latency_seconds_count{queue=\"rt\"} 0"));
}

TEST_CASE_METHOD(Fixture,
                 "a template is fetched for each event sent, never for one decided before") {
  std::vector<DeliveryItem> items = {Item(1, 0, "a@example.test"), Item(2, 0, "q@example.test")};
  items[1].quarantined = true;
  Claim(std::move(items));
  REQUIRE(Processor().RunOnce().ok());
  CHECK(templates.gets() == 1);
}

}  // namespace
}  // namespace mc::execution
