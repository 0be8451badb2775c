// SuppressionFanout with scripted accounts and scripted execution instances
// (FakeExecutionGateway): a change runs on every enabled instance (or the named ones) and
// returns each one's outcome, as a table of cases shows (all ok; one instance down: UNAVAILABLE
// while the others succeed; NOT_FOUND on the one without an entry); a list merges every
// instance's page tagged with its account, newest change first, with the instances that did
// not answer and those with more; bad requests are refused before any instance is called.
#include "control-service/suppressions/suppression_fanout.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control-service/execution/fake_execution_gateway.h"

namespace mc::control {
namespace {

using Instance = FakeExecutionGateway::Instance;

// Accounts exec_a, exec_b, exec_c; exec_c disabled.
class Targets final : public ExecutionTargets {
 public:
  absl::StatusOr<std::vector<ExecutionTarget>> Enabled() override {
    std::vector<ExecutionTarget> out;
    for (const auto& [t, enabled] : all) {
      if (enabled) out.push_back(t);
    }
    return out;
  }
  absl::StatusOr<std::vector<ExecutionTarget>> All() override {
    std::vector<ExecutionTarget> out;
    for (const auto& [t, enabled] : all) out.push_back(t);
    return out;
  }
  absl::StatusOr<ExecutionTarget> Named(const std::string& account) override {
    for (const auto& [t, enabled] : all) {
      if (t.account == account) return t;
    }
    return absl::NotFoundError(absl::StrCat("no account named '", account, "'"));
  }
  std::vector<std::pair<ExecutionTarget, bool>> all;
};

std::string Endpoint(const std::string& account) { return account + ":50051"; }

const char* StateWord(SuppressionState s) {
  switch (s) {
    case SuppressionState::kActive:
      return "active";
    case SuppressionState::kRemoved:
      return "removed";
    default:
      return "other";
  }
}

// "account code state changed_by" per outcome ("account code message" when it failed).
std::vector<std::string> Outcomes(const std::vector<SuppressionOutcome>& outcomes) {
  std::vector<std::string> out;
  for (const SuppressionOutcome& o : outcomes) {
    if (o.code != 0) {
      CHECK_FALSE(o.entry.has_value());
      out.push_back(absl::StrCat(o.account, " ", o.code, " ", o.message));
      continue;
    }
    REQUIRE(o.entry.has_value());
    out.push_back(absl::StrCat(o.account, " ", o.code, " ", StateWord(o.entry->state), " ",
                               o.entry->changed_by));
  }
  return out;
}

struct Fixture {
  Fixture() {
    for (const char* name : {"exec_a", "exec_b", "exec_c"}) {
      targets.all.push_back({{.account = name,
                              .endpoint = Endpoint(name),
                              .credential = "cred-0123456789",
                              .instance_id = absl::StrCat("inst-", name)},
                             std::string(name) != "exec_c"});
      gateway.Set(Endpoint(name), Instance{});
    }
  }

  void Down(const std::string& account) {
    gateway.Change(Endpoint(account), [&](Instance& i) {
      i.down = absl::UnavailableError(absl::StrCat("execution instance '", account, "' at ",
                                                   Endpoint(account), " is unreachable: gone"));
    });
  }

  // Adds `address` on `account`'s instance only.
  void Seed(const std::string& account, const std::string& address) {
    REQUIRE(fanout.Add({.address = address, .reason = "seeded", .actor = "seed"}, {account}).ok());
  }

  Targets targets;
  FakeExecutionGateway gateway;
  std::ostringstream log;
  log::Logger logger{"test", log::Level::kDebug, log};
  SuppressionFanout fanout{targets, gateway, logger};
};

constexpr char kJane[] = "jane@example.test";
const std::string kUnavailableB =
    absl::StrCat("exec_b ", static_cast<int>(absl::StatusCode::kUnavailable),
                 " execution instance 'exec_b' at exec_b:50051 is unreachable: gone");
const std::string kNotFoundB =
    absl::StrCat("exec_b ", static_cast<int>(absl::StatusCode::kNotFound),
                 " execution instance 'exec_b' at exec_b:50051: no suppression-list entry for "
                 "'jane@example.test'");

TEST_CASE("a change runs on every enabled instance and returns each one's outcome") {
  struct Case {
    const char* name;
    std::function<void(Fixture&)> setup;
    std::function<absl::StatusOr<std::vector<SuppressionOutcome>>(Fixture&)> change;
    std::vector<std::string> outcomes;
  };
  const auto add = [](Fixture& f) {
    return f.fanout.Add(
        {.address = kJane, .kind = SuppressionKind::kDeny, .reason = "asked", .actor = "ana"}, {});
  };
  const auto remove = [](Fixture& f) {
    return f.fanout.Remove({.address = kJane, .actor = "ana"}, {});
  };
  const auto reactivate = [](Fixture& f) {
    return f.fanout.Reactivate({.address = kJane, .actor = "bob"}, {});
  };
  const auto nothing = [](Fixture&) {};
  const auto on_both = [](Fixture& f) {
    f.Seed("exec_a", kJane);
    f.Seed("exec_b", kJane);
  };
  const std::vector<Case> cases = {
      {"add, all ok", nothing, add, {"exec_a 0 active ana", "exec_b 0 active ana"}},
      {"add, one instance down",
       [](Fixture& f) { f.Down("exec_b"); },
       add,
       {"exec_a 0 active ana", kUnavailableB}},
      {"remove, all ok", on_both, remove, {"exec_a 0 removed ana", "exec_b 0 removed ana"}},
      {"remove, NOT_FOUND on the instance without an entry",
       [](Fixture& f) { f.Seed("exec_a", kJane); },
       remove,
       {"exec_a 0 removed ana", kNotFoundB}},
      {"remove, one instance down",
       [&](Fixture& f) {
         on_both(f);
         f.Down("exec_b");
       },
       remove,
       {"exec_a 0 removed ana", kUnavailableB}},
      {"reactivate, all ok",
       [&](Fixture& f) {
         on_both(f);
         REQUIRE(f.fanout.Remove({.address = kJane, .actor = "ana"}, {}).ok());
       },
       reactivate,
       {"exec_a 0 active bob", "exec_b 0 active bob"}},
      {"reactivate, NOT_FOUND on one",
       [](Fixture& f) { f.Seed("exec_a", kJane); },
       reactivate,
       {"exec_a 0 active bob", kNotFoundB}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Fixture f;
    c.setup(f);
    absl::StatusOr<std::vector<SuppressionOutcome>> outcomes = c.change(f);
    REQUIRE(outcomes.ok());
    CHECK(Outcomes(*outcomes) == c.outcomes);
    for (const SuppressionOutcome& o : *outcomes) {
      CHECK(o.instance_id == "inst-" + o.account);
      if (o.entry) CHECK(o.entry->address == kJane);
    }
    // The disabled account's instance is never asked.
    CHECK(f.gateway.Get(Endpoint("exec_c")).suppressions.empty());
  }
}

TEST_CASE("a change reaches the named accounts only, disabled ones too") {
  Fixture f;
  absl::StatusOr<std::vector<SuppressionOutcome>> outcomes =
      f.fanout.Add({.channel = 1, .address = "+33612345678", .reason = "asked", .actor = "ana"},
                   {"exec_c", "exec_a", "exec_c"});
  REQUIRE(outcomes.ok());
  CHECK(Outcomes(*outcomes) ==
        std::vector<std::string>{"exec_c 0 active ana", "exec_a 0 active ana"});
  CHECK(f.gateway.Get(Endpoint("exec_b")).suppressions.empty());
  CHECK(f.fanout.Remove({.address = kJane}, {"nobody"}).status().code() ==
        absl::StatusCode::kNotFound);
  // The log says what was done and by whom, never the address.
  CHECK(f.log.str().find("suppression-list addition") != std::string::npos);
  CHECK(f.log.str().find("+33612345678") == std::string::npos);
}

TEST_CASE("bad requests are refused before any instance is called") {
  Fixture f;
  const std::string long_reason(501, 'x');
  const std::string long_actor(129, 'y');
  CHECK(f.fanout.Add({.channel = 7, .address = kJane, .reason = "r"}, {}).status().message() ==
        "channel: must be 0 (email), 1 (SMS), 41 (iOS) or 42 (Android)");
  CHECK(f.fanout.Add({.address = "", .reason = "r"}, {}).status().message() == "address: required");
  CHECK(f.fanout.Add({.address = kJane}, {}).status().message() == "reason: required");
  CHECK(f.fanout.Add({.address = kJane, .reason = long_reason}, {}).status().message() ==
        "reason: longer than 500 characters");
  CHECK(f.fanout.Add({.address = kJane, .reason = std::string(500, 'x')}, {}).ok());
  CHECK(f.fanout.Remove({.address = kJane, .actor = long_actor}, {}).status().message() ==
        "actor: longer than 128 characters");
  CHECK(f.fanout.Add({.address = kJane, .kind = static_cast<SuppressionKind>(9), .reason = "r"}, {})
            .status()
            .message() == "kind: must be QUARANTINE or DENY");
  CHECK(f.fanout.List("", {.page_size = 1001}).status().message() ==
        "page_size: must be between 1 and 1000 (0: 100)");
  CHECK(f.fanout.List("", {.page_token = "2"}).status().message() ==
        "page_token: a page token continues one instance's list: give its account too");
  // Only the one valid Add reached the instances (in parallel: in any order).
  std::vector<std::string> calls = f.gateway.calls();
  std::sort(calls.begin(), calls.end());
  CHECK(calls == std::vector<std::string>{absl::StrCat("AddSuppression ", kJane, " exec_a"),
                                          absl::StrCat("AddSuppression ", kJane, " exec_b")});
  // What every instance refuses as invalid fails the call with the first one's reason.
  for (const char* account : {"exec_a", "exec_b"}) {
    f.gateway.Change(Endpoint(account), [&](Instance& i) {
      i.suppression_error = absl::InvalidArgumentError(
          absl::StrCat("execution instance '", account, "': address: not an email address"));
    });
  }
  absl::StatusOr<std::vector<SuppressionOutcome>> invalid =
      f.fanout.Add({.address = "jane", .reason = "r"}, {});
  CHECK(invalid.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(invalid.status().message() == "execution instance 'exec_a': address: not an email address");
  // Refused as invalid by one only: an outcome.
  f.gateway.Change(Endpoint("exec_b"), [](Instance& i) { i.suppression_error = absl::OkStatus(); });
  invalid = f.fanout.Add({.address = "jane", .reason = "r"}, {});
  REQUIRE(invalid.ok());
  CHECK((*invalid)[0].code == static_cast<int>(absl::StatusCode::kInvalidArgument));
  CHECK((*invalid)[1].code == 0);
}

// "account address changed_by" per listed entry.
std::vector<std::string> Listed(const SuppressionListing& l) {
  std::vector<std::string> out;
  for (const AccountSuppression& s : l.entries) {
    CHECK(s.instance_id == "inst-" + s.account);
    out.push_back(absl::StrCat(s.account, " ", s.entry.address, " ", s.entry.changed_by));
  }
  return out;
}

TEST_CASE("a list merges every instance's page, tagged with its account, newest change first") {
  Fixture f;
  f.Seed("exec_a", "a1@example.test");
  f.Seed("exec_b", "b1@example.test");
  f.Seed("exec_a", "a2@example.test");
  f.Seed("exec_b", "b2@example.test");
  f.Seed("exec_c", "c1@example.test");  // disabled: not listed unless named
  REQUIRE(f.fanout.Add({.address = kJane, .reason = "asked", .actor = "ana"}, {}).ok());
  absl::StatusOr<SuppressionListing> all = f.fanout.List("", {});
  REQUIRE(all.ok());
  // Each instance's clock: a1, a2, jane at +1, +2, +3 s on exec_a; b1, b2, jane on exec_b.
  CHECK(Listed(*all) ==
        std::vector<std::string>{"exec_a jane@example.test ana", "exec_b jane@example.test ana",
                                 "exec_a a2@example.test seed", "exec_b b2@example.test seed",
                                 "exec_a a1@example.test seed", "exec_b b1@example.test seed"});
  CHECK(all->errors.empty());
  CHECK(all->more.empty());

  // The filter goes to every instance.
  absl::StatusOr<SuppressionListing> jane = f.fanout.List("", {.address = kJane});
  REQUIRE(jane.ok());
  CHECK(Listed(*jane) ==
        std::vector<std::string>{"exec_a jane@example.test ana", "exec_b jane@example.test ana"});
  absl::StatusOr<SuppressionListing> removed =
      f.fanout.List("", {.states = {SuppressionState::kRemoved}});
  REQUIRE(removed.ok());
  CHECK(removed->entries.empty());

  // A page per instance: those with more say so; one named account's list continues.
  absl::StatusOr<SuppressionListing> paged = f.fanout.List("", {.page_size = 2});
  REQUIRE(paged.ok());
  CHECK(paged->entries.size() == 4);
  REQUIRE(paged->more.size() == 2);
  CHECK(paged->more[0].account == "exec_a");
  absl::StatusOr<SuppressionListing> next =
      f.fanout.List("exec_a", {.page_size = 2, .page_token = paged->more[0].page_token});
  REQUIRE(next.ok());
  CHECK(Listed(*next) == std::vector<std::string>{"exec_a a1@example.test seed"});
  CHECK(next->more.empty());
  absl::StatusOr<SuppressionListing> disabled = f.fanout.List("exec_c", {});
  REQUIRE(disabled.ok());
  CHECK(Listed(*disabled) == std::vector<std::string>{"exec_c c1@example.test seed"});
  CHECK(f.fanout.List("nobody", {}).status().code() == absl::StatusCode::kNotFound);

  // An instance out of reach is listed with its reason; the others' entries are there.
  f.Down("exec_b");
  absl::StatusOr<SuppressionListing> partial = f.fanout.List("", {});
  REQUIRE(partial.ok());
  CHECK(Listed(*partial) == std::vector<std::string>{"exec_a jane@example.test ana",
                                                     "exec_a a2@example.test seed",
                                                     "exec_a a1@example.test seed"});
  REQUIRE(partial->errors.size() == 1);
  CHECK(partial->errors[0].account == "exec_b");
  CHECK(partial->errors[0].instance_id == "inst-exec_b");
  CHECK(partial->errors[0].code == static_cast<int>(absl::StatusCode::kUnavailable));
  CHECK(partial->errors[0].message ==
        "execution instance 'exec_b' at exec_b:50051 is unreachable: gone");
}

}  // namespace
}  // namespace mc::control
