// SubscriptionAuthoring with a store in memory, scripted accounts and scripted execution
// instances (FakeExecutionGateway), on a clock the test moves: each change is the next version,
// stored, and published to every enabled instance with the secrets in force; an instance that
// refuses or is out of reach is an outcome, not a failure; a rotation publishes two secrets with
// the previous one's expiry; deletion reaches every account and counts an instance that held
// none as done; states, resume, replay and republication per instance. No secret is ever in a
// Subscription, a message or a log line.
#include "control-service/webhooks/subscription_authoring.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/logger.h"
#include "control-service/execution/fake_execution_gateway.h"

namespace mc::control {
namespace {

using Instance = FakeExecutionGateway::Instance;

constexpr char kGivenSecret[] = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";  // 32 bytes

// A SubscriptionStore in a map, stamping `updated` with the test's clock.
class MemoryStore final : public SubscriptionStore {
 public:
  explicit MemoryStore(const absl::Time& now) : now_(now) {}

  absl::StatusOr<StoredSubscription> Insert(const StoredSubscription& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (rows_.contains(s.subscription.name)) {
      return absl::AlreadyExistsError(
          absl::StrCat("a webhook subscription named '", s.subscription.name, "' already exists"));
    }
    return Put(s);
  }
  absl::StatusOr<StoredSubscription> Replace(const StoredSubscription& s,
                                             int expected_version) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rows_.find(s.subscription.name);
    if (it == rows_.end()) return NotFound(s.subscription.name);
    if (it->second.subscription.version != expected_version) {
      return absl::AbortedError("changed meanwhile");
    }
    return Put(s);
  }
  absl::StatusOr<StoredSubscription> Get(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rows_.find(name);
    if (it == rows_.end()) return NotFound(name);
    return it->second;
  }
  absl::StatusOr<std::vector<StoredSubscription>> List() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<StoredSubscription> out;
    for (const auto& [name, s] : rows_) out.push_back(s);
    return out;
  }
  absl::Status Delete(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    return rows_.erase(name) > 0 ? absl::OkStatus() : NotFound(name);
  }

 private:
  static absl::Status NotFound(const std::string& name) {
    return absl::NotFoundError(absl::StrCat("no webhook subscription named '", name, "'"));
  }
  StoredSubscription Put(StoredSubscription s) {
    s.subscription.updated = now_;
    s.subscription.secrets = 0;
    s.subscription.previous_secret_expires.reset();
    return rows_[s.subscription.name] = s;
  }

  const absl::Time& now_;
  std::mutex mu_;
  std::map<std::string, StoredSubscription> rows_;
};

// Accounts exec_a .. exec_d; exec_d disabled.
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

// "account code message" per outcome.
std::vector<std::string> Outcomes(const std::vector<InstanceOutcome>& outcomes) {
  std::vector<std::string> out;
  for (const InstanceOutcome& o : outcomes) {
    out.push_back(absl::StrCat(o.account, " ", o.code, " ", o.message));
  }
  return out;
}

struct Fixture {
  Fixture() {
    // exec_a takes everything; exec_b refuses; exec_c is out of reach; exec_d is disabled.
    for (const char* name : {"exec_a", "exec_b", "exec_c", "exec_d"}) {
      targets.all.push_back({{.account = name,
                              .endpoint = Endpoint(name),
                              .credential = "cred-0123456789",
                              .instance_id = absl::StrCat("inst-", name)},
                             std::string(name) != "exec_d"});
      gateway.Set(Endpoint(name), Instance{});
    }
    gateway.Change(Endpoint("exec_b"), [](Instance& i) {
      i.put_subscription = absl::InvalidArgumentError(
          "execution instance 'exec_b' at exec_b:50051: url: resolves to a private address");
    });
    gateway.Change(Endpoint("exec_c"), [](Instance& i) {
      i.down = absl::UnavailableError(
          "execution instance 'exec_c' at exec_c:50051 is "
          "unreachable: gone");
    });
  }

  static Subscription Hook(const std::string& name = "crm") {
    return {.name = name,
            .url = "https://hooks.example.test/mc",
            .statuses = {2, 4},
            .event_types = {"ORDER_SHIPPED"},
            .max_batch = 50};
  }

  // What `account`'s instance took, in order.
  std::vector<SubscriptionPublication> Puts(const std::string& account) {
    return gateway.Get(Endpoint(account)).puts;
  }

  // No secret the test saw in any log line.
  void CheckLogHasNo(const std::vector<std::string>& secrets) {
    const std::string text = log.str();
    CHECK_FALSE(text.empty());
    for (const std::string& s : secrets) {
      INFO(s);
      CHECK(text.find(s) == std::string::npos);
      CHECK(text.find(s.substr(6, 12)) == std::string::npos);
    }
  }

  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  MemoryStore store{now};
  Targets targets;
  FakeExecutionGateway gateway;
  std::ostringstream log;
  log::Logger logger{"test", log::Level::kDebug, log};
  SubscriptionAuthoring authoring{store, targets, gateway, logger, [this] { return now; }};
};

TEST_CASE("a created subscription is version 1, published to every enabled instance") {
  Fixture f;
  absl::StatusOr<SubscriptionChange> change = f.authoring.Create(Fixture::Hook(), "");
  REQUIRE(change.ok());
  CHECK(change->subscription.name == "crm");
  CHECK(change->subscription.version == 1);
  CHECK(change->subscription.secrets == 1);
  CHECK(change->subscription.updated == f.now);
  CHECK(Outcomes(change->outcomes) ==
        std::vector<std::string>{
            "exec_a 0 ",
            "exec_b 3 execution instance 'exec_b' at exec_b:50051: url: resolves to a private "
            "address",
            "exec_c 14 execution instance 'exec_c' at exec_c:50051 is unreachable: gone"});
  CHECK(change->outcomes[0].instance_id == "inst-exec_a");
  // The secret the control made, shown once, is the one the instance signs with.
  const std::string secret = change->generated_secret;
  CHECK(secret.rfind("whsec_", 0) == 0);
  const std::vector<SubscriptionPublication> puts = f.Puts("exec_a");
  REQUIRE(puts.size() == 1);
  CHECK(puts[0].name == "crm");
  CHECK(puts[0].url == "https://hooks.example.test/mc");
  CHECK(puts[0].statuses == std::vector<int>{2, 4});
  CHECK(puts[0].event_types == std::vector<std::string>{"ORDER_SHIPPED"});
  CHECK(puts[0].max_batch == 50);
  CHECK(puts[0].version == 1);
  REQUIRE(puts[0].secrets.size() == 1);
  CHECK(puts[0].secrets[0].value == secret);
  CHECK_FALSE(puts[0].secrets[0].expires.has_value());
  // The disabled account's instance is never asked.
  for (const std::string& c : f.gateway.calls()) CHECK(c.find("exec_d") == std::string::npos);

  // Stored all the same; Get and List say how many secrets, never which.
  absl::StatusOr<Subscription> got = f.authoring.Get("crm");
  REQUIRE(got.ok());
  CHECK(got->version == 1);
  CHECK(got->secrets == 1);
  CHECK(got->event_types == std::vector<std::string>{"ORDER_SHIPPED"});
  absl::StatusOr<std::vector<Subscription>> all = f.authoring.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].name == "crm");

  CHECK(f.authoring.Create(Fixture::Hook(), "").status() ==
        absl::AlreadyExistsError("a webhook subscription named 'crm' already exists"));
  f.CheckLogHasNo({secret});
  CHECK(f.log.str().find("\"account\":\"exec_b\"") != std::string::npos);
}

TEST_CASE("a given secret is checked, published, and not shown again") {
  Fixture f;
  absl::StatusOr<SubscriptionChange> change = f.authoring.Create(Fixture::Hook(), kGivenSecret);
  REQUIRE(change.ok());
  CHECK(change->generated_secret.empty());
  REQUIRE(f.Puts("exec_a").at(0).secrets.size() == 1);
  CHECK(f.Puts("exec_a")[0].secrets[0].value == kGivenSecret);

  const size_t calls = f.gateway.calls().size();
  CHECK(f.authoring.Create(Fixture::Hook("other"), "whsec_short").status() ==
        absl::InvalidArgumentError(
            "secret: not \"whsec_\" followed by the standard base64 of the key"));
  Subscription bad = Fixture::Hook("bad");
  bad.statuses = {0};
  CHECK(f.authoring.Create(bad, "").status().code() == absl::StatusCode::kInvalidArgument);
  // Nothing stored, nothing sent.
  CHECK(f.authoring.Get("other").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.authoring.Get("bad").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.gateway.calls().size() == calls);
  f.CheckLogHasNo({kGivenSecret});
}

TEST_CASE("each update is the next version, published with the same secret") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook(), kGivenSecret).ok());
  Subscription changed = Fixture::Hook();
  changed.url = "https://hooks.example.test/v2";
  changed.statuses.clear();
  changed.every_attempt = true;
  changed.disabled = true;
  f.now += absl::Minutes(5);
  absl::StatusOr<SubscriptionChange> change = f.authoring.Update(changed);
  REQUIRE(change.ok());
  CHECK(change->subscription.version == 2);
  CHECK(change->subscription.url == "https://hooks.example.test/v2");
  CHECK(change->subscription.updated == f.now);
  CHECK(change->generated_secret.empty());
  change = f.authoring.Update(changed);
  REQUIRE(change.ok());
  CHECK(change->subscription.version == 3);
  const std::vector<SubscriptionPublication> puts = f.Puts("exec_a");
  REQUIRE(puts.size() == 3);
  CHECK(puts[1].version == 2);
  CHECK(puts[1].statuses.empty());
  CHECK(puts[1].every_attempt);
  CHECK(puts[1].disabled);
  REQUIRE(puts[2].secrets.size() == 1);
  CHECK(puts[2].secrets[0].value == kGivenSecret);
  CHECK(f.authoring.Get("crm")->version == 3);

  CHECK(f.authoring.Update(Fixture::Hook("ghost")).status() ==
        absl::NotFoundError("no webhook subscription named 'ghost'"));
  changed.max_batch = 501;
  CHECK(f.authoring.Update(changed).status() ==
        absl::InvalidArgumentError("max_batch: 501 is not from 0 to 500"));
  CHECK(f.authoring.Get("crm")->version == 3);
}

TEST_CASE("a rotation publishes two secrets, the previous one with its expiry") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook(), kGivenSecret).ok());
  const absl::Time rotated_at = f.now;
  absl::StatusOr<SubscriptionChange> change = f.authoring.RotateSecret("crm", "", 3600);
  REQUIRE(change.ok());
  const std::string second = change->generated_secret;
  CHECK(second.rfind("whsec_", 0) == 0);
  CHECK(second != kGivenSecret);
  CHECK(change->subscription.version == 2);
  CHECK(change->subscription.secrets == 2);
  CHECK(change->subscription.previous_secret_expires == rotated_at + absl::Hours(1));
  std::vector<SubscriptionPublication> puts = f.Puts("exec_a");
  REQUIRE(puts.size() == 2);
  REQUIRE(puts[1].secrets.size() == 2);
  CHECK(puts[1].secrets[0].value == second);
  CHECK_FALSE(puts[1].secrets[0].expires.has_value());
  CHECK(puts[1].secrets[1].value == kGivenSecret);
  CHECK(puts[1].secrets[1].expires == rotated_at + absl::Hours(1));
  CHECK(f.authoring.Get("crm")->secrets == 2);

  // Rotated again during the overlap (default overlap: a day): the first secret is gone.
  f.now += absl::Minutes(10);
  change = f.authoring.RotateSecret("crm", "", 0);
  REQUIRE(change.ok());
  const std::string third = change->generated_secret;
  CHECK(change->subscription.version == 3);
  puts = f.Puts("exec_a");
  REQUIRE(puts.back().secrets.size() == 2);
  CHECK(puts.back().secrets[0].value == third);
  CHECK(puts.back().secrets[1].value == second);
  CHECK(puts.back().secrets[1].expires == f.now + absl::Hours(24));

  // Once the overlap is over the previous secret is not published any more.
  f.now += absl::Hours(25);
  CHECK(f.authoring.Get("crm")->secrets == 1);
  CHECK_FALSE(f.authoring.Get("crm")->previous_secret_expires.has_value());
  REQUIRE(f.authoring.PublishAll().ok());
  puts = f.Puts("exec_a");
  REQUIRE(puts.back().secrets.size() == 1);
  CHECK(puts.back().secrets[0].value == third);
  CHECK(puts.back().version == 3);

  CHECK(f.authoring.RotateSecret("crm", "", -5).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.authoring.RotateSecret("crm", "whsec_nope", 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.authoring.RotateSecret("ghost", "", 0).status().code() == absl::StatusCode::kNotFound);
  // A given secret is taken, not shown.
  change = f.authoring.RotateSecret("crm", kGivenSecret, 60);
  REQUIRE(change.ok());
  CHECK(change->generated_secret.empty());
  CHECK(f.Puts("exec_a").back().secrets[0].value == kGivenSecret);
  f.CheckLogHasNo({kGivenSecret, second, third});
}

TEST_CASE("a deletion goes here, then to every account; an instance holding none is done") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook(), "").ok());
  // The disabled account's instance still holds it (published before it was disabled).
  f.gateway.Change(Endpoint("exec_d"), [](Instance& i) {
    i.subscriptions["crm"].subscription.name = "crm";
    i.subscriptions["crm"].queued = 7;
  });
  absl::StatusOr<std::vector<InstanceOutcome>> outcomes = f.authoring.Delete("crm");
  REQUIRE(outcomes.ok());
  CHECK(Outcomes(*outcomes) ==
        std::vector<std::string>{
            "exec_a 0 ", "exec_b 0 the instance held none",
            "exec_c 14 execution instance 'exec_c' at exec_c:50051 is unreachable: gone",
            "exec_d 0 7 queued webhooks dropped"});
  CHECK(f.gateway.Get(Endpoint("exec_a")).subscriptions.empty());
  CHECK(f.gateway.Get(Endpoint("exec_d")).subscriptions.empty());
  CHECK(f.authoring.Get("crm").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.authoring.Delete("crm").status() ==
        absl::NotFoundError("no webhook subscription named 'crm'"));
}

TEST_CASE("states, resume and replay ask each instance; republication fills a new one") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook(), "").ok());
  REQUIRE(f.authoring.Update(Fixture::Hook()).ok());  // version 2
  // exec_a holds version 2, paused; exec_b a stale version 1.
  f.gateway.Change(Endpoint("exec_a"), [&](Instance& i) {
    InstanceSubscriptionStatus& s = i.subscriptions.at("crm");
    s.state = SubscriptionState::kPausedFailing;
    s.failing_since = f.now - absl::Hours(2);
    s.last_error = "HTTP 503";
    s.queued = 12;
    i.replayable = 5;
  });
  f.gateway.Change(Endpoint("exec_b"), [](Instance& i) {
    i.subscriptions["crm"].subscription = {.name = "crm", .version = 1};
    i.replayable = 2;
  });

  absl::StatusOr<std::vector<SubscriptionOnInstance>> states = f.authoring.States("crm");
  REQUIRE(states.ok());
  REQUIRE(states->size() == 3);
  CHECK((*states)[0].account == "exec_a");
  CHECK((*states)[0].code == 0);
  REQUIRE((*states)[0].status.has_value());
  CHECK((*states)[0].status->state == SubscriptionState::kPausedFailing);
  CHECK((*states)[0].status->queued == 12);
  CHECK((*states)[0].status->subscription.version == 2);
  CHECK((*states)[0].message.empty());
  CHECK((*states)[1].code == 0);
  CHECK((*states)[1].message ==
        "the instance holds version 1 of 2: publish it again (PublishSubscriptions)");
  CHECK((*states)[2].code == static_cast<int>(absl::StatusCode::kUnavailable));
  CHECK_FALSE((*states)[2].status.has_value());
  f.gateway.Change(Endpoint("exec_b"), [](Instance& i) { i.subscriptions.clear(); });
  states = f.authoring.States("crm");
  REQUIRE(states.ok());
  CHECK((*states)[1].code == static_cast<int>(absl::StatusCode::kNotFound));
  CHECK((*states)[1].message ==
        "execution instance 'exec_b' at exec_b:50051 holds no subscription 'crm': publish it "
        "again (PublishSubscriptions)");
  CHECK(f.authoring.States("ghost").status().code() == absl::StatusCode::kNotFound);

  // Resume on the named account only.
  absl::StatusOr<std::vector<SubscriptionOnInstance>> resumed =
      f.authoring.Resume("crm", {"exec_a"});
  REQUIRE(resumed.ok());
  REQUIRE(resumed->size() == 1);
  CHECK((*resumed)[0].code == 0);
  CHECK((*resumed)[0].status->state == SubscriptionState::kActive);
  CHECK(f.gateway.Get(Endpoint("exec_a")).subscriptions.at("crm").state ==
        SubscriptionState::kActive);
  CHECK(f.authoring.Resume("crm", {"nobody"}).status() ==
        absl::NotFoundError("no account named 'nobody'"));

  // Replay everywhere enabled: per instance its count or its reason; the total.
  const absl::Time since = f.now - absl::Hours(6);
  absl::StatusOr<ReplayResult> replay = f.authoring.Replay("crm", since, {});
  REQUIRE(replay.ok());
  CHECK(replay->replayed == 5);
  CHECK(Outcomes(replay->outcomes) ==
        std::vector<std::string>{
            "exec_a 0 5 queued again",
            "exec_b 5 execution instance 'exec_b' at exec_b:50051: no subscription named 'crm'",
            "exec_c 14 execution instance 'exec_c' at exec_c:50051 is unreachable: gone"});
  REQUIRE(f.gateway.Get(Endpoint("exec_a")).replays.size() == 1);
  CHECK(f.gateway.Get(Endpoint("exec_a")).replays[0].second == since);

  // A new instance (and exec_b now taking them) gets every subscription at its version.
  REQUIRE(f.authoring.Create(Fixture::Hook("second"), "").ok());
  f.targets.all.push_back({{.account = "exec_e", .endpoint = Endpoint("exec_e")}, true});
  f.gateway.Set(Endpoint("exec_e"), Instance{});
  f.gateway.Change(Endpoint("exec_b"), [](Instance& i) { i.put_subscription = absl::OkStatus(); });
  absl::StatusOr<std::vector<InstanceOutcome>> published = f.authoring.PublishAll();
  REQUIRE(published.ok());
  CHECK(Outcomes(*published) ==
        std::vector<std::string>{
            "exec_a 0 published 2 of 2 subscriptions", "exec_b 0 published 2 of 2 subscriptions",
            "exec_c 14 published 0 of 2 subscriptions: subscription 'crm': execution instance "
            "'exec_c' at exec_c:50051 is unreachable: gone",
            "exec_e 0 published 2 of 2 subscriptions"});
  const Instance e = f.gateway.Get(Endpoint("exec_e"));
  REQUIRE(e.puts.size() == 2);
  CHECK(e.puts[0].name == "crm");
  CHECK(e.puts[0].version == 2);
  CHECK(e.puts[1].name == "second");
  CHECK(e.puts[1].version == 1);
  CHECK(e.puts[0].secrets.size() == 1);
}

TEST_CASE("republication stops at an instance out of reach, not at one answering UNAVAILABLE") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook("one"), "").ok());
  REQUIRE(f.authoring.Create(Fixture::Hook("two"), "").ok());
  // exec_b answers itself, for every subscription: its URL's host does not resolve now.
  f.gateway.Change(Endpoint("exec_b"), [](Instance& i) {
    i.put_subscription = absl::UnavailableError(
        "execution instance 'exec_b' at exec_b:50051 is unreachable: subscription.url: no "
        "address");
  });
  const size_t before = f.gateway.calls().size();
  absl::StatusOr<std::vector<InstanceOutcome>> published = f.authoring.PublishAll();
  REQUIRE(published.ok());
  std::vector<std::string> calls = f.gateway.calls();
  calls.erase(calls.begin(), calls.begin() + static_cast<std::ptrdiff_t>(before));
  std::sort(calls.begin(), calls.end());
  CHECK(calls ==
        std::vector<std::string>{"ListSubscriptions exec_b", "ListSubscriptions exec_b",
                                 "ListSubscriptions exec_c", "PutSubscription one v1 exec_a",
                                 "PutSubscription one v1 exec_b", "PutSubscription one v1 exec_c",
                                 "PutSubscription two v1 exec_a", "PutSubscription two v1 exec_b"});
  CHECK((*published)[1].message.rfind("published 0 of 2 subscriptions: subscription 'one': ", 0) ==
        0);
  CHECK((*published)[2].message.rfind("published 0 of 2 subscriptions: subscription 'one': ", 0) ==
        0);
}

TEST_CASE("an instance keeping a newer version says so") {
  Fixture f;
  REQUIRE(f.authoring.Create(Fixture::Hook(), "").ok());
  f.gateway.Change(Endpoint("exec_a"),
                   [](Instance& i) { i.subscriptions.at("crm").subscription.version = 9; });
  absl::StatusOr<SubscriptionChange> change = f.authoring.Update(Fixture::Hook());
  REQUIRE(change.ok());
  CHECK(change->outcomes[0].code == 0);
  CHECK(change->outcomes[0].message == "the instance kept version 9, newer than version 2");
}

}  // namespace
}  // namespace mc::control
