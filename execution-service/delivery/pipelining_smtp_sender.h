// PipeliningSmtpSender: email over plain SMTP to a trusted relay, with command pipelining
// (RFC 2920). One connection, kept open; reopened after an error, or when the relay dropped it
// while idle (the messages are then tried on the new connection). Connect and I/O are bounded
// by the timeout. Used when the relay is smtp:// without STARTTLS or login; those go through
// libcurl (SmtpSender). Three ways, by what the relay announces:
//  - PIPELINING and CHUNKING (RFC 3030, e.g. Postfix >= 3.4): up to 64 messages (1 MiB) go in
//    one write, each as RSET, MAIL, RCPT and "BDAT <size> LAST" with its content; then all the
//    replies are read: one round trip for the group;
//  - PIPELINING only: MAIL, RCPT and DATA in one write, and a message's content in the same
//    write as the next message's MAIL, RCPT and DATA: one round trip per message;
//  - neither: one command at a time.
//
// Outcomes: 2xx at the end of the content -> sent; 5xx -> hard failure with the server's reply
// (marked address_rejected only when the reply was to RCPT); 4xx, connection errors, timeouts
// -> soft failure (a message whose content went out but whose reply was lost may have been
// delivered: sent again later, it has the same Message-ID). Not thread-safe: one per thread.
#pragma once

#include <string>
#include <vector>

#include "execution-service/delivery/message.h"
#include "execution-service/delivery/smtp_sender.h"

namespace mc::execution {

class PipeliningSmtpSender final : public MessageSender {
 public:
  // options.url must be smtp://host[:port].
  explicit PipeliningSmtpSender(SmtpOptions options);
  ~PipeliningSmtpSender() override;
  PipeliningSmtpSender(const PipeliningSmtpSender&) = delete;
  PipeliningSmtpSender& operator=(const PipeliningSmtpSender&) = delete;

  SendOutcome Send(const OutgoingMessage& message) override;
  std::vector<SendOutcome> SendMany(const std::vector<const OutgoingMessage*>& messages) override;
  // The BDAT group once the relay announced CHUNKING (known after the first connection).
  size_t GroupSize() const override { return chunking_ ? kMaxGroup : 1; }
  static constexpr size_t kMaxGroup = 64;

 private:
  struct Reply {
    int code = 0;  // 0: connection lost or timed out
    std::string text;
  };
  bool Connect(std::string* error);
  void Close();
  bool Write(const std::string& data);
  Reply ReadReply();
  std::string Envelope(const OutgoingMessage& m) const;
  // The message's return path, else the sender's own.
  const std::string& EnvelopeFrom(const OutgoingMessage& m) const {
    return m.return_path.empty() ? envelope_from_ : m.return_path;
  }
  std::string Body(const OutgoingMessage& m) const;
  // Sends messages[begin...] as one group (RFC 3030 BDAT) on the open connection, fills their
  // outcomes and returns the index after the group. Sets *again (and returns begin) when a
  // reused connection turned out closed before the first reply: the caller reconnects.
  size_t SendChunked(const std::vector<const OutgoingMessage*>& messages, size_t begin, bool reused,
                     std::vector<SendOutcome>& out, bool* again);

  SmtpOptions options_;
  std::string host_;
  int port_ = 25;
  std::string envelope_from_;
  int fd_ = -1;
  bool pipelining_ = false;
  bool chunking_ = false;  // PIPELINING and CHUNKING both announced
  std::string buffer_;
};

// True when the options can use PipeliningSmtpSender (plain smtp://, no login, no STARTTLS).
bool CanPipeline(const SmtpOptions& options);

}  // namespace mc::execution
