// End to end: each message's story (GetEvent) against the real service, its workflows and a
// real SMTP server on loopback. For every outcome (sent, soft failures then sent, hard 5xx,
// ignored because of the quarantine, not taken into account) the story must say what the SMTP
// server saw: the address it was given, the Message-ID header of what it accepted, and how
// many tries (RCPTs) reached it. Then ListEvents by address, external id and template.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

Cluster& Instance() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.service = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), testing::FreshSchema("story"),
        {"--smtp_url=" + c.smtp->url(), "--retry_base_ms=100", "--max_tries=3", "--lease_seconds=5",
         "--message_id_domain=mc.test", "--workflow_refresh_ms=100", "--batch_poll_ms=100",
         "--smtp_from=Shop <shop@mc.test>"}));
    c.client = std::make_unique<ExecClient>(c.service->address());
    REQUIRE(c.client->StartAllWorkflows().ok());
    // Migration 0008's fourth workflow: templates are published only while all of them run.
    REQUIRE(c.client->ChangeWorkflow("webhookDelivery", v1::WORKFLOW_STATE_STARTED).ok());
    v1::Template t;
    t.set_internal_name("storyShipped");
    t.set_event_type("STORY_SHIPPED");
    t.set_channel(v1::CHANNEL_EMAIL);
    t.set_version(1);
    t.set_subject("Shipped");
    t.set_text_body("Your order <%= rtEvent.ctx.order %> is on its way.");
    const grpc::Status published = c.client->Publish(t);
    INFO(published.error_message());
    REQUIRE(published.ok());
    return c;
  }();
  return c;
}

v1::Event Email(const std::string& type, const std::string& address,
                const std::string& external_id = "") {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  e.set_external_id(external_id);
  (void)google::protobuf::util::JsonStringToMessage(R"({"order":"A-1"})", e.mutable_ctx());
  return e;
}

// What the SMTP server accepted for `address`: the Message-ID header of each mail.
std::vector<std::string> MessageIdsAcceptedFor(const std::string& address) {
  std::vector<std::string> out;
  for (const sinks::ReceivedMail& m : Instance().smtp->Messages()) {
    if (m.recipients != std::vector<std::string>{address}) continue;
    for (const std::string& line : testing::HeaderLines(m.data)) {
      if (absl::StartsWithIgnoreCase(line, "Message-ID: ")) out.push_back(line.substr(12));
    }
  }
  return out;
}

// Pushes, waits for the final status, and returns the event with its story.
v1::StoredEvent Deliver(const v1::Event& e) {
  ExecClient& client = *Instance().client;
  const int64_t id = client.Push(v1::QUEUE_REAL_TIME, e);
  return client.WaitFinal(id);
}

std::vector<v1::TimelineStep> Steps(const v1::StoredEvent& e) {
  std::vector<v1::TimelineStep> out;
  for (const v1::TimelineEntry& t : e.story().timeline()) out.push_back(t.step());
  return out;
}

TEST_CASE("sent at once: the story's address, Message-ID and one try are what the relay saw") {
  const std::string address = "story-ana@example.test";
  const v1::StoredEvent e = Deliver(Email("STORY_SHIPPED", address, "story-order-1"));
  REQUIRE(e.status() == v1::EVENT_STATUS_SENT);
  const v1::EventStory& s = e.story();
  CHECK(s.address() == address);
  CHECK(s.channel() == v1::CHANNEL_EMAIL);
  CHECK(s.template_name() == "storyShipped");
  CHECK(s.template_version() == 1);
  CHECK(MessageIdsAcceptedFor(address) == std::vector<std::string>{s.message_id()});
  CHECK(s.message_id() == absl::StrCat("<ev-rt-", e.id(), "@mc.test>"));
  CHECK(s.tries() == 1);
  CHECK(static_cast<int>(Instance().smtp->rcpt_count(address)) == s.tries());
  CHECK(s.last_failure_type() == v1::FAILURE_TYPE_UNSPECIFIED);
  CHECK_FALSE(s.has_next_try());
  CHECK(s.has_received());
  CHECK(s.has_taken_up());
  CHECK(s.has_handed_to_relay());
  CHECK(s.has_finished());
  CHECK(Steps(e) ==
        std::vector<v1::TimelineStep>{v1::TIMELINE_STEP_RECEIVED, v1::TIMELINE_STEP_TAKEN_UP,
                                      v1::TIMELINE_STEP_DELIVERY_OUTCOME, v1::TIMELINE_STEP_FINAL});
  // By external id: the same story.
  v1::GetEventRequest req;
  req.mutable_external()->set_queue(v1::QUEUE_REAL_TIME);
  req.mutable_external()->set_external_id("story-order-1");
  v1::StoredEvent by_key;
  REQUIRE(Instance().client->events().GetEvent(Context().get(), req, &by_key).ok());
  CHECK(by_key.story().message_id() == s.message_id());
  CHECK(by_key.story().timeline_size() == s.timeline_size());
}

TEST_CASE("two soft failures, then sent: three tries, each retry told, one message") {
  // The relay answers 451 to this address's first two RCPTs.
  const std::string address = "flaky2-story-bo@example.test";
  const v1::StoredEvent e = Deliver(Email("STORY_SHIPPED", address));
  REQUIRE(e.status() == v1::EVENT_STATUS_SENT);
  const v1::EventStory& s = e.story();
  CHECK(s.tries() == 3);
  CHECK(static_cast<int>(Instance().smtp->rcpt_count(address)) == s.tries());
  CHECK(MessageIdsAcceptedFor(address) == std::vector<std::string>{s.message_id()});
  CHECK(s.last_failure_type() == v1::FAILURE_TYPE_SOFT);
  CHECK(absl::StrContains(s.last_failure_reason(), "451"));
  CHECK(Steps(e) ==
        std::vector<v1::TimelineStep>{v1::TIMELINE_STEP_RECEIVED, v1::TIMELINE_STEP_TAKEN_UP,
                                      v1::TIMELINE_STEP_RETRIED, v1::TIMELINE_STEP_RETRIED,
                                      v1::TIMELINE_STEP_DELIVERY_OUTCOME, v1::TIMELINE_STEP_FINAL});
  for (int i : {2, 3}) {
    const v1::TimelineEntry& retried = s.timeline(i);
    CHECK(retried.try_number() == i - 1);
    CHECK(retried.failure_type() == v1::FAILURE_TYPE_SOFT);
    CHECK(absl::StrContains(retried.reason(), "451 4.3.0"));
    CHECK(retried.has_next_try());
    CHECK(retried.status() == v1::EVENT_STATUS_PENDING_DELIVERY);
  }
  CHECK(s.timeline(4).try_number() == 3);
  CHECK(s.timeline(4).status() == v1::EVENT_STATUS_SENT);
}

TEST_CASE("a hard 5xx, then the same address ignored because of the quarantine") {
  const std::string address = "bounce-story@example.test";
  const v1::StoredEvent e = Deliver(Email("STORY_SHIPPED", address));
  REQUIRE(e.status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  const v1::EventStory& s = e.story();
  CHECK(s.tries() == 1);
  CHECK(static_cast<int>(Instance().smtp->rcpt_count(address)) == s.tries());
  CHECK(MessageIdsAcceptedFor(address).empty());
  CHECK(s.message_id() == absl::StrCat("<ev-rt-", e.id(), "@mc.test>"));
  CHECK(s.last_failure_type() == v1::FAILURE_TYPE_HARD);
  CHECK(absl::StrContains(s.last_failure_reason(), "550 5.1.1"));
  CHECK(s.timeline(s.timeline_size() - 2).failure_type() == v1::FAILURE_TYPE_HARD);

  // Its domain in another case: the quarantine's key, so nothing reaches the relay.
  const std::string upper = "bounce-story@EXAMPLE.TEST";
  const v1::StoredEvent ignored = Deliver(Email("STORY_SHIPPED", upper));
  REQUIRE(ignored.status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
  const v1::EventStory& i = ignored.story();
  CHECK(i.address() == upper);
  CHECK(i.tries() == 0);
  CHECK(Instance().smtp->rcpt_count(upper) == 0);
  CHECK(Instance().smtp->rcpt_count(address) == 1);
  CHECK(MessageIdsAcceptedFor(upper).empty());
  CHECK_FALSE(i.has_handed_to_relay());
  CHECK(i.last_failure_reason() == "address in quarantine or deny list");
  CHECK(Steps(ignored) ==
        std::vector<v1::TimelineStep>{v1::TIMELINE_STEP_RECEIVED, v1::TIMELINE_STEP_TAKEN_UP,
                                      v1::TIMELINE_STEP_DELIVERY_OUTCOME, v1::TIMELINE_STEP_FINAL});
}

TEST_CASE("not taken into account: no template, nothing sent, and why") {
  const std::string address = "story-nt@example.test";
  const v1::StoredEvent e = Deliver(Email("STORY_UNKNOWN", address));
  REQUIRE(e.status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  const v1::EventStory& s = e.story();
  CHECK(s.tries() == 0);
  CHECK(Instance().smtp->rcpt_count(address) == 0);
  CHECK(s.message_id().empty());
  CHECK(s.template_name().empty());
  CHECK(s.last_failure_reason() == "no template published for its event type and channel");
  CHECK(Steps(e) == std::vector<v1::TimelineStep>{v1::TIMELINE_STEP_RECEIVED,
                                                  v1::TIMELINE_STEP_TAKEN_UP,
                                                  v1::TIMELINE_STEP_FINAL});
  CHECK(s.timeline(1).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
}

std::vector<int64_t> Listed(const v1::ListEventsRequest& req) {
  v1::ListEventsResponse resp;
  grpc::Status s = Instance().client->events().ListEvents(Context().get(), req, &resp);
  if (!s.ok()) FAIL("ListEvents: " << s.error_message());
  std::vector<int64_t> ids;
  for (const v1::StoredEvent& e : resp.events()) {
    ids.push_back(e.id());
    CHECK_FALSE(e.has_story());  // GetEvent only
  }
  return ids;
}

TEST_CASE("ListEvents by address, external id and template; over-long filters are refused") {
  ExecClient& client = *Instance().client;
  const v1::StoredEvent a = Deliver(Email("STORY_SHIPPED", "story-list@example.test", "sl-1"));
  const v1::StoredEvent b = Deliver(Email("STORY_SHIPPED", "story-list@Example.Test", "sl-2"));
  const v1::StoredEvent other = Deliver(Email("STORY_UNKNOWN", "story-list@example.test"));
  v1::ListEventsRequest req;
  req.set_address("story-list@EXAMPLE.test");
  CHECK(Listed(req) == std::vector<int64_t>{other.id(), b.id(), a.id()});
  req.set_template_name("storyShipped");
  CHECK(Listed(req) == std::vector<int64_t>{b.id(), a.id()});
  // Paged: one at a time under the token, which binds the new filters.
  req.set_page_size(1);
  v1::ListEventsResponse page;
  REQUIRE(client.events().ListEvents(Context().get(), req, &page).ok());
  REQUIRE(page.events_size() == 1);
  CHECK(page.events(0).id() == b.id());
  req.set_page_token(page.next_page_token());
  CHECK(Listed(req) == std::vector<int64_t>{a.id()});
  v1::ListEventsRequest changed = req;
  changed.set_template_name("other");
  v1::ListEventsResponse refused;
  grpc::Status bad = client.events().ListEvents(Context().get(), changed, &refused);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(absl::StartsWith(bad.error_message(), "page_token: not a token ListEvents issued for"));

  v1::ListEventsRequest by_key;
  by_key.set_external_id("sl-2");
  CHECK(Listed(by_key) == std::vector<int64_t>{b.id()});

  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"address", std::string(255, 'a')},
                                                        {"external_id", std::string(256, 'x')},
                                                        {"template_name", std::string(65, 't')}}) {
    v1::ListEventsRequest too_long;
    if (field == "address") too_long.set_address(value);
    if (field == "external_id") too_long.set_external_id(value);
    if (field == "template_name") too_long.set_template_name(value);
    v1::ListEventsResponse none;
    grpc::Status s = client.events().ListEvents(Context().get(), too_long, &none);
    INFO(field);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(absl::StartsWith(s.error_message(), field + ": longer than"));
  }
}

}  // namespace
}  // namespace mc::e2e
