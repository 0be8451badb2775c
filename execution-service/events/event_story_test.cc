// BuildStory, outcome by outcome: the fields and the timeline made of an event row, its log and
// its attempts.
#include "execution-service/events/event_story.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

absl::Time At(int seconds) { return absl::FromUnixSeconds(1700000000 + seconds); }

StoredEvent Event(EventStatus status, int updated) {
  StoredEvent e;
  e.id = 42;
  e.event.type = "SHIP";
  e.event.email = "someone@Example.TEST";
  e.event.mobile_phone = "+33612345678";
  e.status = status;
  e.created = At(0);
  e.updated = At(updated);
  return e;
}

StoryFacts Routed() {
  return StoryFacts{.template_name = "shipped", .template_version = 3, .routed_at = At(1)};
}

StoredDeliveryLog Log(EventStatus status, int tries, int at) {
  return StoredDeliveryLog{
      .status = status, .tries = tries, .message_id = "<ev-rt-42@mc.test>", .at = At(at)};
}

StoredAttempt Attempt(int try_number, int at) {
  return StoredAttempt{.try_number = try_number,
                       .failure_type = "soft",
                       .reason = "451 try later " + std::to_string(try_number),
                       .message_id = "<ev-rt-42@mc.test>",
                       .tried_at = At(at),
                       .next_try_at = At(at + 30)};
}

using Step = TimelineStep;
using S = EventStatus;

// The timeline as (step, status, try) triples, to compare at a glance.
struct Line {
  Step step;
  S status;
  int try_number;
  bool operator==(const Line&) const = default;
};

std::vector<Line> Lines(const EventStory& s) {
  std::vector<Line> out;
  for (const TimelineEntry& t : s.timeline) out.push_back({t.step, t.status, t.try_number});
  return out;
}

TEST_CASE("pending: received only") {
  const EventStory s = BuildStory(Event(S::kPending, 0), {});
  CHECK(s.address == "someone@Example.TEST");
  CHECK(s.channel == 0);
  CHECK(s.template_name.empty());
  CHECK(s.message_id.empty());
  CHECK(s.tries == 0);
  CHECK_FALSE(s.taken_up);
  CHECK_FALSE(s.finished);
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0}});
  CHECK(s.timeline[0].at == At(0));
}

TEST_CASE("sent at the first try") {
  StoryFacts f = Routed();
  f.log = Log(S::kSent, 1, 2);
  const EventStory s = BuildStory(Event(S::kSent, 3), f);
  CHECK(s.template_name == "shipped");
  CHECK(s.template_version == 3);
  CHECK(s.message_id == "<ev-rt-42@mc.test>");
  CHECK(s.tries == 1);
  CHECK_FALSE(s.next_try);
  CHECK(s.last_failure_type == FailureType::kNone);
  CHECK(s.last_failure_reason.empty());
  CHECK(s.received == At(0));
  CHECK(*s.taken_up == At(1));
  CHECK(*s.handed_to_relay == At(2));
  CHECK(*s.finished == At(3));
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kDeliveryOutcome, S::kSent, 1},
                                      {Step::kFinal, S::kSent, 0}});
  CHECK(s.timeline[3].at == At(3));
}

TEST_CASE("soft failures retried, then sent: the last failure stays the latest attempt's") {
  StoryFacts f = Routed();
  f.tries = 2;
  f.attempts = {Attempt(1, 2), Attempt(2, 40)};
  f.log = Log(S::kSent, 3, 100);
  const EventStory s = BuildStory(Event(S::kSent, 101), f);
  CHECK(s.tries == 3);
  CHECK(s.last_failure_type == FailureType::kSoft);
  CHECK(s.last_failure_reason == "451 try later 2");
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kRetried, S::kPendingDelivery, 1},
                                      {Step::kRetried, S::kPendingDelivery, 2},
                                      {Step::kDeliveryOutcome, S::kSent, 3},
                                      {Step::kFinal, S::kSent, 0}});
  CHECK(s.timeline[2].failure_type == FailureType::kSoft);
  CHECK(s.timeline[2].reason == "451 try later 1");
  CHECK(*s.timeline[2].next_try == At(32));
  CHECK(s.timeline[4].failure_type == FailureType::kNone);
}

TEST_CASE("waiting for its next try: next_try is the lease, the Message-ID the attempt's") {
  StoryFacts f = Routed();
  f.tries = 1;
  f.lease_until = At(32);
  f.attempts = {Attempt(1, 2)};
  f.attempts[0].message_id = "<from-attempt@mc.test>";
  const EventStory s = BuildStory(Event(S::kPendingDelivery, 2), f);
  CHECK(s.tries == 1);
  CHECK(*s.next_try == At(32));
  CHECK(s.message_id == "<from-attempt@mc.test>");
  CHECK_FALSE(s.handed_to_relay);
  CHECK_FALSE(s.finished);
  CHECK(Lines(s).back() == Line{Step::kRetried, S::kPendingDelivery, 1});
  // Just routed: the lease is the delivery's, not a next try.
  StoryFacts fresh = Routed();
  fresh.lease_until = At(61);
  CHECK_FALSE(BuildStory(Event(S::kPendingDelivery, 1), fresh).next_try);
}

TEST_CASE("outcome logged, not yet applied: no FINAL, no next try") {
  StoryFacts f = Routed();
  f.tries = 1;
  f.lease_until = At(32);
  f.attempts = {Attempt(1, 2)};
  f.log = Log(S::kSent, 2, 40);
  const EventStory s = BuildStory(Event(S::kPendingDelivery, 2), f);
  CHECK_FALSE(s.next_try);
  CHECK_FALSE(s.finished);
  CHECK(Lines(s).back() == Line{Step::kDeliveryOutcome, S::kSent, 2});
}

TEST_CASE("hard failure: the log's failure") {
  StoryFacts f = Routed();
  f.log = Log(S::kDeliveryFailed, 1, 2);
  f.log->failure_type = "hard";
  f.log->failure_reason = "550 no such user";
  const EventStory s = BuildStory(Event(S::kDeliveryFailed, 3), f);
  CHECK(s.tries == 1);
  CHECK(s.last_failure_type == FailureType::kHard);
  CHECK(s.last_failure_reason == "550 no such user");
  CHECK(s.timeline[2].failure_type == FailureType::kHard);
  CHECK(s.timeline[2].reason == "550 no such user");
  CHECK(Lines(s).back() == Line{Step::kFinal, S::kDeliveryFailed, 0});
}

TEST_CASE("expired after its tries: the last soft failure") {
  StoryFacts f = Routed();
  f.tries = 2;
  f.attempts = {Attempt(1, 2), Attempt(2, 40)};
  f.log = Log(S::kExpired, 3, 100);
  f.log->failure_type = "soft";
  f.log->failure_reason = "tries exhausted (3): 451 busy";
  const EventStory s = BuildStory(Event(S::kExpired, 101), f);
  CHECK(s.tries == 3);
  CHECK(s.last_failure_type == FailureType::kSoft);
  CHECK(s.last_failure_reason == "tries exhausted (3): 451 busy");
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kRetried, S::kPendingDelivery, 1},
                                      {Step::kRetried, S::kPendingDelivery, 2},
                                      {Step::kDeliveryOutcome, S::kExpired, 3},
                                      {Step::kFinal, S::kExpired, 0}});
}

TEST_CASE("ignored (quarantine): nothing handed to the relay, no try counted") {
  StoryFacts f = Routed();
  f.log = Log(S::kIgnoredByDelivery, 1, 2);
  f.log->failure_reason = "address in quarantine or deny list";
  const EventStory s = BuildStory(Event(S::kIgnoredByDelivery, 3), f);
  CHECK(s.tries == 0);
  CHECK_FALSE(s.handed_to_relay);
  CHECK(s.message_id == "<ev-rt-42@mc.test>");
  CHECK(s.last_failure_type == FailureType::kNone);
  CHECK(s.last_failure_reason == "address in quarantine or deny list");
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kDeliveryOutcome, S::kIgnoredByDelivery, 1},
                                      {Step::kFinal, S::kIgnoredByDelivery, 0}});
}

TEST_CASE("made final when taken up: TAKEN_UP carries the status and why, then FINAL") {
  StoryFacts not_taken{.routed_at = At(1)};
  const EventStory n = BuildStory(Event(S::kNotTakenIntoAccount, 1), not_taken);
  CHECK(n.template_name.empty());
  CHECK(n.tries == 0);
  CHECK(n.last_failure_type == FailureType::kNone);
  CHECK(n.last_failure_reason == kNotTakenReason);
  CHECK(*n.finished == At(1));
  CHECK(Lines(n) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kNotTakenIntoAccount, 0},
                                      {Step::kFinal, S::kNotTakenIntoAccount, 0}});
  CHECK(n.timeline[1].reason == kNotTakenReason);

  const EventStory x = BuildStory(Event(S::kExpired, 1), not_taken);
  CHECK(x.last_failure_type == FailureType::kSoft);
  CHECK(x.last_failure_reason == kExpiredBeforeTakenUpReason);
  CHECK(x.timeline[1].status == S::kExpired);
  CHECK(x.timeline[1].failure_type == FailureType::kSoft);
}

TEST_CASE("cancelled while Pending: RECEIVED, then FINAL Cancelled with why; no failure, no try") {
  const EventStory c = BuildStory(Event(S::kCancelled, 2), {});
  CHECK(c.template_name.empty());
  CHECK(c.tries == 0);
  CHECK(c.last_failure_type == FailureType::kNone);
  CHECK(c.last_failure_reason.empty());
  CHECK_FALSE(c.taken_up.has_value());
  CHECK_FALSE(c.handed_to_relay.has_value());
  CHECK(*c.finished == At(2));
  CHECK(Lines(c) ==
        std::vector<Line>{{Step::kReceived, S::kPending, 0}, {Step::kFinal, S::kCancelled, 0}});
  CHECK(c.timeline[1].reason == kCancelledReason);
  CHECK(c.timeline[1].at == At(2));
  CHECK(IsFinal(S::kCancelled));
  CHECK_FALSE(IsFinal(S::kPendingDelivery));
}

TEST_CASE("the address is the wished channel's, as given") {
  StoredEvent e = Event(S::kPending, 0);
  e.event.wished_channel = 1;
  CHECK(BuildStory(e, {}).address == "+33612345678");
  e.event.wished_channel = 41;
  e.event.device_token = "token-1";
  CHECK(BuildStory(e, {}).address == "token-1");
  CHECK(BuildStory(e, {}).channel == 41);
}

TEST_CASE("failure types from the schema's words") {
  CHECK(FailureTypeFromText("hard") == FailureType::kHard);
  CHECK(FailureTypeFromText("soft") == FailureType::kSoft);
  CHECK(FailureTypeFromText("") == FailureType::kNone);
  CHECK(FailureTypeFromText("HARD") == FailureType::kNone);
  CHECK(IsFinal(S::kSent));
  CHECK(IsFinal(S::kExpired));
  CHECK_FALSE(IsFinal(S::kPendingDelivery));
}

TEST_CASE("a late hard bounce: accepted by the relay, then BOUNCED and FINAL failed") {
  StoryFacts f = Routed();
  f.log = Log(S::kDeliveryFailed, 1, 2);  // rewritten by the bounce
  f.log->failure_type = "hard";
  f.log->failure_reason = "5.1.1 user unknown";
  f.log->bounced_at = At(600);
  f.attempts = {{.kind = 1,
                 .try_number = 1,
                 .failure_type = "hard",
                 .reason = "5.1.1 user unknown",
                 .tried_at = At(600)}};
  const EventStory s = BuildStory(Event(S::kDeliveryFailed, 600), f);
  CHECK(s.last_failure_type == FailureType::kHard);
  CHECK(s.last_failure_reason == "5.1.1 user unknown");
  CHECK(*s.handed_to_relay == At(2));
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kDeliveryOutcome, S::kSent, 1},
                                      {Step::kBounced, S::kDeliveryFailed, 1},
                                      {Step::kFinal, S::kDeliveryFailed, 0}});
  CHECK(s.timeline[2].failure_type == FailureType::kNone);
  CHECK(s.timeline[3].reason == "5.1.1 user unknown");
  CHECK(s.timeline[3].failure_type == FailureType::kHard);
}

TEST_CASE("a soft bounce and a complaint after FINAL: the status stays Sent") {
  StoryFacts f = Routed();
  f.log = Log(S::kSent, 1, 2);
  f.attempts = {{.kind = 3,
                 .try_number = 1,
                 .failure_type = "soft",
                 .reason = "complaint (abuse)",
                 .tried_at = At(900)},
                {.kind = 2,
                 .try_number = 1,
                 .failure_type = "soft",
                 .reason = "4.2.2 full",
                 .tried_at = At(500)}};
  const EventStory s = BuildStory(Event(S::kSent, 3), f);
  // The latest failure is the soft bounce: a complaint is not one.
  CHECK(s.last_failure_type == FailureType::kSoft);
  CHECK(s.last_failure_reason == "4.2.2 full");
  CHECK(Lines(s) == std::vector<Line>{{Step::kReceived, S::kPending, 0},
                                      {Step::kTakenUp, S::kPendingDelivery, 0},
                                      {Step::kDeliveryOutcome, S::kSent, 1},
                                      {Step::kFinal, S::kSent, 0},
                                      {Step::kBounced, S::kSent, 1},
                                      {Step::kComplained, S::kSent, 1}});
  for (size_t i = 1; i < s.timeline.size(); ++i) CHECK(s.timeline[i - 1].at <= s.timeline[i].at);
}

}  // namespace
}  // namespace mc::execution
