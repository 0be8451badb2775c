// Each event's story (EventRepository::GetStory) for every outcome, against a real PostgreSQL,
// the events taken through the real path: pushed by the events repository, routed, rendered,
// "sent" and recorded by EventProcessor over ProcessingRepository (with a sender whose answers
// are scripted per address), made final by updateEventStatus (ApplyDeliveryStatuses). The
// story must agree with what the sender was given (address, Message-ID, number of tries).
#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/event_processor.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_catalog.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

// Answers each message with the next outcome scripted for its address (Sent once none is
// left), and keeps every message it was given.
class ScriptedSender final : public ChannelSender {
 public:
  void Script(const std::string& address, std::vector<SendOutcome> outcomes) {
    for (SendOutcome& o : outcomes) script_[address].push_back(std::move(o));
  }

  std::vector<SendOutcome> SendAll(const std::vector<const OutgoingMessage*>& messages) override {
    std::vector<SendOutcome> out;
    for (const OutgoingMessage* m : messages) {
      sent_.push_back(*m);
      std::deque<SendOutcome>& next = script_[m->address];
      if (next.empty()) {
        out.push_back({});
      } else {
        out.push_back(next.front());
        next.pop_front();
      }
    }
    return out;
  }

  // The messages given for `address`, in order.
  std::vector<OutgoingMessage> To(const std::string& address) const {
    std::vector<OutgoingMessage> out;
    for (const OutgoingMessage& m : sent_) {
      if (m.address == address) out.push_back(m);
    }
    return out;
  }

 private:
  std::map<std::string, std::deque<SendOutcome>> script_;
  std::vector<OutgoingMessage> sent_;
};

SendOutcome Soft(std::string reason) {
  return {.kind = SendOutcome::Kind::kSoftFailure, .reason = std::move(reason)};
}

struct Fixture {
  std::string schema = testing::FreshSchema("story", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository template_repository{pool};
  TemplateCatalog templates{template_repository};
  ProcessingRepository processing{workflow_pool};
  ScriptedSender email, sms;
  prometheus::Registry registry;
  ExecutionMetrics metrics{registry};
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kError, log_sink};
  // Tried again at once (a zero back-off), three tries in all.
  EventProcessor processor{
      Queue::kRealTime,
      processing,
      templates,
      email,
      sms,
      {.max_tries = 3, .retry_base = absl::ZeroDuration(), .message_id_domain = "story.test"},
      nullptr,
      {},
      metrics,
      logger};

  Fixture() {
    REQUIRE(template_repository
                .Publish({.internal_name = "shipped",
                          .event_type = "SHIP",
                          .channel = 0,
                          .version = 1,
                          .subject = "Shipped",
                          .text_body = "Your order"})
                .ok());
  }

  int64_t Push(const std::string& type, const std::string& email_address,
               const std::string& external_id = "") {
    NewEvent e;
    e.type = type;
    e.email = email_address;
    e.external_id = external_id;
    auto out = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  // One processing run, then updateEventStatus.
  void Run() {
    REQUIRE(processor.RunOnce().ok());
    REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
  }

  EventWithStory Story(int64_t id) {
    absl::StatusOr<EventWithStory> s = events.GetStory(id);
    REQUIRE(s.ok());
    return *std::move(s);
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    return tx.exec1(sql)[0].as<int64_t>();
  }
};

using Step = TimelineStep;
using S = EventStatus;

std::vector<Step> Steps(const EventStory& s) {
  std::vector<Step> out;
  for (const TimelineEntry& t : s.timeline) out.push_back(t.step);
  return out;
}

// Oldest first, never going back in time.
void CheckOrdered(const EventStory& s) {
  for (size_t i = 1; i < s.timeline.size(); ++i) {
    INFO("entry " << i);
    CHECK(s.timeline[i - 1].at <= s.timeline[i].at);
  }
}

TEST_CASE_METHOD(Fixture, "pending: received, nothing else") {
  const int64_t id = Push("SHIP", "wait@example.test", "order-pending");
  const EventWithStory s = Story(id);
  CHECK(s.event.status == S::kPending);
  CHECK(s.event.event.external_id == "order-pending");
  CHECK(s.story.address == "wait@example.test");
  CHECK(s.story.template_name.empty());
  CHECK(s.story.tries == 0);
  CHECK_FALSE(s.story.taken_up);
  CHECK(s.story.received == s.event.created);
  CHECK(Steps(s.story) == std::vector<Step>{Step::kReceived});
  // By external id, in its queue only.
  absl::StatusOr<EventWithStory> by_key =
      events.GetStoryByExternalId(Queue::kRealTime, "order-pending");
  REQUIRE(by_key.ok());
  CHECK(by_key->event.id == id);
  CHECK(events.GetStoryByExternalId(Queue::kBatch, "order-pending").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(events.GetStory(id + 1000).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE_METHOD(Fixture, "sent at once: one try, its Message-ID, and no row written for it") {
  const int64_t id = Push("SHIP", "ana@Example.TEST");
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kSent);
  const std::vector<OutgoingMessage> sent = email.To("ana@Example.TEST");
  REQUIRE(sent.size() == 1);
  CHECK(s.story.message_id == sent[0].message_id);
  CHECK(s.story.message_id == absl::StrCat("<ev-rt-", id, "@story.test>"));
  CHECK(s.story.address == "ana@Example.TEST");
  CHECK(s.story.template_name == "shipped");
  CHECK(s.story.template_version == 1);
  CHECK(s.story.tries == 1);
  CHECK_FALSE(s.story.next_try);
  CHECK(s.story.last_failure_type == FailureType::kNone);
  CHECK(s.story.last_failure_reason.empty());
  REQUIRE(s.story.taken_up);
  REQUIRE(s.story.handed_to_relay);
  REQUIRE(s.story.finished);
  CHECK(*s.story.finished == s.event.updated);
  CHECK(Steps(s.story) ==
        std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kDeliveryOutcome, Step::kFinal});
  CHECK(s.story.timeline[2].status == S::kSent);
  CHECK(s.story.timeline[2].try_number == 1);
  CheckOrdered(s.story);
  // The happy path keeps no attempt: the story is read, never written.
  CHECK(Count("SELECT count(*) FROM delivery_attempts") == 0);
}

TEST_CASE_METHOD(Fixture, "soft failure retried twice, then sent: each retry in the timeline") {
  const int64_t id = Push("SHIP", "bo@example.test");
  email.Script("bo@example.test", {Soft("451 4.3.0 try again"), Soft("421 4.4.2 timeout")});
  Run();
  {
    // Waiting for its second try.
    const EventWithStory waiting = Story(id);
    CHECK(waiting.event.status == S::kPendingDelivery);
    CHECK(waiting.story.tries == 1);
    CHECK(waiting.story.next_try);
    CHECK(waiting.story.last_failure_type == FailureType::kSoft);
    CHECK(waiting.story.last_failure_reason == "451 4.3.0 try again");
    CHECK(waiting.story.message_id == absl::StrCat("<ev-rt-", id, "@story.test>"));
    CHECK_FALSE(waiting.story.finished);
    CHECK(Steps(waiting.story) ==
          std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kRetried});
  }
  Run();
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kSent);
  const std::vector<OutgoingMessage> sent = email.To("bo@example.test");
  REQUIRE(sent.size() == 3);
  CHECK(s.story.tries == 3);
  for (const OutgoingMessage& m : sent) CHECK(m.message_id == s.story.message_id);
  CHECK_FALSE(s.story.next_try);
  CHECK(s.story.last_failure_type == FailureType::kSoft);
  CHECK(s.story.last_failure_reason == "421 4.4.2 timeout");
  CHECK(Steps(s.story) == std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kRetried,
                                            Step::kRetried, Step::kDeliveryOutcome, Step::kFinal});
  const TimelineEntry& first = s.story.timeline[2];
  CHECK(first.try_number == 1);
  CHECK(first.failure_type == FailureType::kSoft);
  CHECK(first.reason == "451 4.3.0 try again");
  CHECK(first.status == S::kPendingDelivery);
  CHECK(first.next_try);
  CHECK(s.story.timeline[3].try_number == 2);
  CHECK(s.story.timeline[3].reason == "421 4.4.2 timeout");
  CHECK(s.story.timeline[4].try_number == 3);
  CHECK(s.story.timeline[4].status == S::kSent);
  CheckOrdered(s.story);
}

TEST_CASE_METHOD(Fixture, "hard failure: the server's refusal, one try") {
  const int64_t id = Push("SHIP", "gone@example.test");
  email.Script("gone@example.test", {{.kind = SendOutcome::Kind::kHardFailure,
                                      .reason = "550 5.1.1 no such user",
                                      .address_rejected = true}});
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kDeliveryFailed);
  CHECK(email.To("gone@example.test").size() == 1);
  CHECK(s.story.tries == 1);
  CHECK(s.story.last_failure_type == FailureType::kHard);
  CHECK(s.story.last_failure_reason == "550 5.1.1 no such user");
  CHECK(s.story.handed_to_relay);
  CHECK(Steps(s.story) ==
        std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kDeliveryOutcome, Step::kFinal});
  CHECK(s.story.timeline[2].status == S::kDeliveryFailed);
  CHECK(s.story.timeline[2].failure_type == FailureType::kHard);
  CHECK(s.story.timeline[3].status == S::kDeliveryFailed);
}

TEST_CASE_METHOD(Fixture, "expired after its tries: two retries, then the last soft failure") {
  const int64_t id = Push("SHIP", "busy@example.test");
  email.Script("busy@example.test", {Soft("452 full"), Soft("452 full"), Soft("452 still full")});
  Run();
  Run();
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kExpired);
  CHECK(email.To("busy@example.test").size() == 3);
  CHECK(s.story.tries == 3);
  CHECK(s.story.last_failure_type == FailureType::kSoft);
  CHECK(s.story.last_failure_reason == "tries exhausted (3): 452 still full");
  CHECK(Steps(s.story) == std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kRetried,
                                            Step::kRetried, Step::kDeliveryOutcome, Step::kFinal});
  CHECK(s.story.timeline[4].status == S::kExpired);
  CHECK(s.story.timeline[4].try_number == 3);
  CHECK(s.story.timeline[5].status == S::kExpired);
  CheckOrdered(s.story);
}

TEST_CASE_METHOD(Fixture, "ignored by the quarantine: nothing sent, no try, the reason") {
  // A hard bounce that names the address puts its key in quarantine...
  const int64_t bounced = Push("SHIP", "cy@example.test");
  email.Script("cy@example.test", {{.kind = SendOutcome::Kind::kHardFailure,
                                    .reason = "550 5.1.1 unknown",
                                    .address_rejected = true}});
  Run();
  REQUIRE(Story(bounced).event.status == S::kDeliveryFailed);
  // ...which stops the same address in another case.
  const int64_t id = Push("SHIP", "cy@EXAMPLE.test");
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kIgnoredByDelivery);
  CHECK(email.To("cy@EXAMPLE.test").empty());
  CHECK(s.story.address == "cy@EXAMPLE.test");
  CHECK(s.story.tries == 0);
  CHECK_FALSE(s.story.handed_to_relay);
  CHECK(s.story.last_failure_type == FailureType::kNone);
  CHECK(s.story.last_failure_reason == "address in quarantine or deny list");
  CHECK(Steps(s.story) ==
        std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kDeliveryOutcome, Step::kFinal});
  CHECK(s.story.timeline[2].status == S::kIgnoredByDelivery);
}

TEST_CASE_METHOD(Fixture, "not taken into account: final when taken up, and why") {
  const int64_t id = Push("NO_TEMPLATE", "dee@example.test");
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.event.status == S::kNotTakenIntoAccount);
  CHECK(email.To("dee@example.test").empty());
  CHECK(s.story.template_name.empty());
  CHECK(s.story.message_id.empty());
  CHECK(s.story.tries == 0);
  CHECK(s.story.last_failure_reason == kNotTakenReason);
  CHECK_FALSE(s.story.handed_to_relay);
  REQUIRE(s.story.taken_up);
  REQUIRE(s.story.finished);
  CHECK(Steps(s.story) == std::vector<Step>{Step::kReceived, Step::kTakenUp, Step::kFinal});
  CHECK(s.story.timeline[1].status == S::kNotTakenIntoAccount);
  CHECK(s.story.timeline[1].reason == kNotTakenReason);
  CheckOrdered(s.story);
}

TEST_CASE_METHOD(Fixture, "an attempt's reason and next try come back through the JSON intact") {
  // Attempts are aggregated as JSON by the story's statement: text with quotes, backslashes
  // and non-ASCII, and the next try's time to the microsecond, must come back as written.
  const int64_t id = Push("SHIP", "eve@example.test");
  email.Script("eve@example.test", {Soft(R"(451 "quoted" \ back – slash)")});
  Run();
  const EventWithStory s = Story(id);
  REQUIRE(s.story.timeline.size() == 3);
  CHECK(s.story.timeline[2].reason == R"(451 "quoted" \ back – slash)");
  REQUIRE(s.story.timeline[2].next_try);
  REQUIRE(s.story.next_try);
  CHECK(*s.story.timeline[2].next_try == *s.story.next_try);
}

}  // namespace
}  // namespace mc::execution
