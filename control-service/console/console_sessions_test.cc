// ConsoleSessions: expiry when idle and after the lifetime, sign-out, the cap dropping the
// expired first and then the one idle longest, and ids that are random and unguessable.
#include "control-service/console/console_sessions.h"

#include <catch2/catch.hpp>
#include <set>

namespace mc::control {
namespace {

ConsoleSessions::Random Counter() {
  auto n = std::make_shared<int>(0);
  return [n] { return "token-" + std::to_string(++*n); };
}

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

TEST_CASE("a session lives while used, and ends when idle too long") {
  ConsoleSessions sessions({.idle = absl::Minutes(30), .lifetime = absl::Hours(12)}, Counter());
  const auto created = sessions.Create("Bearer op-token", kT0);
  CHECK(created.id != created.csrf_token);
  auto found = sessions.Find(created.id, kT0 + absl::Minutes(29));
  REQUIRE(found);
  CHECK(found->authorization == "Bearer op-token");
  CHECK(found->csrf_token == created.csrf_token);
  // Each use that passed its checks restarts the idle clock; a lookup alone does not.
  sessions.Touch(created.id, kT0 + absl::Minutes(29));
  CHECK(sessions.Find(created.id, kT0 + absl::Minutes(58)));
  CHECK_FALSE(sessions.Find(created.id, kT0 + absl::Minutes(59)));
  CHECK(sessions.size() == 0);  // dropped once found expired
}

TEST_CASE("a session ends after its lifetime however often it is used") {
  ConsoleSessions sessions({.idle = absl::Minutes(30), .lifetime = absl::Hours(1)}, Counter());
  const auto created = sessions.Create("Bearer op", kT0);
  for (int minute = 20; minute < 60; minute += 20) {
    CHECK(sessions.Find(created.id, kT0 + absl::Minutes(minute)));
    sessions.Touch(created.id, kT0 + absl::Minutes(minute));
  }
  CHECK_FALSE(sessions.Find(created.id, kT0 + absl::Minutes(60)));
}

TEST_CASE("sign-out ends the session; an unknown id finds nothing") {
  ConsoleSessions sessions({}, Counter());
  const auto a = sessions.Create("Bearer a", kT0);
  const auto b = sessions.Create("Bearer b", kT0);
  sessions.Remove(a.id);
  CHECK_FALSE(sessions.Find(a.id, kT0));
  CHECK(sessions.Find(b.id, kT0)->authorization == "Bearer b");
  CHECK_FALSE(sessions.Find("no-such-id", kT0));
  CHECK_FALSE(sessions.Find("", kT0));
}

TEST_CASE("a sign-in drops every expired session, cap or not") {
  ConsoleSessions sessions({.idle = absl::Minutes(30), .max_sessions = 100}, Counter());
  sessions.Create("Bearer a", kT0);
  sessions.Create("Bearer b", kT0 + absl::Minutes(10));
  CHECK(sessions.size() == 2);
  sessions.Create("Bearer c", kT0 + absl::Minutes(35));  // a expired, b not
  CHECK(sessions.size() == 2);
}

TEST_CASE("at the cap, a sign-in drops the expired sessions, then the one idle longest") {
  ConsoleSessions sessions({.idle = absl::Minutes(30), .max_sessions = 3}, Counter());
  const auto old = sessions.Create("Bearer old", kT0);
  const auto a = sessions.Create("Bearer a", kT0 + absl::Minutes(20));
  const auto b = sessions.Create("Bearer b", kT0 + absl::Minutes(25));
  // At minute 40 `old` is expired: it goes, the live ones stay.
  const auto c = sessions.Create("Bearer c", kT0 + absl::Minutes(40));
  CHECK(sessions.size() == 3);
  CHECK_FALSE(sessions.Find(old.id, kT0 + absl::Minutes(40)));
  sessions.Touch(b.id, kT0 + absl::Minutes(41));  // b used: a is now idle longest
  const auto d = sessions.Create("Bearer d", kT0 + absl::Minutes(42));
  CHECK(sessions.size() == 3);
  CHECK_FALSE(sessions.Find(a.id, kT0 + absl::Minutes(42)));
  CHECK(sessions.Find(b.id, kT0 + absl::Minutes(42)));
  CHECK(sessions.Find(c.id, kT0 + absl::Minutes(42)));
  CHECK(sessions.Find(d.id, kT0 + absl::Minutes(42)));
}

TEST_CASE("ids and CSRF tokens are 32 random bytes in hex, never repeated") {
  ConsoleSessions sessions({});
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto created = sessions.Create("Bearer x", kT0);
    CHECK(created.id.size() == 64);
    CHECK(created.id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(seen.insert(created.id).second);
    CHECK(seen.insert(created.csrf_token).second);
  }
}

}  // namespace
}  // namespace mc::control
