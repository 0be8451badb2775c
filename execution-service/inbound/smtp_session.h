// SmtpSession: the server side of one SMTP conversation of the bounce listener (RFC 5321), as
// a state machine apart from the socket: the server feeds it each line the client sent and
// writes back what it answers. Commands: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY (252),
// QUIT; PIPELINING is announced (answers come in order; the server sends them before it waits
// for more input) and SIZE. No AUTH, no STARTTLS: the listener receives what the bounce
// domain's MX (or a relay in front of it) hands over; see README, "Bounces".
//
// Only recipients on the bounce domain are accepted (any local part, the domain compared
// without case): it is never an open relay. A message's end hands it to `deliver`:
//  - OK -> "250 2.0.0" (also for reports that turn out unusable: they are counted and dropped,
//    never bounced back, which would be backscatter);
//  - any error (the database unreachable) -> "451 4.3.0": the sending MTA keeps it and tries
//    again later, so nothing is lost.
// Limits: --bounce_max_message_bytes per message (beyond: "552 5.3.4", the rest of the data is
// read and dropped), 16 recipients per message, 20 refused commands per connection (then
// "421" and the connection closes).
// Not thread-safe: one session per connection, used by its thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "execution-service/inbound/inbound_mail.h"

namespace mc::execution {

struct SmtpSessionOptions {
  std::string hostname = "mc-bounces";  // the name in the greeting and the EHLO reply
  std::string domain;                   // the bounce domain: the only one accepted in RCPT
  size_t max_message_bytes = 10 << 20;
  size_t max_recipients = 16;
  int max_refused_commands = 20;
};

class SmtpSession {
 public:
  using Deliver = std::function<absl::Status(const InboundMail&)>;
  SmtpSession(const SmtpSessionOptions& options, Deliver deliver);

  // "220 <hostname> ESMTP ready\r\n"
  std::string Greeting() const;
  // One line from the client, without its CRLF. Appends the reply, if any (none while data is
  // read), to *reply. Returns false when the connection must close after the reply (QUIT, too
  // many refused commands).
  bool OnLine(absl::string_view line, std::string* reply);

 private:
  void Reset();
  std::string Command(absl::string_view line, bool* close);
  std::string EndOfData();
  std::string Refuse(absl::string_view reply, bool* close);

  const SmtpSessionOptions& options_;
  Deliver deliver_;
  bool greeted_ = false;
  bool has_sender_ = false;
  bool in_data_ = false;
  bool too_big_ = false;
  int refused_ = 0;
  InboundMail mail_;
};

// The address inside "<...>" of a MAIL FROM / RCPT TO argument ("" when there is none), and
// whether `address` is on `domain` (case-insensitive, the part after the last '@').
std::string PathAddress(absl::string_view argument);
bool OnDomain(absl::string_view address, absl::string_view domain);

}  // namespace mc::execution
