// SmtpSender: email over SMTP to a relay, with libcurl. One connection, kept open and reused
// from message to message; STARTTLS when `starttls` (required then: no clear-text fallback).
//
// Outcomes: 2xx after DATA -> sent; a permanent 5xx reply (e.g. 550 at RCPT) -> hard failure,
// with the server's reply; 4xx, a connection or timeout error -> soft failure (retry later).
// Not thread-safe: one per thread (see SenderPool).
#pragma once

#include <string>

#include "execution-service/delivery/message.h"

typedef void CURL;

namespace mc::execution {

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp://host:port (smtps:// for implicit TLS)
  std::string from = "Message Center <noreply@localhost>";
  std::string username;
  std::string password;
  bool starttls = false;
  int timeout_ms = 20000;
};

class SmtpSender final : public MessageSender {
 public:
  explicit SmtpSender(SmtpOptions options);
  ~SmtpSender() override;
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  SendOutcome Send(const OutgoingMessage& message) override;

 private:
  SmtpOptions options_;
  std::string envelope_from_;
  CURL* curl_;
};

// The address inside "Name <addr@x>" (or the whole text when there are no brackets).
std::string EnvelopeAddress(const std::string& from);

}  // namespace mc::execution
