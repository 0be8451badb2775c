// A message ready for its channel, and what became of it. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mc::execution {

// A file attached to an email (mime.h writes it as a part of a multipart/mixed message).
struct Attachment {
  std::string filename;      // as the recipient sees it; UTF-8
  std::string content_type;  // "application/pdf"; empty or not a media type: octet-stream
  std::string content;       // the raw bytes
};

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
  // The header From: mailbox, rendered ("Brand <news@brand.test>"); empty: the sender's own,
  // from --smtp_from. Never changes the envelope (return_path, else --smtp_from's address).
  std::string from;
  std::string reply_to;  // the Reply-To: mailbox, rendered; empty: none
  // Custom header fields: name and rendered value, written in this order as unstructured
  // fields (header_encoder.h). A name CheckHeaderName refuses (common/mail/mail_field_checks.h: not
  // ftext, or a field the message writes itself) is left out.
  std::vector<std::pair<std::string, std::string>> headers;
  // The List-Unsubscribe value (RFC 2369), e.g. "<https://brand.test/u/1>,
  // <mailto:u@brand.test>"; empty: none.
  std::string list_unsubscribe;
  // Adds "List-Unsubscribe-Post: List-Unsubscribe=One-Click" (RFC 8058), only when
  // list_unsubscribe holds an https URI.
  bool list_unsubscribe_post = false;
  std::string subject;
  std::string html;
  std::string text;
  std::string sms;
  // Email only: with any, the message is multipart/mixed: the body first, then one part each.
  std::vector<Attachment> attachments;
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
