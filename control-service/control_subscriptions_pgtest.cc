// The webhook subscriptions through a control instance in-process against a real PostgreSQL,
// as an operator's tool calls them: messagecenter.control.v1.SubscriptionService over gRPC,
// published by the ExecutionClient to a scripted messagecenter.v1.WebhookService on a free
// port (what the instance receives: the bearer credential, the fields, the secrets in force
// with the previous one's expiry, the version) and to an account whose instance is out of
// reach (an outcome, not a failure). States, resume, replay and deletion go the same way; an
// instance's NOT_FOUND on deletion counts as done. No secret appears in a Get or List
// response or in any log line of the instance.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/grpc/timestamps.h"
#include "common/testing/shared_postgres.h"
#include "control-service/control_instance.h"
#include "control-service/migrations/migrations.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"

namespace mc::control {
namespace {
namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

constexpr char kToken[] = "control-subscriptions-token-0123456789";
constexpr char kCredential[] = "instance-credential-0123456789";
constexpr char kGivenSecret[] = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

// An execution instance's WebhookService, scripted: keeps what it is given (a lower version
// than the one held is ignored), refuses URLs under "https://refused.", and answers
// UNAUTHENTICATED to any other credential than kCredential.
class ScriptedWebhooks final : public v1::WebhookService::Service {
 public:
  grpc::Status PutSubscription(grpc::ServerContext* ctx, const v1::PutSubscriptionRequest* req,
                               v1::SubscriptionStatus* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    puts_.push_back(*req);
    const v1::WebhookSubscription& w = req->subscription();
    if (w.url().rfind("https://refused.", 0) == 0) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "url: resolves to a private address"};
    }
    v1::SubscriptionStatus& held = held_[w.name()];
    if (held.subscription().version() <= w.version()) {
      *held.mutable_subscription() = w;
      held.mutable_subscription()->clear_secrets();
      held.set_secrets(w.secrets_size());
      held.set_state(v1::SUBSCRIPTION_STATE_PAUSED_FAILING);
      grpcutil::ToTimestamp(absl::FromUnixSeconds(1'700'000'000), held.mutable_failing_since());
      held.set_last_error("HTTP 503");
      held.set_queued(4);
    }
    *resp = held;
    return grpc::Status::OK;
  }
  grpc::Status DeleteSubscription(grpc::ServerContext* ctx,
                                  const v1::DeleteSubscriptionRequest* req,
                                  v1::DeleteSubscriptionResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    auto it = held_.find(req->name());
    if (it == held_.end()) return {grpc::StatusCode::NOT_FOUND, "no subscription of that name"};
    resp->set_dropped(it->second.queued());
    held_.erase(it);
    return grpc::Status::OK;
  }
  grpc::Status ListSubscriptions(grpc::ServerContext* ctx, const v1::ListSubscriptionsRequest*,
                                 v1::ListSubscriptionsResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    for (const auto& [name, status] : held_) *resp->add_subscriptions() = status;
    return grpc::Status::OK;
  }
  grpc::Status ResumeSubscription(grpc::ServerContext* ctx,
                                  const v1::ResumeSubscriptionRequest* req,
                                  v1::SubscriptionStatus* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    auto it = held_.find(req->name());
    if (it == held_.end()) return {grpc::StatusCode::NOT_FOUND, "no subscription of that name"};
    it->second.set_state(v1::SUBSCRIPTION_STATE_ACTIVE);
    it->second.clear_failing_since();
    *resp = it->second;
    return grpc::Status::OK;
  }
  grpc::Status ReplayWebhooks(grpc::ServerContext* ctx, const v1::ReplayWebhooksRequest* req,
                              v1::ReplayWebhooksResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    replays_.push_back(*req);
    resp->set_replayed(3);
    return grpc::Status::OK;
  }

  std::vector<v1::PutSubscriptionRequest> puts() {
    std::lock_guard<std::mutex> lock(mu_);
    return puts_;
  }
  std::vector<v1::ReplayWebhooksRequest> replays() {
    std::lock_guard<std::mutex> lock(mu_);
    return replays_;
  }
  void set_credential(std::string credential) {
    std::lock_guard<std::mutex> lock(mu_);
    credential_ = std::move(credential);
  }

 private:
  grpc::Status Check(grpc::ServerContext* ctx) const {
    auto it = ctx->client_metadata().find("authorization");
    if (it == ctx->client_metadata().end() ||
        std::string(it->second.data(), it->second.size()) != "Bearer " + credential_) {
      return {grpc::StatusCode::UNAUTHENTICATED, "unknown token"};
    }
    return grpc::Status::OK;
  }

  std::mutex mu_;
  std::string credential_ = kCredential;
  std::map<std::string, v1::SubscriptionStatus> held_;
  std::vector<v1::PutSubscriptionRequest> puts_;
  std::vector<v1::ReplayWebhooksRequest> replays_;
};

ControlConfig Config(const std::string& schema) {
  std::vector<std::string> args = {
      "control-service",    "--pg_dsn=" + testing::SharedPostgresDsn(),
      "--schema=" + schema, "--listen=127.0.0.1:0",
      "--metrics_listen=",  absl::StrCat("--auth_tokens=operator:", kToken),
      "--nomigrate"};
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  absl::StatusOr<ControlConfig> config =
      ParseControlConfig(static_cast<int>(argv.size()), argv.data());
  REQUIRE(config.ok());
  return *std::move(config);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

// "account code" per outcome.
template <typename Outcomes>
std::vector<std::string> Codes(const Outcomes& outcomes) {
  std::vector<std::string> out;
  for (const auto& o : outcomes) out.push_back(absl::StrCat(o.account(), " ", o.code()));
  return out;
}

struct Fixture {
  Fixture() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &instance_port);
    builder.RegisterService(&webhooks);
    instance = builder.BuildAndStart();
    REQUIRE(instance != nullptr);
    absl::StatusOr<std::unique_ptr<ControlInstance>> started =
        ControlInstance::Start(Config(schema), logger);
    REQUIRE(started.ok());
    control = *std::move(started);
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", control->port()),
                                       grpc::InsecureChannelCredentials());
    accounts = pb::AccountService::NewStub(channel);
    stub = pb::SubscriptionService::NewStub(channel);
    // exec_a: the scripted instance; exec_b: nothing listens there.
    AddAccount("exec_a", absl::StrCat("127.0.0.1:", instance_port));
    AddAccount("exec_b", "127.0.0.1:1");
  }
  ~Fixture() {
    control->Stop();
    instance->Shutdown();
  }

  void AddAccount(const std::string& name, const std::string& endpoint) {
    pb::CreateAccountRequest req;
    req.mutable_account()->set_internal_name(name);
    req.mutable_account()->set_endpoint(endpoint);
    req.mutable_account()->set_enabled(true);
    req.mutable_account()->set_credential(kCredential);
    pb::Account resp;
    REQUIRE(accounts->CreateAccount(Context().get(), req, &resp).ok());
  }

  const std::string schema = testing::FreshSchema("ctrl_subscriptions", Migrations());
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kDebug, log_sink};
  ScriptedWebhooks webhooks;
  int instance_port = 0;
  std::unique_ptr<grpc::Server> instance;
  std::unique_ptr<ControlInstance> control;
  std::unique_ptr<pb::AccountService::Stub> accounts;
  std::unique_ptr<pb::SubscriptionService::Stub> stub;
};

TEST_CASE("subscriptions are authored over gRPC and published to the instances") {
  Fixture f;
  pb::CreateSubscriptionRequest create;
  pb::Subscription* s = create.mutable_subscription();
  s->set_name("crm");
  s->set_url("https://hooks.example.test/mc");
  s->add_statuses(v1::EVENT_STATUS_SENT);
  s->add_statuses(v1::EVENT_STATUS_DELIVERY_FAILED);
  s->add_event_types("ORDER_SHIPPED");
  s->set_every_attempt(true);
  s->set_max_batch(20);
  pb::SubscriptionChange created;
  REQUIRE(f.stub->CreateSubscription(Context().get(), create, &created).ok());
  const std::string secret = created.secret();
  CHECK(secret.rfind("whsec_", 0) == 0);
  CHECK(created.subscription().version() == 1);
  CHECK(created.subscription().secrets() == 1);
  CHECK(Codes(created.outcomes()) == std::vector<std::string>{"exec_a 0", "exec_b 14"});
  CHECK(created.outcomes(1).message().rfind("execution instance 'exec_b' at 127.0.0.1:1 is "
                                            "unreachable: ",
                                            0) == 0);

  // What the instance received, with the account's credential.
  std::vector<v1::PutSubscriptionRequest> puts = f.webhooks.puts();
  REQUIRE(puts.size() == 1);
  const v1::WebhookSubscription& w = puts[0].subscription();
  CHECK(w.name() == "crm");
  CHECK(w.url() == "https://hooks.example.test/mc");
  REQUIRE(w.statuses_size() == 2);
  CHECK(w.statuses(0) == v1::EVENT_STATUS_SENT);
  CHECK(w.statuses(1) == v1::EVENT_STATUS_DELIVERY_FAILED);
  REQUIRE(w.event_types_size() == 1);
  CHECK(w.event_types(0) == "ORDER_SHIPPED");
  CHECK(w.every_attempt());
  CHECK(w.max_batch() == 20);
  CHECK(w.version() == 1);
  CHECK_FALSE(w.disabled());
  REQUIRE(w.secrets_size() == 1);
  CHECK(w.secrets(0).value() == secret);
  CHECK_FALSE(w.secrets(0).has_expires());

  // A rotation with a given secret: two secrets, the previous one's expiry, version 2.
  pb::RotateSecretRequest rotate;
  rotate.set_name("crm");
  rotate.set_secret(kGivenSecret);
  rotate.set_overlap_seconds(7200);
  const absl::Time before = absl::Now();
  pb::SubscriptionChange rotated;
  REQUIRE(f.stub->RotateSecret(Context().get(), rotate, &rotated).ok());
  const absl::Time after = absl::Now();
  CHECK(rotated.secret().empty());
  CHECK(rotated.subscription().version() == 2);
  CHECK(rotated.subscription().secrets() == 2);
  const absl::Time expires =
      grpcutil::FromTimestamp(rotated.subscription().previous_secret_expires());
  CHECK(expires >= before + absl::Hours(2) - absl::Milliseconds(1));
  CHECK(expires <= after + absl::Hours(2));
  puts = f.webhooks.puts();
  REQUIRE(puts.size() == 2);
  const v1::WebhookSubscription& w2 = puts[1].subscription();
  CHECK(w2.version() == 2);
  REQUIRE(w2.secrets_size() == 2);
  CHECK(w2.secrets(0).value() == kGivenSecret);
  CHECK(w2.secrets(1).value() == secret);
  CHECK(grpcutil::FromTimestamp(w2.secrets(1).expires()) == expires);

  // Get and List: the counts, never a secret.
  pb::GetSubscriptionRequest get;
  get.set_name("crm");
  pb::Subscription got;
  REQUIRE(f.stub->GetSubscription(Context().get(), get, &got).ok());
  CHECK(got.version() == 2);
  CHECK(got.secrets() == 2);
  CHECK(got.url() == "https://hooks.example.test/mc");
  pb::ListSubscriptionsResponse listed;
  REQUIRE(f.stub->ListSubscriptions(Context().get(), {}, &listed).ok());
  REQUIRE(listed.subscriptions_size() == 1);
  for (const std::string& text : {got.SerializeAsString(), listed.SerializeAsString(),
                                  got.DebugString(), listed.DebugString()}) {
    CHECK(text.find(secret.substr(6)) == std::string::npos);
    CHECK(text.find(std::string(kGivenSecret).substr(6)) == std::string::npos);
  }

  // An update the instance refuses: stored all the same, the refusal in the outcomes.
  pb::UpdateSubscriptionRequest update;
  *update.mutable_subscription() = got;
  update.mutable_subscription()->set_url("https://refused.example.test/");
  pb::SubscriptionChange updated;
  REQUIRE(f.stub->UpdateSubscription(Context().get(), update, &updated).ok());
  CHECK(updated.subscription().version() == 3);
  CHECK(updated.secret().empty());
  REQUIRE(updated.outcomes_size() == 2);
  CHECK(updated.outcomes(0).code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(updated.outcomes(0).message() ==
        absl::StrCat("execution instance 'exec_a' at 127.0.0.1:", f.instance_port,
                     ": url: resolves to a private address"));
  update.mutable_subscription()->set_url("https://hooks.example.test/v4");
  REQUIRE(f.stub->UpdateSubscription(Context().get(), update, &updated).ok());
  CHECK(updated.subscription().version() == 4);
  CHECK(updated.outcomes(0).code() == 0);

  // States per instance: exec_a's, converted back; exec_b out of reach.
  pb::SubscriptionStatesRequest states_req;
  states_req.set_name("crm");
  pb::SubscriptionStatesResponse states;
  REQUIRE(f.stub->GetSubscriptionStates(Context().get(), states_req, &states).ok());
  REQUIRE(states.instances_size() == 2);
  const pb::SubscriptionOnInstance& a = states.instances(0);
  CHECK(a.account() == "exec_a");
  CHECK(a.code() == 0);
  CHECK(a.status().state() == v1::SUBSCRIPTION_STATE_PAUSED_FAILING);
  CHECK(a.status().subscription().version() == 4);
  CHECK(a.status().subscription().url() == "https://hooks.example.test/v4");
  CHECK(a.status().secrets() == 2);
  CHECK(a.status().last_error() == "HTTP 503");
  CHECK(a.status().queued() == 4);
  CHECK(a.status().failing_since().seconds() == 1'700'000'000);
  CHECK(a.status().subscription().secrets_size() == 0);
  CHECK(states.instances(1).code() == grpc::StatusCode::UNAVAILABLE);

  pb::ResumeSubscriptionRequest resume;
  resume.set_name("crm");
  resume.add_accounts("exec_a");
  pb::ResumeSubscriptionResponse resumed;
  REQUIRE(f.stub->ResumeSubscription(Context().get(), resume, &resumed).ok());
  REQUIRE(resumed.instances_size() == 1);
  CHECK(resumed.instances(0).status().state() == v1::SUBSCRIPTION_STATE_ACTIVE);

  pb::ReplayWebhooksRequest replay;
  replay.set_name("crm");
  replay.add_accounts("exec_a");
  pb::ReplayWebhooksResponse replayed;
  CHECK(f.stub->ReplayWebhooks(Context().get(), replay, &replayed).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  grpcutil::ToTimestamp(absl::FromUnixSeconds(1'750'000'000), replay.mutable_since());
  REQUIRE(f.stub->ReplayWebhooks(Context().get(), replay, &replayed).ok());
  CHECK(replayed.replayed() == 3);
  REQUIRE(f.webhooks.replays().size() == 1);
  CHECK(f.webhooks.replays()[0].since().subscription() == "crm");
  CHECK(f.webhooks.replays()[0].since().since().seconds() == 1'750'000'000);

  // A credential the instance refuses: FAILED_PRECONDITION saying what to do.
  f.webhooks.set_credential("another");
  pb::PublishSubscriptionsResponse published;
  REQUIRE(f.stub->PublishSubscriptions(Context().get(), {}, &published).ok());
  REQUIRE(published.outcomes_size() == 2);
  CHECK(published.outcomes(0).code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(published.outcomes(0).message().find("update the account's credential") !=
        std::string::npos);
  f.webhooks.set_credential(kCredential);
  REQUIRE(f.stub->PublishSubscriptions(Context().get(), {}, &published).ok());
  CHECK(published.outcomes(0).code() == 0);
  CHECK(published.outcomes(0).message() == "published 1 of 1 subscriptions");

  // Deleted here and there; a second instance-side delete finds none and counts as done.
  pb::DeleteSubscriptionRequest del;
  del.set_name("crm");
  pb::DeleteSubscriptionResponse deleted;
  REQUIRE(f.stub->DeleteSubscription(Context().get(), del, &deleted).ok());
  CHECK(Codes(deleted.outcomes()) == std::vector<std::string>{"exec_a 0", "exec_b 14"});
  CHECK(deleted.outcomes(0).message() == "4 queued webhooks dropped");
  CHECK(f.stub->GetSubscription(Context().get(), get, &got).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  create.set_secret(kGivenSecret);
  REQUIRE(f.stub->CreateSubscription(Context().get(), create, &created).ok());
  CHECK(created.secret().empty());
  CHECK(created.subscription().version() == 1);
  REQUIRE(f.stub->DeleteSubscription(Context().get(), del, &deleted).ok());
  REQUIRE(f.stub->DeleteSubscription(Context().get(), del, &deleted).error_code() ==
          grpc::StatusCode::NOT_FOUND);

  // Refusals precise, before anything is stored.
  create.mutable_subscription()->set_name("9bad");
  CHECK(f.stub->CreateSubscription(Context().get(), create, &created).error_message() ==
        "name: required; a letter then letters, digits, '_', '-' or '.'");

  const std::string log = f.log_sink.str();
  CHECK(log.find("webhook subscription published") != std::string::npos);
  CHECK(log.find(secret.substr(6)) == std::string::npos);
  CHECK(log.find(std::string(kGivenSecret).substr(6)) == std::string::npos);
}

}  // namespace
}  // namespace mc::control
