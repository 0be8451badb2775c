// SendMail: a minimal SMTP client for end-to-end tests, standing in for the MTA that hands a
// bounce or a complaint to the bounce listener: EHLO, MAIL FROM, one RCPT TO per recipient,
// DATA (dot-stuffed, CRLF line ends), QUIT, over plain TCP on loopback, one command at a time.
// Returns the last reply of the conversation that decided (the end of DATA's on success, the
// first refusal otherwise) as "<code> <text>"; UNAVAILABLE when the connection fails. A 10 s
// timeout on every read. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace mc::e2e {

struct SmtpReply {
  int code = 0;
  std::string text;  // the reply's lines, joined by "\n"
};

[[nodiscard]] absl::StatusOr<SmtpReply> SendMail(int port, const std::string& mail_from,
                                                 const std::vector<std::string>& recipients,
                                                 const std::string& data);

}  // namespace mc::e2e
