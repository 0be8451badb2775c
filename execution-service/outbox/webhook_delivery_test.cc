// webhookDelivery's job with a fake outbox and a fake dispatch: what it sends to which
// endpoint, how it splits one endpoint's webhooks into shares (an event never in two), and what
// it records of each outcome and each endpoint.
#include "execution-service/outbox/webhook_delivery.h"

#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace mc::execution {
namespace {

class FakeOutbox final : public OutboxStore {
 public:
  std::vector<WebhookEndpoint> endpoints;
  std::vector<ClaimedWebhook> queued;
  absl::Status record_status;
  std::vector<WebhookResult> results;
  std::vector<EndpointResult> endpoint_results;
  absl::Duration pause_after;

  absl::StatusOr<std::vector<ClaimedWebhook>> Claim(int limit, absl::Duration) override {
    std::vector<ClaimedWebhook> out;
    while (!queued.empty() && static_cast<int>(out.size()) < limit) {
      out.push_back(queued.front());
      queued.erase(queued.begin());
    }
    return out;
  }
  absl::StatusOr<std::vector<WebhookEndpoint>> Endpoints() override { return endpoints; }
  absl::Status Record(const std::vector<WebhookResult>& r, const std::vector<EndpointResult>& e,
                      absl::Duration pause) override {
    if (!record_status.ok()) return record_status;
    results = r;
    endpoint_results = e;
    pause_after = pause;
    return absl::OkStatus();
  }
};

// Answers per event id: 200 unless listed; records every Send call.
class FakeDispatch final : public WebhookDispatch {
 public:
  std::map<int64_t, WebhookResult::Kind> answers;
  std::mutex mu;
  std::vector<std::pair<std::string, std::vector<int64_t>>> calls;  // endpoint, event ids

  std::vector<DispatchOutcome> Send(const WebhookEndpoint& endpoint,
                                    const std::vector<WebhookChange>& changes) override {
    std::vector<DispatchOutcome> out;
    std::vector<int64_t> ids;
    for (const WebhookChange& c : changes) {
      ids.push_back(c.event_id);
      auto it = answers.find(c.event_id);
      const WebhookResult::Kind kind =
          it == answers.end() ? WebhookResult::Kind::kDelivered : it->second;
      DispatchOutcome o{.result = {.event_id = c.event_id,
                                   .outbox_id = c.outbox_id,
                                   .kind = kind,
                                   .delay = absl::Seconds(5)}};
      if (kind != WebhookResult::Kind::kDelivered) {
        o.result.error = "HTTP 503";
        o.error_class = "5xx";
        o.http_status = 503;
      }
      out.push_back(o);
    }
    std::lock_guard<std::mutex> lock(mu);
    calls.emplace_back(endpoint.subscription, ids);
    return out;
  }
};

ClaimedWebhook Claimed(const std::string& subscription, int64_t event_id, int64_t outbox_id) {
  ClaimedWebhook c{.subscription = subscription};
  c.change.event_id = event_id;
  c.change.outbox_id = outbox_id;
  c.change.status = EventStatus::kSent;
  c.change.changed_at = absl::Now();
  return c;
}

struct Fixture {
  FakeOutbox outbox;
  FakeDispatch dispatch;
  LocalSignal wake;
  prometheus::Registry registry;
  WebhookMetrics metrics{registry};
  std::ostringstream log_out;
  log::Logger logger{"test", log::Level::kInfo, log_out};

  WebhookDelivery Job(int batch = 100, int concurrency = 2) {
    return WebhookDelivery(
        outbox, dispatch,
        {.batch_size = batch, .endpoint_concurrency = concurrency, .pause_after = absl::Minutes(7)},
        wake, metrics, logger);
  }
};

std::map<int64_t, WebhookResult::Kind> Kinds(const std::vector<WebhookResult>& results) {
  std::map<int64_t, WebhookResult::Kind> out;
  for (const WebhookResult& r : results) out[r.outbox_id] = r.kind;
  return out;
}

TEST_CASE("each endpoint gets its own webhooks, an event's webhooks in one share") {
  Fixture f;
  f.outbox.endpoints = {{.subscription = "a", .url = "https://a"},
                        {.subscription = "b", .url = "https://b"}};
  for (int64_t e = 1; e <= 6; ++e) {
    f.outbox.queued.push_back(Claimed("a", e, 10 + e));
    f.outbox.queued.push_back(Claimed("b", e, 20 + e));
  }
  WebhookDelivery job = f.Job(100, 2);
  absl::StatusOr<JobRun> run = job.RunOnce();
  REQUIRE(run.ok());
  CHECK(run->processed == 12);
  CHECK_FALSE(run->more);
  std::map<std::string, std::set<int64_t>> sent;
  std::map<int64_t, std::set<size_t>> share_of_event;
  for (size_t i = 0; i < f.dispatch.calls.size(); ++i) {
    const auto& [endpoint, ids] = f.dispatch.calls[i];
    for (int64_t id : ids) {
      CHECK(sent[endpoint].insert(id).second);  // never twice
    }
  }
  CHECK(sent["a"] == std::set<int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(sent["b"] == std::set<int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(f.dispatch.calls.size() == 4);  // two shares per endpoint
  CHECK(f.outbox.results.size() == 12);
  for (const auto& [id, kind] : Kinds(f.outbox.results)) {
    CHECK(kind == WebhookResult::Kind::kDelivered);
  }
  CHECK(f.outbox.pause_after == absl::Minutes(7));
}

TEST_CASE("outcomes and endpoint results are recorded as the dispatch answered") {
  Fixture f;
  f.outbox.endpoints = {{.subscription = "ok"}, {.subscription = "down"}, {.subscription = "mix"}};
  f.outbox.queued = {Claimed("ok", 1, 1), Claimed("down", 2, 2), Claimed("mix", 3, 3),
                     Claimed("mix", 4, 4)};
  f.dispatch.answers = {{2, WebhookResult::Kind::kRetry}, {4, WebhookResult::Kind::kGiveUp}};
  WebhookDelivery job = f.Job();
  REQUIRE(job.RunOnce().ok());
  const auto kinds = Kinds(f.outbox.results);
  CHECK(kinds.at(1) == WebhookResult::Kind::kDelivered);
  CHECK(kinds.at(2) == WebhookResult::Kind::kRetry);
  CHECK(kinds.at(3) == WebhookResult::Kind::kDelivered);
  CHECK(kinds.at(4) == WebhookResult::Kind::kGiveUp);
  std::map<std::string, EndpointResult> by;
  for (const EndpointResult& e : f.outbox.endpoint_results) by[e.subscription] = e;
  CHECK((by["ok"].succeeded && !by["ok"].failed));
  CHECK((!by["down"].succeeded && by["down"].failed && by["down"].last_error == "HTTP 503"));
  CHECK((by["mix"].succeeded && by["mix"].failed));
  // One warning for the endpoint with no success, none for the others.
  CHECK(f.log_out.str().find("\"subscription\":\"down\"") != std::string::npos);
  CHECK(f.log_out.str().find("\"subscription\":\"mix\"") == std::string::npos);
}

TEST_CASE("a webhook of a subscription no longer enabled is held, not sent") {
  Fixture f;
  f.outbox.endpoints = {{.subscription = "a"}};
  f.outbox.queued = {Claimed("gone", 1, 1), Claimed("a", 2, 2)};
  WebhookDelivery job = f.Job();
  REQUIRE(job.RunOnce().ok());
  REQUIRE(f.dispatch.calls.size() == 1);
  CHECK(f.dispatch.calls[0].first == "a");
  CHECK(Kinds(f.outbox.results).at(1) == WebhookResult::Kind::kHeld);
}

TEST_CASE("a full batch asks for another run; an empty claim sends nothing") {
  Fixture f;
  f.outbox.endpoints = {{.subscription = "a"}};
  for (int64_t e = 1; e <= 3; ++e) f.outbox.queued.push_back(Claimed("a", e, e));
  WebhookDelivery job = f.Job(2, 1);
  absl::StatusOr<JobRun> run = job.RunOnce();
  REQUIRE(run.ok());
  CHECK(run->more);
  run = job.RunOnce();
  REQUIRE(run.ok());
  CHECK_FALSE(run->more);
  run = job.RunOnce();
  REQUIRE(run.ok());
  CHECK(run->processed == 0);
  CHECK(f.dispatch.calls.size() == 2);
}

TEST_CASE("a run whose outcomes cannot be recorded fails") {
  Fixture f;
  f.outbox.endpoints = {{.subscription = "a"}};
  f.outbox.queued = {Claimed("a", 1, 1)};
  f.outbox.record_status = absl::UnavailableError("down");
  WebhookDelivery job = f.Job();
  CHECK(job.RunOnce().status().code() == absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace mc::execution
