// DeliveryPolicy: the delivery rules of DOMAIN.md section 4 for one claimed event, apart from
// storage, rendering and sending. From a claimed item (and, once it was sent, its send outcome)
// to a decision:
//  - address in quarantine or on the deny list (DeliveryItem::quarantined) -> log "Ignored by
//    the delivery", nothing sent;
//  - expiration passed between two tries (DeliveryItem::expired) -> log "Expired" (soft);
//  - template not usable, channel without a provider -> log "Delivery failed" (hard);
//  - sent -> log "Sent";
//  - hard failure -> log "Delivery failed" (hard, the server's reason); the address's key goes
//    into quarantine only when the refusal names the address (SendOutcome::address_rejected);
//  - soft failure -> tried again after Backoff(tries) (retry_base * 2^tries, at most an hour)
//    while tries remain, the last of --max_tries -> log "Expired" (soft, the last reason).
// Every log records the try it ends (tries + 1). Envelope() is the message's address (the one
// its wished channel uses, events/address_key.h), Message-ID and, for an email, its return path.
// Failure modes: none. Pure; immutable after construction: thread-safe.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "execution-service/delivery/message.h"
#include "execution-service/delivery/return_paths.h"
#include "execution-service/events/event.h"
#include "execution-service/metrics/execution_metrics.h"
#include "execution-service/processing/delivery_store.h"

namespace mc::execution {

struct DeliveryPolicyOptions {
  int max_tries = 5;
  absl::Duration retry_base = absl::Seconds(30);
  std::string message_id_domain = "messagecenter.local";
  // Each email's return path (null: the sender's own). Not owned; outlives the policy.
  const ReturnPaths* return_paths = nullptr;
};

// What becomes of one claimed event: a final delivery log, or a retry (never both).
struct DeliveryDecision {
  std::optional<DeliveryRecord> log;          // final: the event's delivery log
  std::optional<QuarantineEntry> quarantine;  // the address's key goes into quarantine
  std::optional<RetryEntry> retry;            // not final: tried again after retry->delay
  // Counted in mc_delivery_outcomes_total; none for an expiration that passed before this try.
  std::optional<DeliveryOutcome> counted;
};

class DeliveryPolicy {
 public:
  DeliveryPolicy(Queue queue, DeliveryPolicyOptions options);

  // The message as its channel addresses it: channel, address, Message-ID
  // ("<ev-rt-42@domain>" or "<ev-batch-42@domain>"); nothing rendered yet.
  OutgoingMessage Envelope(const DeliveryItem& item) const;

  // Before rendering: Ignored (quarantine, deny list) or Expired; nullopt: render and send.
  std::optional<DeliveryDecision> BeforeSending(const DeliveryItem& item,
                                                const OutgoingMessage& envelope) const;
  // Cannot be sent: its template cannot be used (`why`, not UNAVAILABLE: that is tried again
  // by the next run), or its channel has no provider (push).
  // Cannot be sent: its message could not be made for it (its template's code failed, an
  // attachment is missing or refused: `why`): Delivery failed, hard, no quarantine.
  DeliveryDecision RenderFailed(const DeliveryItem& item, const OutgoingMessage& envelope,
                                const absl::Status& why) const;
  DeliveryDecision TemplateNotUsable(const DeliveryItem& item, const OutgoingMessage& envelope,
                                     const absl::Status& why) const;
  DeliveryDecision NoProvider(const DeliveryItem& item, const OutgoingMessage& envelope) const;
  // What the send's outcome makes of the event.
  DeliveryDecision AfterSending(const DeliveryItem& item, const OutgoingMessage& envelope,
                                const SendOutcome& outcome) const;

  // The wait before the next try after `tries` tries already made (before this one failed).
  absl::Duration Backoff(int tries) const;

 private:
  const Queue queue_;
  const DeliveryPolicyOptions options_;
};

}  // namespace mc::execution
