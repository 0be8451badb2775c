#include "common/webhook_receiver/webhook_receiver.h"

#include <google/protobuf/util/json_util.h>
#include <time.h>

#include "absl/strings/match.h"
#include "common/webhook_receiver/webhook_signature.h"
#include "messagecenter/v1/webhooks.pb.h"

namespace mc::webhook_receiver {
namespace {
namespace v1 = messagecenter::v1;

absl::Duration ThreadCpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return absl::DurationFromTimespec(t);
}

template <typename M>
bool ParseJson(const std::string& body, M* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer instance may add fields
  return google::protobuf::util::JsonStringToMessage(body, message, options).ok();
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

void WebhookReceiver::Attach(sinks::WebhookSink& sink) {
  sink.SetResponder(
      [this](const sinks::WebhookSink::Request& r) { return Handle(r, absl::Now()); });
}

void WebhookReceiver::Refuse(int64_t ReceiverCounts::*counter, std::string reason,
                             absl::Duration cpu_start) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.posts;
  ++(counts_.*counter);
  counts_.last_error = std::move(reason);
  counts_.cpu += ThreadCpu() - cpu_start;
}

int WebhookReceiver::Handle(const sinks::WebhookSink::Request& request, absl::Time received) {
  const absl::Duration cpu_start = ThreadCpu();
  const std::string id = request.Header("webhook-id");
  const std::string timestamp = request.Header("webhook-timestamp");
  const std::string signature = request.Header("webhook-signature");
  if (absl::Status s = CheckWebhookSignature(options_.key,
                                             {.webhook_id = id,
                                              .timestamp = timestamp,
                                              .signature_header = signature,
                                              .body = request.body},
                                             received, options_.tolerance);
      !s.ok()) {
    Refuse(&ReceiverCounts::bad_signatures, std::string(s.message()), cpu_start);
    return 401;
  }

  // Signed by the subscription's key: only now is the body read.
  v1::WebhookBatch batch;
  bool parsed;
  if (absl::StartsWith(id, "batch_")) {
    parsed = ParseJson(request.body, &batch);
  } else {
    parsed = ParseJson(request.body, batch.add_webhooks());
  }
  for (const v1::WebhookPayload& p : batch.webhooks())
    parsed = parsed && !p.data().webhook_id().empty();
  if (!parsed || batch.webhooks_size() == 0) {
    Refuse(&ReceiverCounts::unparsable,
           "body: not a WebhookPayload or WebhookBatch with webhook ids", cpu_start);
    return 400;
  }

  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.posts;
  for (const v1::WebhookPayload& p : batch.webhooks()) {
    ++counts_.webhooks;
    if (!seen_.insert(p.data().webhook_id()).second) {
      ++counts_.duplicates;
      continue;
    }
    ++counts_.unique;
    ++counts_.by_status[p.data().status()];
    counts_.last_new = received;
    if (options_.keep_latencies) latencies_.push_back(received - TimeOf(p.timestamp()));
    if (options_.keep_changes) {
      changes_.push_back({.instance_id = p.data().instance_id(),
                          .event_id = p.data().event_id(),
                          .status = p.data().status()});
    }
  }
  unique_.store(counts_.unique);
  counts_.cpu += ThreadCpu() - cpu_start;
  return 200;
}

ReceiverCounts WebhookReceiver::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

std::vector<absl::Duration> WebhookReceiver::TakeLatencies() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(latencies_, {});
}

std::vector<ReceivedChange> WebhookReceiver::TakeChanges() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(changes_, {});
}

}  // namespace mc::webhook_receiver
