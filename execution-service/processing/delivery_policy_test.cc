// DeliveryPolicy: every row of the outcome table (DOMAIN.md section 4, as the README's
// "Templates, workflows and delivery" states it) and its boundaries: the last try, an expiration
// that passes between two tries, a hard failure that names no address.
#include "execution-service/processing/delivery_policy.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "execution-service/events/address_key.h"

namespace mc::execution {
namespace {

constexpr int kMaxTries = 5;
const absl::Duration kRetryBase = absl::Seconds(30);

DeliveryPolicy Policy(Queue queue = Queue::kRealTime) {
  return DeliveryPolicy(
      queue, {.max_tries = kMaxTries, .retry_base = kRetryBase, .message_id_domain = "mc.test"});
}

DeliveryItem Email(int tries, const std::string& address = "someone@Example.TEST") {
  DeliveryItem item;
  item.id = 42;
  item.event.type = "SHIP";
  item.event.wished_channel = 0;
  item.event.email = address;
  item.event.mobile_phone = "+33612345678";
  item.template_id = 7;
  item.template_version = 3;
  item.tries = tries;
  return item;
}

SendOutcome Sent() { return {}; }
SendOutcome Hard(std::string reason, bool names_address) {
  return {SendOutcome::Kind::kHardFailure, std::move(reason), names_address};
}
SendOutcome Soft(std::string reason) {
  return {SendOutcome::Kind::kSoftFailure, std::move(reason), false};
}

// What a decision should be. No status: not final (retried, or nothing decided yet).
struct Expected {
  std::optional<EventStatus> status;
  std::string failure_type;
  std::string reason;
  std::optional<std::string> quarantined_key;
  std::optional<absl::Duration> retry_after;
  std::optional<DeliveryOutcome> counted;
};

void CheckDecision(const DeliveryDecision& d, const DeliveryItem& item, const Expected& want) {
  REQUIRE(d.log.has_value() == want.status.has_value());
  // Final or retried, never both.
  CHECK(d.log.has_value() != d.retry.has_value());
  if (d.log) {
    CHECK(d.log->event_id == item.id);
    CHECK(d.log->channel == item.event.wished_channel);
    CHECK(d.log->address == std::string(ChannelAddress(item.event)));
    CHECK(d.log->template_id == item.template_id);
    CHECK(d.log->template_version == item.template_version);
    CHECK(d.log->status == *want.status);
    CHECK(d.log->failure_type == want.failure_type);
    CHECK(d.log->failure_reason == want.reason);
    CHECK(d.log->tries == item.tries + 1);  // the try this log ends
    CHECK(d.log->message_id == "<ev-rt-42@mc.test>");
  }
  REQUIRE(d.quarantine.has_value() == want.quarantined_key.has_value());
  if (d.quarantine) {
    CHECK(d.quarantine->channel == item.event.wished_channel);
    CHECK(d.quarantine->address == *want.quarantined_key);
    CHECK(d.quarantine->reason == want.reason);
  }
  REQUIRE(d.retry.has_value() == want.retry_after.has_value());
  if (d.retry) {
    CHECK(d.retry->event_id == item.id);
    CHECK(d.retry->delay == *want.retry_after);
  }
  CHECK(d.counted == want.counted);
}

// A final decision: its log, the quarantined key if any.
Expected Logged(EventStatus status, std::string type, std::string reason,
                std::optional<DeliveryOutcome> counted,
                std::optional<std::string> quarantined_key = std::nullopt) {
  return {status,       std::move(type), std::move(reason), std::move(quarantined_key),
          std::nullopt, counted};
}

// A soft failure tried again: no log.
Expected Retried(absl::Duration after) {
  return {std::nullopt, "", "", std::nullopt, after, DeliveryOutcome::kFailedSoft};
}

struct SendRow {
  const char* name;
  int tries;  // tries already made before this one
  SendOutcome outcome;
  Expected want;
};

// The outcome table after a send, with --max_tries=5 and a back-off base of 30 s.
std::vector<SendRow> SendRows() {
  constexpr DeliveryOutcome kHard = DeliveryOutcome::kFailedHard;
  constexpr DeliveryOutcome kSoft = DeliveryOutcome::kFailedSoft;
  constexpr EventStatus kFailed = EventStatus::kDeliveryFailed;
  const std::string kUnknown = "550 5.1.1 user unknown";
  const std::string kKey = "someone@example.test";
  return {
      {"sent on the first try", 0, Sent(),
       Logged(EventStatus::kSent, "", "", DeliveryOutcome::kSent)},
      {"sent on the last try", kMaxTries - 1, Sent(),
       Logged(EventStatus::kSent, "", "", DeliveryOutcome::kSent)},
      {"a hard failure naming the address: quarantined by its key", 0, Hard(kUnknown, true),
       Logged(kFailed, "hard", kUnknown, kHard, kKey)},
      {"a hard failure naming no address: not quarantined", 2, Hard("554 5.7.1 refused", false),
       Logged(kFailed, "hard", "554 5.7.1 refused", kHard)},
      {"a hard failure on the last try is a delivery failure, not an expiry", kMaxTries - 1,
       Hard(kUnknown, true), Logged(kFailed, "hard", kUnknown, kHard, kKey)},
      {"a soft failure on the first try: retried after the base", 0, Soft("421 try later"),
       Retried(kRetryBase)},
      {"a soft failure on the second try: the back-off doubles", 1, Soft("421 try later"),
       Retried(kRetryBase * 2)},
      {"a soft failure on the try before the last", kMaxTries - 2, Soft("timeout"),
       Retried(kRetryBase * 8)},
      {"a soft failure on the last try: Expired with the last reason", kMaxTries - 1,
       Soft("421 try later"),
       Logged(EventStatus::kExpired, "soft", "tries exhausted (5): 421 try later", kSoft)},
      {"a soft failure past the last try (max_tries lowered since): Expired", kMaxTries + 2,
       Soft("no connection"),
       Logged(EventStatus::kExpired, "soft", "tries exhausted (8): no connection", kSoft)},
  };
}

TEST_CASE("a send's outcome: every row of the outcome table, and its boundaries") {
  const DeliveryPolicy policy = Policy();
  for (const SendRow& row : SendRows()) {
    INFO(row.name);
    const DeliveryItem item = Email(row.tries);
    const OutgoingMessage envelope = policy.Envelope(item);
    REQUIRE_FALSE(policy.BeforeSending(item, envelope).has_value());
    CheckDecision(policy.AfterSending(item, envelope, row.outcome), item, row.want);
  }
}

TEST_CASE("before sending: quarantine and deny list ignore, an expiration between tries expires") {
  struct Row {
    const char* name;
    int tries;
    bool quarantined;
    bool expired;
    std::optional<Expected> want;  // none: rendered and sent
  };
  const Expected ignored = Logged(EventStatus::kIgnoredByDelivery, "",
                                  "address in quarantine or deny list", DeliveryOutcome::kIgnored);
  const std::vector<Row> rows = {
      {"a fresh event is sent", 0, false, false, std::nullopt},
      {"a retried event still within its expiration is sent", 3, false, false, std::nullopt},
      {"an address in quarantine or on the deny list: Ignored by the delivery", 0, true, false,
       ignored},
      {"quarantined after a first soft failure: Ignored", 1, true, false, ignored},
      {"the expiration passed between two tries: Expired, not counted as a try's outcome", 2, false,
       true,
       Logged(EventStatus::kExpired, "soft", "expiration passed after 2 tries", std::nullopt)},
      {"quarantined and expired: the quarantine wins", 2, true, true, ignored},
  };
  const DeliveryPolicy policy = Policy();
  for (const Row& row : rows) {
    INFO(row.name);
    DeliveryItem item = Email(row.tries);
    item.quarantined = row.quarantined;
    item.expired = row.expired;
    std::optional<DeliveryDecision> d = policy.BeforeSending(item, policy.Envelope(item));
    REQUIRE(d.has_value() == row.want.has_value());
    if (d) CheckDecision(*d, item, *row.want);
  }
}

TEST_CASE("what cannot be sent fails hard without quarantine") {
  const DeliveryPolicy policy = Policy();
  DeliveryItem item = Email(0);
  CheckDecision(policy.TemplateNotUsable(item, policy.Envelope(item),
                                         absl::NotFoundError("template 7 not found")),
                item,
                {EventStatus::kDeliveryFailed,
                 "hard",
                 "template not usable: template 7 not found",
                 {},
                 {},
                 DeliveryOutcome::kFailedHard});
  item.event.wished_channel = 41;
  item.event.device_token = "tok";
  CheckDecision(policy.NoProvider(item, policy.Envelope(item)), item,
                {EventStatus::kDeliveryFailed,
                 "hard",
                 "no push provider configured",
                 {},
                 {},
                 DeliveryOutcome::kFailedHard});
}

TEST_CASE("a refused phone number is quarantined by its key, logged as given") {
  const DeliveryPolicy policy = Policy();
  DeliveryItem item = Email(0);
  item.event.wished_channel = 1;
  item.event.mobile_phone = "+33 6 12 34 56 78";
  const OutgoingMessage envelope = policy.Envelope(item);
  CheckDecision(policy.AfterSending(item, envelope, Hard("number refused", true)), item,
                {EventStatus::kDeliveryFailed,
                 "hard",
                 "number refused",
                 "+33612345678",
                 {},
                 DeliveryOutcome::kFailedHard});
}

TEST_CASE("one try only (--max_tries=1): the first soft failure expires") {
  const DeliveryPolicy policy(Queue::kRealTime, {.max_tries = 1, .retry_base = kRetryBase});
  const DeliveryItem item = Email(0);
  const DeliveryDecision d = policy.AfterSending(item, policy.Envelope(item), Soft("451"));
  REQUIRE(d.log.has_value());
  CHECK(d.log->status == EventStatus::kExpired);
  CHECK(d.log->failure_reason == "tries exhausted (1): 451");
  CHECK_FALSE(d.retry.has_value());
}

TEST_CASE("the back-off doubles from --retry_base_ms and stops at an hour") {
  const DeliveryPolicy policy = Policy();
  CHECK(policy.Backoff(0) == absl::Seconds(30));
  CHECK(policy.Backoff(1) == absl::Seconds(60));
  CHECK(policy.Backoff(2) == absl::Seconds(120));
  CHECK(policy.Backoff(6) == absl::Seconds(1920));
  CHECK(policy.Backoff(7) == absl::Hours(1));  // 3840 s: capped
  CHECK(policy.Backoff(20) == absl::Hours(1));
  CHECK(policy.Backoff(1000) == absl::Hours(1));  // no overflow
  const DeliveryPolicy fast(Queue::kBatch, {.max_tries = 3, .retry_base = absl::Milliseconds(100)});
  CHECK(fast.Backoff(0) == absl::Milliseconds(100));
  CHECK(fast.Backoff(1) == absl::Milliseconds(200));
}

TEST_CASE("the envelope: the address the wished channel uses, as given, and a stable Message-ID") {
  DeliveryItem item = Email(0, "Someone@EXAMPLE.test");
  item.event.mobile_phone = "+33612345678";
  item.event.device_token = "device-Tok";
  OutgoingMessage m = Policy().Envelope(item);
  CHECK(m.channel == 0);
  CHECK(m.address == "Someone@EXAMPLE.test");
  CHECK(m.message_id == "<ev-rt-42@mc.test>");
  CHECK(m.subject.empty());
  item.event.wished_channel = 1;
  CHECK(Policy().Envelope(item).address == "+33612345678");
  item.event.wished_channel = 42;
  m = Policy(Queue::kBatch).Envelope(item);
  CHECK(m.channel == 42);
  CHECK(m.address == "device-Tok");
  CHECK(m.message_id == "<ev-batch-42@mc.test>");
}

}  // namespace
}  // namespace mc::execution
