#include "tests/support/webhook_check.h"

#include <google/protobuf/util/json_util.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <catch2/catch.hpp>
#include <thread>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace v1 = messagecenter::v1;

namespace {

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t us = absl::ToUnixMicros(t);
  out->set_seconds(us / 1000000);
  out->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
}

}  // namespace

TestSecret NewTestSecret() {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) FAIL("RAND_bytes failed");
  TestSecret s;
  s.key.assign(reinterpret_cast<const char*>(key), sizeof key);
  s.value = "whsec_" + Base64(key, sizeof key);
  return s;
}

std::vector<std::string> SignatureEntries(const sinks::WebhookSink::Request& r) {
  return absl::StrSplit(r.Header("webhook-signature"), ' ', absl::SkipEmpty());
}

std::string ExpectedSignature(const std::string& key, const std::string& id,
                              const std::string& timestamp, const std::string& body) {
  const std::string signed_content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(),
           mac, &mac_len) == nullptr) {
    FAIL("HMAC failed");
  }
  return "v1," + Base64(mac, mac_len);
}

bool SignedWith(const std::string& key, const sinks::WebhookSink::Request& r) {
  const std::string expected =
      ExpectedSignature(key, r.Header("webhook-id"), r.Header("webhook-timestamp"), r.body);
  bool found = false;
  for (const std::string& s : SignatureEntries(r)) {
    if (s.size() == expected.size() && CRYPTO_memcmp(s.data(), expected.data(), s.size()) == 0) {
      found = true;
    }
  }
  return found;
}

std::optional<v1::WebhookPayload> ParsePayload(const std::string& body) {
  v1::WebhookPayload p;
  if (!google::protobuf::util::JsonStringToMessage(body, &p).ok()) return std::nullopt;
  return p;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

v1::WebhookSubscription Subscription(
    const std::string& name, const std::string& url, const std::vector<std::string>& event_types,
    const std::vector<std::pair<std::string, std::optional<absl::Time>>>& secrets) {
  v1::WebhookSubscription s;
  s.set_name(name);
  s.set_url(url);
  for (const std::string& t : event_types) s.add_event_types(t);
  for (const auto& [value, expires] : secrets) {
    v1::WebhookSecret* secret = s.add_secrets();
    secret->set_value(value);
    if (expires) ToProto(*expires, secret->mutable_expires());
  }
  return s;
}

WebhookClient::WebhookClient(const std::string& address)
    : stub_(v1::WebhookService::NewStub(Channel(address))) {}

grpc::Status WebhookClient::Put(const v1::WebhookSubscription& s, v1::SubscriptionStatus* out) {
  v1::PutSubscriptionRequest req;
  *req.mutable_subscription() = s;
  v1::SubscriptionStatus status;
  return stub_->PutSubscription(Context().get(), req, out != nullptr ? out : &status);
}

v1::SubscriptionStatus WebhookClient::Status(const std::string& name) {
  v1::ListSubscriptionsResponse resp;
  grpc::Status s = stub_->ListSubscriptions(Context().get(), {}, &resp);
  if (!s.ok()) FAIL("ListSubscriptions: " << s.error_message());
  for (const v1::SubscriptionStatus& st : resp.subscriptions()) {
    if (st.subscription().name() == name) return st;
  }
  FAIL("no subscription " << name);
  return {};
}

v1::SubscriptionStatus WebhookClient::WaitStatus(
    const std::string& name, const std::function<bool(const v1::SubscriptionStatus&)>& done,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  v1::SubscriptionStatus st = Status(name);
  while (!done(st) && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    st = Status(name);
  }
  return st;
}

grpc::Status WebhookClient::ReplayOne(const std::string& webhook_id, int64_t* replayed) {
  v1::ReplayWebhooksRequest req;
  req.set_webhook_id(webhook_id);
  v1::ReplayWebhooksResponse resp;
  grpc::Status s = stub_->ReplayWebhooks(Context().get(), req, &resp);
  *replayed = resp.replayed();
  return s;
}

grpc::Status WebhookClient::ReplaySince(const std::string& subscription, absl::Time since,
                                        int64_t* replayed) {
  v1::ReplayWebhooksRequest req;
  req.mutable_since()->set_subscription(subscription);
  ToProto(since, req.mutable_since()->mutable_since());
  v1::ReplayWebhooksResponse resp;
  grpc::Status s = stub_->ReplayWebhooks(Context().get(), req, &resp);
  *replayed = resp.replayed();
  return s;
}

}  // namespace mc::e2e
