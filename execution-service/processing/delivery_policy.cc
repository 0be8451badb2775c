#include "execution-service/processing/delivery_policy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "execution-service/events/address_key.h"

namespace mc::execution {
namespace {

// A final decision: the delivery log of this try.
DeliveryDecision Final(const DeliveryItem& item, const OutgoingMessage& envelope,
                       EventStatus status, std::string type, std::string reason,
                       std::optional<DeliveryOutcome> counted) {
  DeliveryDecision d;
  d.log = DeliveryRecord{item.id,
                         item.event.wished_channel,
                         envelope.address,
                         item.template_id,
                         item.template_version,
                         status,
                         std::move(type),
                         std::move(reason),
                         item.tries + 1,
                         envelope.message_id};
  d.counted = counted;
  return d;
}

}  // namespace

DeliveryPolicy::DeliveryPolicy(Queue queue, DeliveryPolicyOptions options)
    : queue_(queue), options_(std::move(options)) {}

OutgoingMessage DeliveryPolicy::Envelope(const DeliveryItem& item) const {
  OutgoingMessage m;
  m.channel = item.event.wished_channel;
  m.address = std::string(ChannelAddress(item.event));
  m.message_id =
      absl::StrCat("<ev-", QueueName(queue_), "-", item.id, "@", options_.message_id_domain, ">");
  if (options_.return_paths != nullptr && m.channel == static_cast<int>(Channel::kEmail)) {
    m.return_path = options_.return_paths->For(queue_, item.id);
  }
  return m;
}

std::optional<DeliveryDecision> DeliveryPolicy::BeforeSending(
    const DeliveryItem& item, const OutgoingMessage& envelope) const {
  if (item.quarantined) {
    return Final(item, envelope, EventStatus::kIgnoredByDelivery, "",
                 "address in quarantine or deny list", DeliveryOutcome::kIgnored);
  }
  if (item.expired) {
    return Final(item, envelope, EventStatus::kExpired, "soft",
                 absl::StrCat("expiration passed after ", item.tries, " tries"), std::nullopt);
  }
  return std::nullopt;
}

DeliveryDecision DeliveryPolicy::TemplateNotUsable(const DeliveryItem& item,
                                                   const OutgoingMessage& envelope,
                                                   const absl::Status& why) const {
  return Final(item, envelope, EventStatus::kDeliveryFailed, "hard",
               absl::StrCat("template not usable: ", why.message()), DeliveryOutcome::kFailedHard);
}

DeliveryDecision DeliveryPolicy::RenderFailed(const DeliveryItem& item,
                                              const OutgoingMessage& envelope,
                                              const absl::Status& why) const {
  return Final(item, envelope, EventStatus::kDeliveryFailed, "hard",
               absl::StrCat("message not made: ", why.message()), DeliveryOutcome::kFailedHard);
}

DeliveryDecision DeliveryPolicy::NoProvider(const DeliveryItem& item,
                                            const OutgoingMessage& envelope) const {
  return Final(item, envelope, EventStatus::kDeliveryFailed, "hard", "no push provider configured",
               DeliveryOutcome::kFailedHard);
}

DeliveryDecision DeliveryPolicy::AfterSending(const DeliveryItem& item,
                                              const OutgoingMessage& envelope,
                                              const SendOutcome& outcome) const {
  switch (outcome.kind) {
    case SendOutcome::Kind::kSent:
      return Final(item, envelope, EventStatus::kSent, "", "", DeliveryOutcome::kSent);
    case SendOutcome::Kind::kHardFailure: {
      DeliveryDecision d = Final(item, envelope, EventStatus::kDeliveryFailed, "hard",
                                 outcome.reason, DeliveryOutcome::kFailedHard);
      if (outcome.address_rejected) {
        d.quarantine =
            QuarantineEntry{envelope.channel, AddressKey(envelope.channel, envelope.address),
                            outcome.reason, item.id};
      }
      return d;
    }
    case SendOutcome::Kind::kSoftFailure:
      break;
  }
  if (item.tries + 1 >= options_.max_tries) {
    return Final(item, envelope, EventStatus::kExpired, "soft",
                 absl::StrCat("tries exhausted (", item.tries + 1, "): ", outcome.reason),
                 DeliveryOutcome::kFailedSoft);
  }
  DeliveryDecision d;
  d.retry = RetryEntry{.event_id = item.id,
                       .delay = Backoff(item.tries),
                       .try_number = item.tries + 1,
                       .reason = outcome.reason,
                       .address = envelope.address,
                       .message_id = envelope.message_id};
  d.counted = DeliveryOutcome::kFailedSoft;
  return d;
}

absl::Duration DeliveryPolicy::Backoff(int tries) const {
  absl::Duration d = options_.retry_base * (int64_t{1} << std::min(tries, 20));
  return std::min(d, absl::Hours(1));
}

}  // namespace mc::execution
