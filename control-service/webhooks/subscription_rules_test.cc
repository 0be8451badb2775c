// The pure rules of webhook subscriptions: validation, field by field (table); the secrets'
// form (made and given), the overlap, a rotation keeping two secrets with the previous one's
// expiry, a second rotation dropping the oldest, and what is in force at a time.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "control-service/webhooks/subscription_validation.h"
#include "control-service/webhooks/webhook_secret.h"

namespace mc::control {
namespace {

Subscription Valid() {
  return {.name = "crm.status-hook_1",
          .url = "https://hooks.example.test:8443/mc/status?src=mc",
          .statuses = {2, 4},
          .event_types = {"ORDER_SHIPPED", "pwd.reset"},
          .max_batch = 100};
}

// A key of `bytes` bytes, written as Standard Webhooks does.
std::string SecretOf(size_t bytes) {
  return "whsec_" + absl::Base64Escape(std::string(bytes, '\x5a'));
}

TEST_CASE("a subscription is checked field by field, each fault naming its field") {
  struct Case {
    const char* what;
    void (*change)(Subscription&);
    const char* message;  // empty: valid
  };
  const std::vector<Case> cases = {
      {"as is", [](Subscription&) {}, ""},
      {"http", [](Subscription& s) { s.url = "http://10.0.0.1/hook"; }, ""},
      {"IPv6 with port", [](Subscription& s) { s.url = "https://[2001:db8::1]:443/h"; }, ""},
      {"user info", [](Subscription& s) { s.url = "https://u:p@hooks.example.test/h"; }, ""},
      {"no filters", [](Subscription& s) { s.statuses.clear(), s.event_types.clear(); }, ""},
      {"max batch 0", [](Subscription& s) { s.max_batch = 0; }, ""},
      {"max batch 500", [](Subscription& s) { s.max_batch = 500; }, ""},
      {"every status", [](Subscription& s) { s.statuses = {1, 2, 3, 4, 5, 6}; }, ""},
      {"64-character name", [](Subscription& s) { s.name = "a" + std::string(63, 'b'); }, ""},
      {"no name", [](Subscription& s) { s.name.clear(); },
       "name: required; a letter then letters, digits, '_', '-' or '.'"},
      {"name with a digit first", [](Subscription& s) { s.name = "1hook"; },
       "name: required; a letter then letters, digits, '_', '-' or '.'"},
      {"name with a space", [](Subscription& s) { s.name = "my hook"; },
       "name: required; a letter then letters, digits, '_', '-' or '.'"},
      {"65-character name", [](Subscription& s) { s.name = std::string(65, 'a'); },
       "name: longer than 64 characters"},
      {"no url", [](Subscription& s) { s.url.clear(); }, "url: required"},
      {"ftp", [](Subscription& s) { s.url = "ftp://hooks.example.test/"; },
       "url: must start with https:// or http://"},
      {"no scheme", [](Subscription& s) { s.url = "hooks.example.test/h"; },
       "url: must start with https:// or http://"},
      {"no host", [](Subscription& s) { s.url = "https:///path"; }, "url: no host"},
      {"only a port", [](Subscription& s) { s.url = "https://:8080/"; }, "url: no host"},
      {"a space", [](Subscription& s) { s.url = "https://hooks.example.test/a b"; },
       "url: only printable ASCII without spaces (percent-encode the rest)"},
      {"not ASCII", [](Subscription& s) { s.url = "https://hôte.example.test/"; },
       "url: only printable ASCII without spaces (percent-encode the rest)"},
      {"bad port", [](Subscription& s) { s.url = "https://hooks.example.test:99999/"; },
       "url: port '99999' is not a number from 1 to 65535"},
      {"empty port", [](Subscription& s) { s.url = "https://hooks.example.test:/"; },
       "url: port '' is not a number from 1 to 65535"},
      {"unclosed IPv6", [](Subscription& s) { s.url = "https://[::1/h"; },
       "url: an IPv6 host needs its closing ']'"},
      {"too long", [](Subscription& s) { s.url = "https://h.test/" + std::string(2034, 'x'); },
       "url: longer than 2048 characters"},
      {"PENDING",
       [](Subscription& s) {
         s.statuses = {2, 0};
       },
       "statuses[1]: 0 is not a status that sends a webhook (1 PENDING_DELIVERY to 7 CANCELLED)"},
      {"status 8", [](Subscription& s) { s.statuses = {8}; },
       "statuses[0]: 8 is not a status that sends a webhook (1 PENDING_DELIVERY to 7 CANCELLED)"},
      {"a status twice",
       [](Subscription& s) {
         s.statuses = {2, 4, 2};
       },
       "statuses[2]: 2 given twice"},
      {"bad event type",
       [](Subscription& s) {
         s.event_types = {"OK", "_X"};
       },
       "event_types[1]: required; a letter then letters, digits, '_', '-' or '.'"},
      {"empty event type", [](Subscription& s) { s.event_types = {""}; },
       "event_types[0]: required; a letter then letters, digits, '_', '-' or '.'"},
      {"an event type twice",
       [](Subscription& s) {
         s.event_types = {"A", "A"};
       },
       "event_types[1]: 'A' given twice"},
      {"101 event types",
       [](Subscription& s) {
         s.event_types.clear();
         for (int i = 0; i < 101; ++i) s.event_types.push_back("T" + std::to_string(i));
       },
       "event_types: more than 100 event types"},
      {"max batch 501", [](Subscription& s) { s.max_batch = 501; },
       "max_batch: 501 is not from 0 to 500"},
      {"max batch -1", [](Subscription& s) { s.max_batch = -1; },
       "max_batch: -1 is not from 0 to 500"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Subscription s = Valid();
    c.change(s);
    const absl::Status status = ValidateSubscription(s);
    if (std::string(c.message).empty()) {
      CHECK(status.ok());
    } else {
      CHECK(status == absl::InvalidArgumentError(c.message));
    }
  }
}

TEST_CASE("a made secret is whsec_ and the base64 of 32 random bytes; each one is new") {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<std::string> secret = NewSecret();
    REQUIRE(secret.ok());
    REQUIRE(absl::StartsWith(*secret, "whsec_"));
    std::string key;
    REQUIRE(absl::Base64Unescape(secret->substr(6), &key));
    CHECK(key.size() == 32);
    CHECK(CheckSecret(*secret).ok());
    seen.insert(*secret);
  }
  CHECK(seen.size() == 20);
}

TEST_CASE("a given secret must have the form, and a key of 24 to 64 bytes; never shown") {
  CHECK(CheckSecret(SecretOf(24)).ok());
  CHECK(CheckSecret(SecretOf(64)).ok());
  CHECK(CheckSecret(SecretOf(23)) ==
        absl::InvalidArgumentError("secret: a key of 23 bytes (24 to 64 are accepted)"));
  CHECK(CheckSecret(SecretOf(65)) ==
        absl::InvalidArgumentError("secret: a key of 65 bytes (24 to 64 are accepted)"));
  const absl::Status malformed = absl::InvalidArgumentError(
      "secret: not \"whsec_\" followed by the standard base64 of the key");
  const std::string key = SecretOf(32).substr(6);
  for (const std::string& bad :
       {key, "whsec" + key, "WHSEC_" + key, "whsec_" + key + "!", "whsec_" + key.substr(1),
        "whsec_" + key.substr(0, key.size() - 1)}) {
    INFO(bad);
    const absl::Status s = CheckSecret(bad);
    CHECK(s == malformed);
    CHECK(s.message().find(key.substr(0, 8)) == std::string::npos);
  }
  CHECK(CheckSecret("whsec_") ==
        absl::InvalidArgumentError("secret: a key of 0 bytes (24 to 64 are accepted)"));
}

TEST_CASE("the overlap: 0 is a day; negative or over 30 days refused") {
  CHECK(*OverlapOf(0) == absl::Hours(24));
  CHECK(*OverlapOf(90) == absl::Seconds(90));
  CHECK(*OverlapOf(30 * 86400) == absl::Hours(24 * 30));
  CHECK(OverlapOf(-1).status() ==
        absl::InvalidArgumentError("overlap_seconds: must not be negative (0: 24 hours)"));
  CHECK(OverlapOf(30 * 86400 + 1).status() ==
        absl::InvalidArgumentError("overlap_seconds: at most 2592000 (30 days)"));
}

TEST_CASE(
    "a rotation keeps the previous secret until the overlap ends; a second drops the oldest") {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const SubscriptionSecrets first{.current = "whsec_A"};
  std::vector<SigningSecret> in_force = InForce(first, t0);
  REQUIRE(in_force.size() == 1);
  CHECK(in_force[0].value == "whsec_A");
  CHECK_FALSE(in_force[0].expires.has_value());

  const SubscriptionSecrets second = Rotate(first, "whsec_B", t0, absl::Hours(24));
  CHECK(second.current == "whsec_B");
  CHECK(second.previous == "whsec_A");
  CHECK(second.previous_expires == t0 + absl::Hours(24));
  in_force = InForce(second, t0 + absl::Hours(1));
  REQUIRE(in_force.size() == 2);
  CHECK(in_force[0].value == "whsec_B");
  CHECK_FALSE(in_force[0].expires.has_value());
  CHECK(in_force[1].value == "whsec_A");
  CHECK(in_force[1].expires == t0 + absl::Hours(24));
  // At its expiry the previous one stops.
  CHECK(InForce(second, t0 + absl::Hours(24)).size() == 1);

  // Rotated again while the overlap runs: A goes, B signs beside C for the new overlap.
  const SubscriptionSecrets third = Rotate(second, "whsec_C", t0 + absl::Hours(2), absl::Hours(1));
  in_force = InForce(third, t0 + absl::Hours(2));
  REQUIRE(in_force.size() == 2);
  CHECK(in_force[0].value == "whsec_C");
  CHECK(in_force[1].value == "whsec_B");
  CHECK(in_force[1].expires == t0 + absl::Hours(3));

  StoredSubscription stored{.subscription = Valid(), .secrets = third};
  Subscription shown = Describe(stored, t0 + absl::Hours(2));
  CHECK(shown.secrets == 2);
  CHECK(shown.previous_secret_expires == t0 + absl::Hours(3));
  shown = Describe(stored, t0 + absl::Hours(4));
  CHECK(shown.secrets == 1);
  CHECK_FALSE(shown.previous_secret_expires.has_value());
}

}  // namespace
}  // namespace mc::control
