// End to end: a webhook subscription authored on the control instance reaches an execution
// instance (real binaries, real PostgreSQL, gRPC on port 0), and the instance's webhooks reach a
// real HTTP receiver on loopback signed with the secret the control handed out once; a rotation
// is published with both secrets; the states are read back through the control; a delete
// removes it from the instance. Signatures are checked with this test's own HMAC code.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>" with the key a "whsec_" secret encodes.
std::string Signature(const std::string& secret, const sinks::WebhookSink::Request& r) {
  std::string key;
  REQUIRE(absl::Base64Unescape(secret.substr(6), &key));
  const std::string signed_text =
      r.Header("webhook-id") + "." + r.Header("webhook-timestamp") + "." + r.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  return "v1," + absl::Base64Escape(std::string(reinterpret_cast<char*>(mac), len));
}

std::vector<std::string> Signatures(const sinks::WebhookSink::Request& r) {
  return absl::StrSplit(r.Header("webhook-signature"), ' ', absl::SkipEmpty());
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_CASE("a subscription authored on the control signs the instance's webhooks") {
  std::unique_ptr<sinks::SmtpSink> smtp = *sinks::SmtpSink::Start({});
  std::unique_ptr<sinks::WebhookSink> receiver = *sinks::WebhookSink::Start();
  process::ServiceProcess exec = StartExecution(
      testing::SharedPostgresDsn(), testing::FreshSchema("subs_exec"),
      {"--smtp_url=" + smtp->url(), "--workflow_refresh_ms=100", "--start_workflows",
       "--webhook_allow_private_networks", "--webhook_allow_http", "--status_update_pause_ms=0"});
  process::ServiceProcess control =
      StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("subs_control"),
                   {"--noarchiving_scheduler"});
  ControlClient client(control.address());
  client.CreateAccount("exec1", exec.address(), kToken);
  pb::Account initialized;
  REQUIRE(client.InitializeConnection("exec1", &initialized).ok());
  ExecClient instance(exec.address());
  v1::Template t;
  t.set_internal_name("receipt");
  t.set_event_type("RECEIPT");
  t.set_version(1);
  t.set_subject("Your receipt");
  t.set_text_body("Thanks");
  REQUIRE(instance.Publish(t).ok());

  auto subs = pb::SubscriptionService::NewStub(
      grpc::CreateChannel(control.address(), grpc::InsecureChannelCredentials()));
  pb::CreateSubscriptionRequest create;
  create.mutable_subscription()->set_name("orders");
  create.mutable_subscription()->set_url(receiver->url("/hooks"));
  pb::SubscriptionChange created;
  REQUIRE(subs->CreateSubscription(Context().get(), create, &created).ok());
  const std::string secret = created.secret();
  REQUIRE(secret.rfind("whsec_", 0) == 0);
  REQUIRE(created.outcomes_size() == 1);
  CHECK(created.outcomes(0).code() == 0);

  // The instance holds it (secrets never shown), published with the control's version.
  auto hooks = v1::WebhookService::NewStub(
      grpc::CreateChannel(exec.address(), grpc::InsecureChannelCredentials()));
  v1::ListSubscriptionsResponse listed;
  REQUIRE(hooks->ListSubscriptions(Context().get(), v1::ListSubscriptionsRequest(), &listed).ok());
  REQUIRE(listed.subscriptions_size() == 1);
  CHECK(listed.subscriptions(0).subscription().name() == "orders");
  CHECK(listed.subscriptions(0).secrets() == 1);
  CHECK(listed.subscriptions(0).subscription().secrets_size() == 0);
  CHECK(listed.subscriptions(0).subscription().version() == created.subscription().version());

  v1::Event e;
  e.set_type("RECEIPT");
  e.set_email("jane@example.com");
  e.set_external_id("order-1");
  const int64_t id = instance.Push(v1::QUEUE_REAL_TIME, e);
  CHECK(instance.WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver->WaitForCount(1, absl::Seconds(30)));
  sinks::WebhookSink::Request first = receiver->Requests()[0];
  CHECK(first.path == "/hooks");
  CHECK(Signatures(first) == std::vector<std::string>{Signature(secret, first)});
  CHECK(first.body.find("\"externalId\":\"order-1\"") != std::string::npos);
  CHECK(first.body.find("EVENT_STATUS_SENT") != std::string::npos);

  // A rotation: both secrets sign during the overlap.
  pb::RotateSecretRequest rotate;
  rotate.set_name("orders");
  rotate.set_overlap_seconds(3600);
  pb::SubscriptionChange rotated;
  REQUIRE(subs->RotateSecret(Context().get(), rotate, &rotated).ok());
  const std::string next = rotated.secret();
  REQUIRE(next.rfind("whsec_", 0) == 0);
  CHECK(next != secret);
  e.set_external_id("order-2");
  const int64_t id2 = instance.Push(v1::QUEUE_REAL_TIME, e);
  CHECK(instance.WaitFinal(id2).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver->WaitForCount(2, absl::Seconds(30)));
  sinks::WebhookSink::Request second = receiver->Requests()[1];
  const std::vector<std::string> sigs = Signatures(second);
  CHECK(sigs.size() == 2);
  CHECK(Has(sigs, Signature(secret, second)));
  CHECK(Has(sigs, Signature(next, second)));

  // The states, through the control. The receiver has the second POST before the instance
  // records it delivered: read until it is (bounded), whatever the speed.
  pb::SubscriptionStatesRequest states_req;
  states_req.set_name("orders");
  pb::SubscriptionStatesResponse states;
  for (const absl::Time give_up = absl::Now() + absl::Seconds(30);;) {
    states.Clear();
    REQUIRE(subs->GetSubscriptionStates(Context().get(), states_req, &states).ok());
    REQUIRE(states.instances_size() == 1);
    if (states.instances(0).status().delivered() >= 2 || absl::Now() > give_up) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  CHECK(states.instances(0).account() == "exec1");
  CHECK(states.instances(0).status().delivered() == 2);
  CHECK(states.instances(0).status().state() == v1::SUBSCRIPTION_STATE_ACTIVE);

  // Deleted on the control: gone from the instance.
  pb::DeleteSubscriptionRequest del;
  del.set_name("orders");
  pb::DeleteSubscriptionResponse deleted;
  REQUIRE(subs->DeleteSubscription(Context().get(), del, &deleted).ok());
  listed.Clear();
  REQUIRE(hooks->ListSubscriptions(Context().get(), v1::ListSubscriptionsRequest(), &listed).ok());
  CHECK(listed.subscriptions_size() == 0);
}

}  // namespace
}  // namespace mc::e2e
