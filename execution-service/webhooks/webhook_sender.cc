#include "execution-service/webhooks/webhook_sender.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "execution-service/webhooks/webhook_payload.h"
#include "execution-service/webhooks/webhook_signer.h"
#include "execution-service/webhooks/webhook_text.h"

namespace mc::execution {
namespace {

constexpr size_t kMessageBytes = 200;

// What one POST, or its refusal before it, came to.
struct Attempt {
  WebhookOutcomeKind kind = WebhookOutcomeKind::kRetry;
  std::string label;
  std::string message;
  int status = 0;
  absl::Duration latency;
};

Attempt Refusal(WebhookOutcomeKind kind, absl::string_view label, absl::string_view message) {
  Attempt a;
  a.kind = kind;
  a.label = std::string(label);
  a.message = Snippet(message, kMessageBytes);
  return a;
}

// A header value must not be able to end its line (and the spec advises against '.' in ids).
bool ValidWebhookId(absl::string_view id) {
  return !id.empty() && id.size() <= 255 && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-';
  });
}

Attempt FromHttp(const HttpResult& r) {
  const HttpClassification c = ClassifyHttpResult(r);
  Attempt a;
  a.kind = c.kind;
  a.label = std::string(c.label);
  a.status = r.status;
  a.latency = r.latency;
  if (c.kind == WebhookOutcomeKind::kDelivered) return a;
  if (r.status != 0) {
    const std::string status = absl::StrCat("HTTP ", r.status);
    const std::string answer = Snippet(r.body_snippet, kMessageBytes - status.size() - 2);
    a.message = answer.empty() ? status : absl::StrCat(status, ": ", answer);
  } else {
    a.message = r.message.empty() ? "no answer" : Snippet(r.message, kMessageBytes);
  }
  return a;
}

using EventKey = std::pair<int, int64_t>;
EventKey KeyOf(const WebhookChange& c) { return {QueueNumber(c.queue), c.event_id}; }

// One POST of the changes batch[] names (a WebhookBatch when `batched`).
Attempt Post(WebhookTransport& transport, const WebhookSenderOptions& options,
             const WebhookEndpoint& endpoint, const CheckedUrl& checked, bool batched,
             const std::vector<WebhookChange>& changes, const std::vector<size_t>& batch) {
  const WebhookChange& first = changes[batch.front()];
  for (size_t i : batch) {
    if (!ValidWebhookId(changes[i].webhook_id)) {
      return Refusal(WebhookOutcomeKind::kGiveUp, "other",
                     absl::StrCat("webhook-id of outbox row ", changes[i].outbox_id,
                                  ": not letters, digits, '_' and '-' (at most 255)"));
    }
  }
  absl::StatusOr<std::string> body;
  if (batched) {
    std::vector<const WebhookChange*> items;
    items.reserve(batch.size());
    for (size_t i : batch) items.push_back(&changes[i]);
    body = WebhookBatchJson(items);
  } else {
    body = WebhookPayloadJson(first);
  }
  if (!body.ok()) {
    return Refusal(WebhookOutcomeKind::kGiveUp, "other", body.status().message());
  }
  const std::string id = batched ? BatchWebhookId(first) : first.webhook_id;
  const absl::Time now = options.clock();
  const int64_t timestamp = absl::ToUnixSeconds(now);
  absl::StatusOr<std::string> signature =
      WebhookSignatureHeader(endpoint.secrets, id, timestamp, *body, now);
  if (!signature.ok()) {
    return Refusal(WebhookOutcomeKind::kRetry, "other", signature.status().message());
  }
  HttpRequest request;
  request.url = endpoint.url;
  request.headers = {{"webhook-id", id},
                     {"webhook-timestamp", absl::StrCat(timestamp)},
                     {"webhook-signature", *std::move(signature)},
                     {"content-type", "application/json"},
                     {"user-agent", options.user_agent}};
  request.body = *std::move(body);
  request.timeout = options.timeout;
  request.pinned_addresses = checked.addresses;
  return FromHttp(transport.Post(request));
}

}  // namespace

WebhookSender::WebhookSender(WebhookTransport& transport, WebhookSenderOptions options)
    : transport_(transport), options_(std::move(options)), generator_(std::random_device{}()) {
  if (!options_.clock) options_.clock = [] { return absl::Now(); };
  if (!options_.resolve) options_.resolve = ResolveHost;
}

double WebhookSender::Random() {
  if (options_.random) return options_.random();
  std::lock_guard<std::mutex> lock(random_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator_);
}

std::vector<WebhookOutcome> WebhookSender::Send(const WebhookEndpoint& endpoint,
                                                std::vector<WebhookChange> changes) {
  const size_t n = changes.size();
  std::vector<WebhookOutcome> out(n);
  for (size_t i = 0; i < n; ++i) out[i].outbox_id = changes[i].outbox_id;
  if (n == 0) return out;
  const bool batched = endpoint.max_batch > 1;
  const size_t max_batch = static_cast<size_t>(std::clamp(endpoint.max_batch, 1, kMaxWebhookBatch));
  const absl::StatusOr<CheckedUrl> checked =
      CheckWebhookUrl(endpoint.url, options_.url_guard, options_.resolve);

  // Events with a change not delivered in this call, and the delay their later changes get.
  std::map<EventKey, absl::Duration> blocked;
  std::vector<size_t> batch;
  size_t next = 0;
  while (next < n) {
    batch.clear();
    for (; next < n && batch.size() < max_batch; ++next) {
      auto it = blocked.find(KeyOf(changes[next]));
      if (it == blocked.end()) {
        batch.push_back(next);
        continue;
      }
      WebhookOutcome& o = out[next];
      o.kind = WebhookOutcomeKind::kRetry;
      o.next_delay = it->second;
      o.error_class = std::string(kBlockedClass);
      o.message = std::string(kBlockedMessage);
    }
    if (batch.empty()) continue;

    Attempt a;
    if (!checked.ok()) {
      a = Refusal(WebhookOutcomeKind::kRetry,
                  absl::IsUnavailable(checked.status()) ? "dns" : "other",
                  checked.status().message());
    } else {
      a = Post(transport_, options_, endpoint, *checked, batched, changes, batch);
    }
    int failures = 0;
    for (size_t i : batch) failures = std::max(failures, changes[i].sends);
    const absl::Duration delay =
        a.kind == WebhookOutcomeKind::kRetry
            ? BackoffDelay(failures, options_.backoff_base, options_.backoff_cap, Random())
            : absl::ZeroDuration();
    const absl::Time now = options_.clock();
    for (size_t i : batch) {
      const WebhookChange& c = changes[i];
      WebhookOutcome& o = out[i];
      o.attempted = true;
      o.kind = a.kind;
      o.error_class = a.label;
      o.message = a.message;
      o.latency = a.latency;
      o.http_status = a.status;
      if (a.kind == WebhookOutcomeKind::kRetry) {
        if (RetryAgeExceeded(c.first_failed_at, now, options_.max_retry_age)) {
          o.kind = WebhookOutcomeKind::kGiveUp;
          o.message =
              absl::StrCat("given up: failing for more than ",
                           absl::FormatDuration(options_.max_retry_age), " (", a.message, ")");
        } else {
          o.next_delay = delay;
        }
      }
      if (o.kind != WebhookOutcomeKind::kDelivered) {
        blocked.emplace(KeyOf(c),
                        o.kind == WebhookOutcomeKind::kRetry ? delay : options_.backoff_base);
      }
    }
  }
  return out;
}

}  // namespace mc::execution
