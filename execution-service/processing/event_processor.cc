#include "execution-service/processing/event_processor.h"

#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace mc::execution {

// What one channel sends in a run: messages[k] is the run's message index[k].
struct EventProcessor::ChannelBatch {
  std::vector<size_t> index;
  std::vector<const OutgoingMessage*> messages;
  std::vector<SendOutcome> outcomes;
};

// One run's messages (messages[i] is items[i]'s) and the outcomes it records.
struct EventProcessor::Delivery {
  Delivery(std::vector<DeliveryItem>& claimed, const prometheus::Histogram::BucketBoundaries& b)
      : items(claimed), messages(claimed.size()), languages(claimed.size()), latencies(b) {}

  const std::vector<DeliveryItem>& items;
  std::vector<OutgoingMessage> messages;  // sized once: the channels point into it
  std::vector<std::string> languages;     // each message's template variant ("": default)
  ChannelBatch email, sms;
  std::vector<DeliveryRecord> records;
  std::vector<QuarantineEntry> quarantine;
  std::vector<RetryEntry> retries;
  int64_t errors = 0;
  ExecutionMetrics::OutcomeTally tally;
  metrics::HistogramBatch latencies;
};

EventProcessor::EventProcessor(Queue queue, DeliveryStore& store, TemplateSource& templates,
                               ChannelSender& email, ChannelSender& sms, ProcessorOptions options,
                               pg::Listener* listener, std::function<void()> delivered,
                               ExecutionMetrics& metrics, log::Logger& logger)
    : queue_(queue),
      store_(store),
      templates_(templates),
      email_(email),
      sms_(sms),
      options_(std::move(options)),
      policy_(queue, {.max_tries = options_.max_tries,
                      .retry_base = options_.retry_base,
                      .message_id_domain = options_.message_id_domain,
                      .return_paths = options_.return_paths}),
      listener_(listener),
      delivered_(std::move(delivered)),
      metrics_(metrics),
      logger_(logger) {}

void EventProcessor::WaitForWork(absl::Duration max) {
  if (listener_) {
    listener_->Wait(max);  // Wake() cannot end it; the real-time lane waits a second at most
  } else {
    woken_.Wait(max);
  }
}

absl::StatusOr<JobRun> EventProcessor::RunOnce() {
  absl::StatusOr<RouteResult> routed =
      store_.ClaimAndRoute(queue_, options_.batch_size, options_.lease);
  if (!routed.ok()) return routed.status();
  const absl::Time claimed_at = absl::Now();
  metrics_.EventsFinished(queue_, EventStatus::kNotTakenIntoAccount, routed->not_taken);
  metrics_.EventsFinished(queue_, EventStatus::kExpired, routed->expired);
  JobRun run;
  run.processed = routed->claimed;
  run.more = routed->claimed == options_.batch_size ||
             static_cast<int>(routed->to_deliver.size()) >= options_.batch_size;
  if (routed->to_deliver.empty()) return run;

  Delivery d(routed->to_deliver, metrics_.latency_buckets());
  if (absl::Status s = Prepare(d); !s.ok()) return s;
  if (absl::Status s = Send(d); !s.ok()) return s;
  const absl::Duration sending = absl::Now() - claimed_at;
  Decide(d, d.email, sending);
  Decide(d, d.sms, sending);
  if (absl::Status s = Record(d); !s.ok()) return s;
  LogOutcomes(d);
  run.processed += static_cast<int64_t>(d.records.size());
  run.errors += d.errors;
  metrics_.DeliveryOutcomes(d.tally);
  metrics_.ObserveDeliveryLatency(queue_, d.latencies);
  if (!d.records.empty() && delivered_) delivered_();
  return run;
}

// Decides what needs no sending, renders the rest and hands each message to its channel.
absl::Status EventProcessor::Prepare(Delivery& d) {
  for (size_t i = 0; i < d.items.size(); ++i) {
    const DeliveryItem& item = d.items[i];
    OutgoingMessage& m = d.messages[i];
    m = policy_.Envelope(item);
    if (std::optional<DeliveryDecision> early = policy_.BeforeSending(item, m)) {
      Apply(d, std::move(*early), m.channel);
      continue;
    }
    absl::StatusOr<std::shared_ptr<const CompiledTemplate>> t = templates_.Get(item.template_id);
    if (!t.ok()) {
      if (t.status().code() == absl::StatusCode::kUnavailable) return t.status();
      Apply(d, policy_.TemplateNotUsable(item, m, t.status()), m.channel);
      continue;
    }
    nlohmann::json ctx =
        nlohmann::json::parse(item.event.ctx_json, nullptr, /*allow_exceptions=*/false);
    if (absl::Status s = assembly_.Assemble(**t, item, ctx, m, &d.languages[i]); !s.ok()) {
      if (s.code() == absl::StatusCode::kUnavailable) {
        Apply(d,
              policy_.AfterSending(
                  item, m,
                  {.kind = SendOutcome::Kind::kSoftFailure, .reason = std::string(s.message())}),
              m.channel);
      } else {
        Apply(d, policy_.RenderFailed(item, m, s), m.channel);
      }
      continue;
    }
    ChannelBatch* batch = m.channel == 0 ? &d.email : m.channel == 1 ? &d.sms : nullptr;
    if (batch == nullptr) {
      Apply(d, policy_.NoProvider(item, m), m.channel);
      continue;
    }
    batch->index.push_back(i);
    batch->messages.push_back(&m);
  }
  return absl::OkStatus();
}

// Email and SMS at once; each sender has its own threads.
absl::Status EventProcessor::Send(Delivery& d) {
  if (d.sms.messages.empty() || d.email.messages.empty()) {
    d.email.outcomes = email_.SendAll(d.email.messages);
    d.sms.outcomes = sms_.SendAll(d.sms.messages);
    return absl::OkStatus();
  }
  std::future<std::vector<SendOutcome>> sms_outcomes;
  try {
    sms_outcomes = std::async(std::launch::async, [&] { return sms_.SendAll(d.sms.messages); });
  } catch (const std::system_error& e) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot start a thread: ", e.what()));
  }
  d.email.outcomes = email_.SendAll(d.email.messages);
  d.sms.outcomes = sms_outcomes.get();
  return absl::OkStatus();
}

void EventProcessor::Decide(Delivery& d, const ChannelBatch& batch, absl::Duration sending) {
  for (size_t k = 0; k < batch.index.size(); ++k) {
    const DeliveryItem& item = d.items[batch.index[k]];
    const OutgoingMessage& m = d.messages[batch.index[k]];
    DeliveryDecision decision = policy_.AfterSending(item, m, batch.outcomes[k]);
    if (decision.log) decision.log->template_language = d.languages[batch.index[k]];
    if (decision.counted == DeliveryOutcome::kSent) {
      d.latencies.Add(absl::ToDoubleSeconds(item.age + sending));
    }
    Apply(d, std::move(decision), m.channel);
  }
}

void EventProcessor::Apply(Delivery& d, DeliveryDecision decision, int channel) {
  if (decision.log) d.records.push_back(std::move(*decision.log));
  if (decision.quarantine) d.quarantine.push_back(std::move(*decision.quarantine));
  if (decision.retry) {
    d.retries.push_back(*decision.retry);
    ++d.errors;
  }
  if (decision.counted) d.tally.Add(channel, *decision.counted);
}

absl::Status EventProcessor::Record(const Delivery& d) {
  absl::Status s = store_.RecordOutcomes(queue_, d.records, d.quarantine, d.retries);
  if (!s.ok() && !d.records.empty()) {
    // The messages went out but their logs did not: the lease makes them go out again later
    // (same Message-ID). Report the run as failed.
    const absl::string_view queue_name = QueueName(queue_);
    logger_.Warn("delivery outcomes not recorded: the lease sends these messages again",
                 {{"queue", queue_name},
                  {"events", static_cast<int64_t>(d.records.size())},
                  {"first_event", d.records.front().event_id},
                  {"error", s.message()}});
  }
  return s;
}

// One line per outcome other than Sent (Sent only at debug level), with the event's id.
void EventProcessor::LogOutcomes(const Delivery& d) {
  const absl::string_view queue_name = QueueName(queue_);
  const bool debug = logger_.Enabled(log::Level::kDebug);
  for (const DeliveryRecord& r : d.records) {
    if (r.status == EventStatus::kSent) {
      if (debug) {
        logger_.Debug("message sent",
                      {{"event", r.event_id}, {"queue", queue_name}, {"message_id", r.message_id}});
      }
      continue;
    }
    logger_.Info("delivery outcome", {{"event", r.event_id},
                                      {"queue", queue_name},
                                      {"status", StatusLabel(r.status)},
                                      {"failure", r.failure_type},
                                      {"reason", r.failure_reason},
                                      {"tries", static_cast<int64_t>(r.tries)}});
  }
}

}  // namespace mc::execution
