// The receiver's signature check: the Standard Webhooks specification's own example, secrets
// both ways, and every way a request can fail the check.
#include "common/webhook_receiver/webhook_signature.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::webhook_receiver {
namespace {

// https://github.com/standard-webhooks/standard-webhooks, the specification's test vector.
constexpr char kSpecSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kSpecId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr char kSpecTimestamp[] = "1614265330";
constexpr char kSpecBody[] = R"({"test": 2432232314})";
constexpr char kSpecSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const absl::Time kSpecNow = absl::FromUnixSeconds(1614265330);

TEST_CASE("the specification's example signs and verifies") {
  absl::StatusOr<std::string> key = WebhookKeyOf(kSpecSecret);
  REQUIRE(key.ok());
  CHECK(key->size() == 24);
  CHECK(WebhookSignature(*key, kSpecId, kSpecTimestamp, kSpecBody) == kSpecSignature);
  CHECK(WebhookSecretOf(*key) == kSpecSecret);
  CHECK(CheckWebhookSignature(*key,
                              {.webhook_id = kSpecId,
                               .timestamp = kSpecTimestamp,
                               .signature_header = kSpecSignature,
                               .body = kSpecBody},
                              kSpecNow)
            .ok());
}

TEST_CASE("secrets of every key length go both ways, with or without padding") {
  for (size_t n = 24; n <= 64; ++n) {
    std::string key;
    for (size_t i = 0; i < n; ++i) key.push_back(static_cast<char>((i * 37 + n) & 0xff));
    const std::string secret = WebhookSecretOf(key);
    absl::StatusOr<std::string> back = WebhookKeyOf(secret);
    REQUIRE(back.ok());
    CHECK(*back == key);
    std::string unpadded = secret;
    while (unpadded.back() == '=') unpadded.pop_back();
    back = WebhookKeyOf(unpadded);
    REQUIRE(back.ok());
    CHECK(*back == key);
  }
  CHECK(NewWebhookKey().size() == 32);
  CHECK(NewWebhookKey() != NewWebhookKey());
}

TEST_CASE("secrets that are not whsec_ and base64 are refused") {
  for (const char* bad :
       {"", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!!", "whsec_a"}) {
    INFO(bad);
    absl::StatusOr<std::string> key = WebhookKeyOf(bad);
    CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("every failure of the check says which header and why") {
  const std::string key = *WebhookKeyOf(kSpecSecret);
  const std::string other = NewWebhookKey();
  const std::string good = kSpecSignature;
  const std::string wrong = WebhookSignature(other, kSpecId, kSpecTimestamp, kSpecBody);
  struct Case {
    const char* what;
    std::string id, timestamp, header, body;
    absl::Time now;
    absl::StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {"good", kSpecId, kSpecTimestamp, good, kSpecBody, kSpecNow, absl::StatusCode::kOk, ""},
      {"second of two (a rotation)", kSpecId, kSpecTimestamp, wrong + " " + good, kSpecBody,
       kSpecNow, absl::StatusCode::kOk, ""},
      {"first of two", kSpecId, kSpecTimestamp, good + " " + wrong, kSpecBody, kSpecNow,
       absl::StatusCode::kOk, ""},
      {"4 min 59 s late", kSpecId, kSpecTimestamp, good, kSpecBody, kSpecNow + absl::Seconds(299),
       absl::StatusCode::kOk, ""},
      {"another key", kSpecId, kSpecTimestamp, wrong, kSpecBody, kSpecNow,
       absl::StatusCode::kUnauthenticated, "webhook-signature: none of its 1 signature(s) matches"},
      {"body changed", kSpecId, kSpecTimestamp, good, R"({"test": 2432232315})", kSpecNow,
       absl::StatusCode::kUnauthenticated, "webhook-signature: none of its 1 signature(s) matches"},
      {"id changed", "msg_other", kSpecTimestamp, good, kSpecBody, kSpecNow,
       absl::StatusCode::kUnauthenticated, "webhook-signature: none"},
      {"timestamp changed", kSpecId, "1614265331", good, kSpecBody, kSpecNow,
       absl::StatusCode::kUnauthenticated, "webhook-signature: none"},
      {"no v1, prefix", kSpecId, kSpecTimestamp, good.substr(3), kSpecBody, kSpecNow,
       absl::StatusCode::kUnauthenticated, "webhook-signature: none"},
      {"no signature", kSpecId, kSpecTimestamp, "", kSpecBody, kSpecNow,
       absl::StatusCode::kInvalidArgument, "webhook-signature: missing"},
      {"no id", "", kSpecTimestamp, good, kSpecBody, kSpecNow, absl::StatusCode::kInvalidArgument,
       "webhook-id: missing"},
      {"timestamp not a number", kSpecId, "yesterday", good, kSpecBody, kSpecNow,
       absl::StatusCode::kInvalidArgument, "webhook-timestamp: missing or not Unix seconds"},
      {"6 min old (a replay)", kSpecId, kSpecTimestamp, good, kSpecBody,
       kSpecNow + absl::Minutes(6), absl::StatusCode::kFailedPrecondition,
       "webhook-timestamp: 6m away from now (at most 5m)"},
      {"6 min ahead", kSpecId, kSpecTimestamp, good, kSpecBody, kSpecNow - absl::Minutes(6),
       absl::StatusCode::kFailedPrecondition, "webhook-timestamp: 6m away"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    absl::Status s = CheckWebhookSignature(key,
                                           {.webhook_id = c.id,
                                            .timestamp = c.timestamp,
                                            .signature_header = c.header,
                                            .body = c.body},
                                           c.now);
    CHECK(s.code() == c.code);
    CHECK(std::string(s.message()).rfind(c.message, 0) == 0);
    CHECK(std::string(s.message()).find(good.substr(3)) == std::string::npos);  // never quoted
  }
}

}  // namespace
}  // namespace mc::webhook_receiver
