#include "execution-service/processing/event_processor.h"

#include <algorithm>
#include <future>

#include "absl/strings/str_cat.h"
#include "execution-service/events/address_key.h"

namespace mc::execution {

EventProcessor::EventProcessor(Queue queue, ProcessingRepository& repository,
                               TemplateCatalog& templates, SenderPool& email, SenderPool& sms,
                               ProcessorOptions options, pg::Listener* listener,
                               std::function<void()> delivered, ExecutionMetrics& metrics,
                               log::Logger& logger)
    : queue_(queue),
      repository_(repository),
      templates_(templates),
      email_(email),
      sms_(sms),
      options_(std::move(options)),
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

absl::Duration EventProcessor::Backoff(int tries) const {
  absl::Duration d = options_.retry_base * (int64_t{1} << std::min(tries, 20));
  return std::min(d, absl::Hours(1));
}

absl::StatusOr<JobRun> EventProcessor::RunOnce() {
  absl::StatusOr<RouteResult> routed =
      repository_.ClaimAndRoute(queue_, options_.batch_size, options_.lease);
  if (!routed.ok()) return routed.status();
  const absl::Time claimed_at = absl::Now();
  metrics_.EventsFinished(queue_, EventStatus::kNotTakenIntoAccount, routed->not_taken);
  metrics_.EventsFinished(queue_, EventStatus::kExpired, routed->expired);
  JobRun run;
  run.processed = routed->claimed;
  run.more = routed->claimed == options_.batch_size ||
             static_cast<int>(routed->to_deliver.size()) >= options_.batch_size;
  if (routed->to_deliver.empty()) return run;

  std::vector<DeliveryItem>& items = routed->to_deliver;
  std::vector<OutgoingMessage> messages(items.size());
  std::vector<DeliveryRecord> records;
  std::vector<QuarantineEntry> quarantine;
  std::vector<RetryEntry> retries;
  std::vector<size_t> email_index, sms_index;
  std::vector<const OutgoingMessage*> email_batch, sms_batch;
  ExecutionMetrics::OutcomeTally tally;
  metrics::HistogramBatch latencies(metrics_.latency_buckets());

  auto record = [&](const DeliveryItem& item, const OutgoingMessage& m, EventStatus status,
                    std::string type, std::string reason) {
    records.push_back({item.id, item.event.wished_channel, m.address, item.template_id,
                       item.template_version, status, std::move(type), std::move(reason),
                       item.tries + 1, m.message_id});
  };

  for (size_t i = 0; i < items.size(); ++i) {
    const DeliveryItem& item = items[i];
    const NewEvent& e = item.event;
    OutgoingMessage& m = messages[i];
    m.channel = e.wished_channel;
    m.address = std::string(ChannelAddress(e));
    m.message_id =
        absl::StrCat("<ev-", QueueName(queue_), "-", item.id, "@", options_.message_id_domain, ">");
    if (item.quarantined) {
      record(item, m, EventStatus::kIgnoredByDelivery, "", "address in quarantine or deny list");
      tally.Add(m.channel, DeliveryOutcome::kIgnored);
      continue;
    }
    if (item.expired) {
      record(item, m, EventStatus::kExpired, "soft",
             absl::StrCat("expiration passed after ", item.tries, " tries"));
      continue;
    }
    absl::StatusOr<std::shared_ptr<const CompiledTemplate>> t = templates_.Get(item.template_id);
    if (!t.ok()) {
      if (t.status().code() == absl::StatusCode::kUnavailable) return t.status();
      record(item, m, EventStatus::kDeliveryFailed, "hard",
             absl::StrCat("template not usable: ", t.status().message()));
      tally.Add(m.channel, DeliveryOutcome::kFailedHard);
      continue;
    }
    nlohmann::json ctx = nlohmann::json::parse(e.ctx_json, nullptr, /*allow_exceptions=*/false);
    RenderedMessage r = (*t)->Render({.id = item.id, .event = &e, .ctx = &ctx});
    m.subject = std::move(r.subject);
    m.html = std::move(r.html);
    m.text = std::move(r.text);
    m.sms = std::move(r.sms);
    if (m.channel == 0) {
      email_index.push_back(i);
      email_batch.push_back(&m);
    } else if (m.channel == 1) {
      sms_index.push_back(i);
      sms_batch.push_back(&m);
    } else {
      record(item, m, EventStatus::kDeliveryFailed, "hard", "no push provider configured");
      tally.Add(m.channel, DeliveryOutcome::kFailedHard);
    }
  }

  // Email and SMS at once; each pool has its own threads.
  std::vector<SendOutcome> email_outcomes, sms_results;
  if (!sms_batch.empty() && !email_batch.empty()) {
    std::future<std::vector<SendOutcome>> sms_outcomes;
    try {
      sms_outcomes = std::async(std::launch::async, [&] { return sms_.SendAll(sms_batch); });
    } catch (const std::system_error& e) {
      return absl::ResourceExhaustedError(absl::StrCat("cannot start a thread: ", e.what()));
    }
    email_outcomes = email_.SendAll(email_batch);
    sms_results = sms_outcomes.get();
  } else {
    email_outcomes = email_.SendAll(email_batch);
    sms_results = sms_.SendAll(sms_batch);
  }
  const absl::Duration sending = absl::Now() - claimed_at;

  auto apply = [&](const std::vector<size_t>& index, const std::vector<SendOutcome>& outcomes) {
    for (size_t k = 0; k < index.size(); ++k) {
      const DeliveryItem& item = items[index[k]];
      const OutgoingMessage& m = messages[index[k]];
      const SendOutcome& o = outcomes[k];
      switch (o.kind) {
        case SendOutcome::Kind::kSent:
          record(item, m, EventStatus::kSent, "", "");
          tally.Add(m.channel, DeliveryOutcome::kSent);
          latencies.Add(absl::ToDoubleSeconds(item.age + sending));
          break;
        case SendOutcome::Kind::kHardFailure:
          record(item, m, EventStatus::kDeliveryFailed, "hard", o.reason);
          tally.Add(m.channel, DeliveryOutcome::kFailedHard);
          if (o.address_rejected) {
            quarantine.push_back({m.channel, AddressKey(m.channel, m.address), o.reason});
          }
          break;
        case SendOutcome::Kind::kSoftFailure:
          tally.Add(m.channel, DeliveryOutcome::kFailedSoft);
          if (item.tries + 1 >= options_.max_tries) {
            record(item, m, EventStatus::kExpired, "soft",
                   absl::StrCat("tries exhausted (", item.tries + 1, "): ", o.reason));
          } else {
            retries.push_back({item.id, Backoff(item.tries)});
            ++run.errors;
          }
          break;
      }
    }
  };
  apply(email_index, email_outcomes);
  apply(sms_index, sms_results);

  const absl::string_view queue_name = QueueName(queue_);
  const std::string_view queue_label(queue_name.data(), queue_name.size());
  if (absl::Status s = repository_.RecordOutcomes(queue_, records, quarantine, retries); !s.ok()) {
    // The messages went out but their logs did not: the lease makes them go out again later
    // (same Message-ID). Report the run as failed.
    if (!records.empty()) {
      logger_.Warn("delivery outcomes not recorded: the lease sends these messages again",
                   {{"queue", queue_label},
                    {"events", static_cast<int64_t>(records.size())},
                    {"first_event", records.front().event_id},
                    {"error", s.message()}});
    }
    return s;
  }
  // One line per outcome other than Sent (Sent only at debug level), with the event's id.
  const bool debug = logger_.Enabled(log::Level::kDebug);
  for (const DeliveryRecord& r : records) {
    if (r.status == EventStatus::kSent) {
      if (debug) {
        logger_.Debug(
            "message sent",
            {{"event", r.event_id}, {"queue", queue_label}, {"message_id", r.message_id}});
      }
      continue;
    }
    const absl::string_view status = StatusLabel(r.status);
    logger_.Info("delivery outcome", {{"event", r.event_id},
                                      {"queue", queue_label},
                                      {"status", std::string_view(status.data(), status.size())},
                                      {"failure", r.failure_type},
                                      {"reason", r.failure_reason},
                                      {"tries", static_cast<int64_t>(r.tries)}});
  }
  run.processed += static_cast<int64_t>(records.size());
  metrics_.DeliveryOutcomes(tally);
  metrics_.ObserveDeliveryLatency(queue_, latencies);
  if (!records.empty() && delivered_) delivered_();
  return run;
}

}  // namespace mc::execution
