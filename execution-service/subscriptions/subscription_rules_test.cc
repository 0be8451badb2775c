// The checks of a webhook subscription, case by case: each bad field is refused with its name,
// a secret's value never appears in a message, and a good subscription comes out with its
// secrets decoded and max_batch 0 read as 1.
#include "execution-service/subscriptions/subscription_rules.h"

#include <catch2/catch.hpp>
#include <string>

namespace mc::execution {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

SubscriptionRules Rules() {
  return {.check_url =
              [](const std::string& url) {
                if (url.rfind("https://", 0) == 0) return absl::OkStatus();
                return absl::InvalidArgumentError("https only");
              },
          .parse_secret = [](const std::string& s) -> absl::StatusOr<std::string> {
            if (s.rfind("whsec_", 0) == 0 && s.size() > 6) return "key:" + s.substr(6);
            return absl::InvalidArgumentError("not of the form whsec_<base64>");
          },
          .schema = "exec1"};
}

Subscription Good() {
  return {.name = "orders", .url = "https://hooks.example.com/mc", .max_batch = 0};
}

std::vector<SecretInput> OneSecret() { return {{.value = "whsec_c2VjcmV0"}}; }

TEST_CASE("a good subscription passes with its secrets decoded") {
  Subscription s = Good();
  REQUIRE(CheckSubscription(Rules(), s, OneSecret(), kNow).ok());
  CHECK(s.max_batch == 1);
  REQUIRE(s.secrets.size() == 1);
  CHECK(s.secrets[0].key == "key:c2VjcmV0");
}

TEST_CASE("each bad field is refused naming it") {
  struct Case {
    const char* what;
    std::function<void(Subscription&, std::vector<SecretInput>&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {"no name", [](auto& s, auto&) { s.name = ""; }, "subscription.name: required"},
      {"name starts with a digit", [](auto& s, auto&) { s.name = "1x"; }, "subscription.name: "},
      {"name too long", [](auto& s, auto&) { s.name = std::string(65, 'a'); },
       "subscription.name: "},
      {"no url", [](auto& s, auto&) { s.url = ""; }, "subscription.url: required"},
      {"url refused", [](auto& s, auto&) { s.url = "http://x"; }, "subscription.url: https only"},
      {"pending is not a change", [](auto& s, auto&) { s.statuses = {EventStatus::kPending}; },
       "subscription.statuses: 0 is not"},
      {"unknown status", [](auto& s, auto&) { s.statuses = {static_cast<EventStatus>(9)}; },
       "subscription.statuses: 9 is not"},
      {"bad event type",
       [](auto& s, auto&) {
         s.event_types = {"ORDER", "no spaces"};
       },
       "subscription.event_types: 'no spaces' is not an event type"},
      {"too many event types",
       [](auto& s, auto&) { s.event_types = std::vector<std::string>(101, "T"); },
       "subscription.event_types: more than 100"},
      {"batch too large", [](auto& s, auto&) { s.max_batch = 501; },
       "subscription.max_batch: 0 to 500"},
      {"negative batch", [](auto& s, auto&) { s.max_batch = -1; },
       "subscription.max_batch: 0 to 500"},
      {"no secret", [](auto&, auto& secrets) { secrets.clear(); },
       "subscription.secrets: required"},
      {"three secrets",
       [](auto&, auto& secrets) {
         secrets = {{"whsec_a"}, {"whsec_b"}, {"whsec_c"}};
       },
       "subscription.secrets: at most two"},
      {"malformed secret",
       [](auto&, auto& secrets) {
         secrets = {{"whsec_a"}, {"hunter2"}};
       },
       "subscription.secrets[1]: not of the form"},
      {"every secret expired",
       [](auto&, auto& secrets) {
         secrets = {{.value = "whsec_a", .expires = kNow - absl::Seconds(1)}};
       },
       "subscription.secrets: every secret has expired"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Subscription s = Good();
    std::vector<SecretInput> secrets = OneSecret();
    c.edit(s, secrets);
    const absl::Status st = CheckSubscription(Rules(), s, secrets, kNow);
    CHECK(st.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(st.message()).rfind(c.message, 0) == 0);
    CHECK(std::string(st.message()).find("hunter2") == std::string::npos);
  }
}

TEST_CASE("during a rotation one expired and one live secret pass, both kept") {
  Subscription s = Good();
  const std::vector<SecretInput> secrets = {
      {.value = "whsec_old", .expires = kNow + absl::Hours(1)}, {.value = "whsec_new"}};
  REQUIRE(CheckSubscription(Rules(), s, secrets, kNow).ok());
  REQUIRE(s.secrets.size() == 2);
  CHECK(s.secrets[0].expires == kNow + absl::Hours(1));
  CHECK_FALSE(s.secrets[1].expires.has_value());
}

}  // namespace
}  // namespace mc::execution
