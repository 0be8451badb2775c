// Status webhooks as a receiver sees them, for end-to-end tests: signing secrets made here, the
// `webhook-signature` header checked with this file's own HMAC-SHA256 (OpenSSL directly, never
// the project's signer) over "<webhook-id>.<webhook-timestamp>.<raw body>", bodies parsed as
// messagecenter.v1.WebhookPayload, and a WebhookService client with the test token.
// Failures: the helpers that must succeed stop the test with FAIL; the checks return what they
// found. Thread-safe (no shared state).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/sinks/webhook_sink.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"

namespace mc::e2e {

struct TestSecret {
  std::string key;    // the raw key bytes
  std::string value;  // "whsec_" + base64(key), as a subscription carries it
};
// 32 random bytes.
TestSecret NewTestSecret();

// The "v1,<base64>" entries of the webhook-signature header, in order.
std::vector<std::string> SignatureEntries(const sinks::WebhookSink::Request& r);
// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)), computed here.
std::string ExpectedSignature(const std::string& key, const std::string& id,
                              const std::string& timestamp, const std::string& body);
// Whether one of the header's signatures is the one `key` gives for this request (compared in
// constant time, as a receiver must).
bool SignedWith(const std::string& key, const sinks::WebhookSink::Request& r);

// The body as a WebhookPayload (nullopt when it is not one).
std::optional<messagecenter::v1::WebhookPayload> ParsePayload(const std::string& body);

// A proto Timestamp as absl::Time.
absl::Time FromProto(const google::protobuf::Timestamp& t);

// A subscription's definition (secrets given separately: value, optional expiry).
messagecenter::v1::WebhookSubscription Subscription(
    const std::string& name, const std::string& url, const std::vector<std::string>& event_types,
    const std::vector<std::pair<std::string, std::optional<absl::Time>>>& secrets);

class WebhookClient {
 public:
  explicit WebhookClient(const std::string& address);

  grpc::Status Put(const messagecenter::v1::WebhookSubscription& s,
                   messagecenter::v1::SubscriptionStatus* out = nullptr);
  // FAIL unless found.
  messagecenter::v1::SubscriptionStatus Status(const std::string& name);
  // Polls Status(name) until done() holds or the timeout; returns the last read.
  messagecenter::v1::SubscriptionStatus WaitStatus(
      const std::string& name,
      const std::function<bool(const messagecenter::v1::SubscriptionStatus&)>& done,
      absl::Duration timeout);
  grpc::Status ReplayOne(const std::string& webhook_id, int64_t* replayed);
  grpc::Status ReplaySince(const std::string& subscription, absl::Time since, int64_t* replayed);

  messagecenter::v1::WebhookService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<messagecenter::v1::WebhookService::Stub> stub_;
};

}  // namespace mc::e2e
