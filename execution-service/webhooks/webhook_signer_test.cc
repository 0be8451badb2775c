// Standard Webhooks signing: the specification's published test vector, secret parsing with
// its precise refusals, and the signatures of a rotation's two secrets.
#include "execution-service/webhooks/webhook_signer.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

// The Standard Webhooks reference test vector, from the specification's repository
// (github.com/standard-webhooks/standard-webhooks, libraries/go/webhook_test.go,
// TestWebhookSign; the other reference libraries' tests use the same values).
constexpr absl::string_view kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr absl::string_view kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kSpecTimestamp = 1614265330;
constexpr absl::string_view kSpecBody = R"({"test": 2432232314})";
constexpr absl::string_view kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

std::string Key(absl::string_view secret) {
  absl::StatusOr<std::string> key = ParseWebhookSecret(secret);
  REQUIRE(key.ok());
  return *key;
}

// The message of a refused secret; "ok" when it was accepted.
std::string Refusal(absl::string_view secret, absl::string_view field = "secret") {
  absl::StatusOr<std::string> key = ParseWebhookSecret(secret, field);
  if (key.ok()) return "ok";
  CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(key.status().message());
}

TEST_CASE("the specification's test vector signs to its published signature") {
  const std::string key = Key(kSpecSecret);
  CHECK(key.size() == 24);
  CHECK(WebhookSignature(key, kSpecId, kSpecTimestamp, kSpecBody) == kSpecSignature);
  absl::StatusOr<std::string> header = WebhookSignatureHeader(
      {{key, std::nullopt}}, kSpecId, kSpecTimestamp, kSpecBody, absl::FromUnixSeconds(0));
  REQUIRE(header.ok());
  CHECK(*header == kSpecSignature);
  // Any change to the id, the timestamp or the body changes the signature.
  CHECK(WebhookSignature(key, "msg_p5jXN8AQM9LWM0D4loKWxJel", kSpecTimestamp, kSpecBody) !=
        kSpecSignature);
  CHECK(WebhookSignature(key, kSpecId, kSpecTimestamp + 1, kSpecBody) != kSpecSignature);
  CHECK(WebhookSignature(key, kSpecId, kSpecTimestamp, R"({"test":2432232314})") != kSpecSignature);
}

TEST_CASE("a secret is whsec_ and the base64 of 24 to 64 bytes; anything else is refused") {
  CHECK(Refusal(kSpecSecret) == "ok");
  CHECK(Refusal(FormatWebhookSecret(std::string(24, 'k'))) == "ok");
  CHECK(Refusal(FormatWebhookSecret(std::string(64, '\xff'))) == "ok");
  // Padding may be left out; where it is present it must be right.
  const std::string padded = FormatWebhookSecret(std::string(32, 'k'));  // 44 chars, one '='
  REQUIRE(padded.back() == '=');
  CHECK(Refusal(padded) == "ok");
  CHECK(Refusal(padded.substr(0, padded.size() - 1)) == "ok");
  CHECK(Key(padded.substr(0, padded.size() - 1)) == std::string(32, 'k'));

  const std::string bad_base64 =
      "secret: not base64 after \"whsec_\" (standard alphabet A-Z a-z 0-9 + /)";
  struct Row {
    std::string secret;
    std::string why;
  };
  const Row rows[] = {
      {"", "secret: must start with \"whsec_\" (then the base64 of the key)"},
      {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
       "secret: must start with \"whsec_\" (then the base64 of the key)"},
      {"WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
       "secret: must start with \"whsec_\" (then the base64 of the key)"},
      {"whsec_", "secret: no key after \"whsec_\""},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", bad_base64},
      {"whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw", bad_base64},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", bad_base64},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-_", bad_base64},   // base64url is not the format
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA", bad_base64},  // 33 chars: cannot be base64
      {padded + "=", bad_base64},
      {"whsec_" + padded.substr(6, padded.size() - 7) + "==", bad_base64},
      {FormatWebhookSecret(std::string(16, 'k')),
       "secret: the key is 16 bytes; it must be 24 to 64"},
      {FormatWebhookSecret(std::string(23, 'k')),
       "secret: the key is 23 bytes; it must be 24 to 64"},
      {FormatWebhookSecret(std::string(65, 'k')),
       "secret: the key is 65 bytes; it must be 24 to 64"},
  };
  for (const Row& row : rows) {
    INFO(row.secret);
    const std::string why = Refusal(row.secret);
    CHECK(why == row.why);
    // A refusal never quotes the secret.
    if (row.secret.size() > 6) CHECK(why.find(row.secret.substr(6)) == std::string::npos);
  }
  // The field is the caller's, so the message names where the secret was.
  CHECK(Refusal("nope", "subscription.secrets[1].value") ==
        "subscription.secrets[1].value: must start with \"whsec_\" (then the base64 of the key)");
}

TEST_CASE("FormatWebhookSecret and ParseWebhookSecret are inverses") {
  std::string key;
  for (int i = 0; i < 40; ++i) key.push_back(static_cast<char>(i * 37));
  CHECK(Key(FormatWebhookSecret(key)) == key);
  CHECK(FormatWebhookSecret(Key(kSpecSecret)) == kSpecSecret);
}

TEST_CASE("during a rotation both secrets sign, in order, separated by one space") {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const std::string old_key = Key(kSpecSecret);
  const std::string new_key(32, 'n');
  const std::string sig_old = WebhookSignature(old_key, kSpecId, kSpecTimestamp, kSpecBody);
  const std::string sig_new = WebhookSignature(new_key, kSpecId, kSpecTimestamp, kSpecBody);
  REQUIRE(sig_old == kSpecSignature);
  REQUIRE(sig_new != sig_old);
  REQUIRE(sig_new.rfind("v1,", 0) == 0);

  auto header = [&](std::vector<SigningSecret> secrets) {
    absl::StatusOr<std::string> h =
        WebhookSignatureHeader(secrets, kSpecId, kSpecTimestamp, kSpecBody, now);
    return h.ok() ? *h : absl::StrCat("error: ", h.status().message());
  };
  // The old one expires in an hour: both are in force.
  CHECK(header({{old_key, now + absl::Hours(1)}, {new_key, std::nullopt}}) ==
        absl::StrCat(sig_old, " ", sig_new));
  CHECK(header({{new_key, std::nullopt}, {old_key, now + absl::Hours(1)}}) ==
        absl::StrCat(sig_new, " ", sig_old));
  // Once it has expired (an expiry at `now` is past), only the new one signs.
  CHECK(header({{old_key, now}, {new_key, std::nullopt}}) == sig_new);
  CHECK(header({{old_key, now - absl::Seconds(1)}, {new_key, std::nullopt}}) == sig_new);
  // Nothing in force: nothing is signed, so nothing is sent.
  CHECK(header({{old_key, now}}) ==
        "error: every signing secret has expired: nothing is sent unsigned");
  CHECK(header({}) == "error: no signing secret: nothing is sent unsigned");
  absl::StatusOr<std::string> none =
      WebhookSignatureHeader({}, kSpecId, kSpecTimestamp, kSpecBody, now);
  CHECK(none.status().code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mc::execution
