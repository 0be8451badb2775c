// DSN classification: what one recipient's delivery status notification (its Action, its RFC
// 3463 Status, its Diagnostic-Code text) means for the message and for the address. Pure
// policy, no I/O; the caller turns it into a failed attempt and a quarantine entry.
//
//   severity   kHard: the message failed for good (Sent becomes Delivery failed);
//              kSoft: a transient failure, or a permanent one that says nothing final about
//              the address (it counts toward the address's soft errors);
//              kIgnore: not a failure (delivered, relayed, expanded, 2.x.x).
//   quarantine whether the address itself is undeliverable (quarantined as hard).
//   rule       the table row that decided, for logs and tests.
//
// The table, first match wins. Codes: the Status field; when it is missing or garbage, the
// first code in the diagnostic; when it is generic (X.0.0, or X.Y.0) and the diagnostic holds
// a more precise code of the same class (and subject), that one (Exim, for one, writes
// "Status: 5.0.0" for the remote's "550 5.1.1 ..."). "text" rows look at the diagnostic:
// names-address (below) makes them hard + quarantine, mailbox-full makes them soft.
//
//   Action delivered, relayed, expanded   ignore
//   Action delayed                        soft (whatever the code)
//   2.x.x                                 ignore
//   4.x.x                                 soft
//   5.1.1  bad destination mailbox        hard, quarantine
//   5.1.2  bad destination system         hard, quarantine (the domain does not exist)
//   5.1.3  bad destination address syntax hard, quarantine
//   5.1.6  destination mailbox has moved  hard, quarantine
//   5.1.10 recipient domain has a null MX hard, quarantine (RFC 7505)
//   5.1.7, 5.1.8 bad sender address       hard (our return path was refused: not the
//                                         recipient's fault, never a quarantine)
//   5.1.x  other address status           hard, text (names-address only)
//   5.2.1  mailbox disabled               hard, quarantine
//   5.2.2  mailbox full                   soft
//   5.2.3  message too large              hard (this message, not the address)
//   5.2.x  other mailbox status           hard, text
//   5.3.1  mail system full               soft
//   5.3.x  destination mail system        hard
//   5.4.3  directory server failure       soft (DNS trouble passes)
//   5.4.4  unable to route                hard, quarantine (no such host: the domain has no
//                                         MX and no address, so no mail to it can arrive)
//   5.4.7  delivery time expired          soft (the host was down for days; the address may
//                                         be fine)
//   5.4.x  network and routing            hard
//   5.5.x  protocol                       hard, text (some servers say "550 5.5.0 ... user
//                                         unknown")
//   5.6.x  content or media               hard
//   5.7.13 user account disabled          hard, quarantine (RFC 7372)
//   5.7.x  security or policy             hard, text (names-address only: a policy refusal
//                                         such as a blocklist or DMARC is about us, not the
//                                         address)
//   5.x.x  other (5.0.0 ...)              hard, text
//   no code                               text; else a basic SMTP reply code at the start of
//                                         the diagnostic: 5xx hard, 4xx soft; else soft
//
// names-address: the diagnostic (any case, spaces collapsed) says the recipient does not
// exist or is disabled: "user unknown", "unknown user", "no such user", "user not found",
// "unknown recipient", "recipient unknown", "recipient not found", "recipientnotfound"
// (Exchange's RESOLVER.ADR.RecipientNotFound), "no such recipient", "invalid recipient",
// "recipient rejected", "no such mailbox", "mailbox not found", "does not exist", "doesn't
// exist", "no mailbox here by that name" (qmail), "unrouteable address" (Exim), "account
// disabled", "account is disabled", "account has been disabled", "mailbox disabled",
// "mailbox is disabled"; but never when it speaks of the sender ("sender", "mail from",
// "return path"): "Sender domain does not exist" is our problem, not the recipient's.
// The literal address in the text does not count (policy refusals quote it too).
// mailbox-full: "mailbox full", "mailbox is full", "quota", "insufficient storage",
// "out of storage".
//
// Pure, thread-safe.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "execution-service/bounces/enhanced_status.h"

namespace mc::execution {

enum class BounceSeverity { kHard, kSoft, kIgnore };

struct DsnClassification {
  BounceSeverity severity = BounceSeverity::kSoft;
  bool quarantine = false;
  std::optional<EnhancedStatus> status;  // the code that decided; nullopt when there was none
  absl::string_view rule;                // a static string: the table row
};

// `action` and `status` as in the DSN fields (any case, spaces around allowed; an empty action
// is taken as "failed", as an old-style bounce has none).
DsnClassification ClassifyDsn(absl::string_view action, absl::string_view status,
                              absl::string_view diagnostic);

// The text tests of the table, exposed for the report parser and for tests.
bool DiagnosticNamesAddress(absl::string_view diagnostic);
bool DiagnosticSaysMailboxFull(absl::string_view diagnostic);

// "hard", "soft", "ignore".
absl::string_view BounceSeverityName(BounceSeverity severity);

}  // namespace mc::execution
