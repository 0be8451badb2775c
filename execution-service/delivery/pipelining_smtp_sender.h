// PipeliningSmtpSender: email over plain SMTP to a trusted relay, with command pipelining
// (RFC 2920): MAIL, RCPT and DATA go in one write, and a message's content goes in the same
// write as the next message's MAIL, RCPT and DATA, so within a batch a message costs one round
// trip instead of four. One connection, kept open; reopened after an error, or when the relay dropped it
// while idle (the message is then tried on the new connection). Connect and I/O are bounded by
// the timeout. Used when the relay is smtp:// without STARTTLS or login; those go through
// libcurl (SmtpSender). One command at a time when the server does not announce PIPELINING.
//
// Outcomes: 2xx after DATA -> sent; 5xx -> hard failure with the server's reply (marked
// address_rejected only when the reply was to RCPT); 4xx, connection errors, timeouts -> soft
// failure. Not thread-safe: one per thread.
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
  std::string Body(const OutgoingMessage& m) const;

  SmtpOptions options_;
  std::string host_;
  int port_ = 25;
  std::string envelope_from_;
  int fd_ = -1;
  bool pipelining_ = false;
  std::string buffer_;
};

// True when the options can use PipeliningSmtpSender (plain smtp://, no login, no STARTTLS).
bool CanPipeline(const SmtpOptions& options);

}  // namespace mc::execution
