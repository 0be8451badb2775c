// A message ready for its channel, and what became of it. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mc::execution {

struct OutgoingMessage {
  int channel = 0;      // Channel value
  std::string address;  // email, phone number or device token
  // "<ev-rt-42@domain>" (real-time) or "<ev-batch-42@domain>": stable per event, so a re-send
  // is recognisable.
  std::string message_id;
  // The envelope sender (SMTP MAIL FROM, the return path bounces go to), without <>: a signed
  // VERP address naming this message (bounces/verp.h) when a bounce domain is configured;
  // empty: the sender's own, from --smtp_from. The header From: never changes with it.
  std::string return_path;
  std::string subject;
  std::string html;
  std::string text;
  std::string sms;
};

struct SendOutcome {
  enum class Kind { kSent, kHardFailure, kSoftFailure };
  Kind kind = Kind::kSent;
  std::string reason;  // the server's words on failure
  // A hard failure that names the address itself (SMTP 5xx to RCPT, a refused phone number):
  // only then does the address go into quarantine.
  bool address_rejected = false;
};

// Sends one message at a time on its own connection(s). Not required to be thread-safe: each
// sender belongs to one thread of a SenderPool.
class MessageSender {
 public:
  virtual ~MessageSender() = default;
  virtual SendOutcome Send(const OutgoingMessage& message) = 0;
  // Sends several messages; senders that can pipeline override it. outcomes[i] is messages[i]'s.
  virtual std::vector<SendOutcome> SendMany(const std::vector<const OutgoingMessage*>& messages) {
    std::vector<SendOutcome> out;
    out.reserve(messages.size());
    for (const OutgoingMessage* m : messages) out.push_back(Send(*m));
    return out;
  }
  // How many messages SendMany sends in one round trip (1: one message per round trip at best).
  virtual size_t GroupSize() const { return 1; }
};

}  // namespace mc::execution
