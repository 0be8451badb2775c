#include "execution-service/inbound/smtp_session.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace mc::execution {

std::string PathAddress(absl::string_view argument) {
  const size_t open = argument.find('<');
  const size_t close = argument.find('>', open == absl::string_view::npos ? 0 : open);
  if (open == absl::string_view::npos || close == absl::string_view::npos) return "";
  return std::string(absl::StripAsciiWhitespace(argument.substr(open + 1, close - open - 1)));
}

bool OnDomain(absl::string_view address, absl::string_view domain) {
  const size_t at = address.rfind('@');
  return at != absl::string_view::npos && !domain.empty() &&
         absl::EqualsIgnoreCase(address.substr(at + 1), domain);
}

SmtpSession::SmtpSession(const SmtpSessionOptions& options, Deliver deliver)
    : options_(options), deliver_(std::move(deliver)) {}

std::string SmtpSession::Greeting() const {
  return absl::StrCat("220 ", options_.hostname, " ESMTP ready\r\n");
}

void SmtpSession::Reset() {
  has_sender_ = false;
  in_data_ = false;
  too_big_ = false;
  mail_ = InboundMail{};
}

bool SmtpSession::OnLine(absl::string_view line, std::string* reply) {
  if (in_data_) {
    if (line == ".") {
      absl::StrAppend(reply, EndOfData());
      return true;
    }
    if (absl::StartsWith(line, ".")) line.remove_prefix(1);  // dot-unstuffing
    if (mail_.data.size() + line.size() + 2 > options_.max_message_bytes) {
      too_big_ = true;
      mail_.data.clear();
      mail_.data.shrink_to_fit();
    }
    if (!too_big_) absl::StrAppend(&mail_.data, line, "\r\n");
    return true;
  }
  bool close = false;
  absl::StrAppend(reply, Command(line, &close));
  return !close;
}

std::string SmtpSession::Refuse(absl::string_view reply, bool* close) {
  if (++refused_ >= options_.max_refused_commands) {
    *close = true;
    return "421 4.7.0 too many errors, closing\r\n";
  }
  return std::string(reply);
}

std::string SmtpSession::Command(absl::string_view line, bool* close) {
  const std::string upper = absl::AsciiStrToUpper(line.substr(0, 10));
  const auto verb = [&](absl::string_view v) { return absl::StartsWith(upper, v); };
  if (verb("EHLO") || verb("HELO")) {
    Reset();
    greeted_ = true;
    if (verb("HELO")) return absl::StrCat("250 ", options_.hostname, "\r\n");
    return absl::StrCat("250-", options_.hostname, "\r\n250-PIPELINING\r\n250-SIZE ",
                        options_.max_message_bytes,
                        "\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n");
  }
  if (verb("MAIL FROM:")) {
    if (!greeted_) return Refuse("503 5.5.1 EHLO first\r\n", close);
    if (has_sender_) return Refuse("503 5.5.1 sender already given\r\n", close);
    const absl::string_view argument = line.substr(10);
    const size_t size_at = absl::AsciiStrToUpper(argument).find("SIZE=");
    if (size_at != std::string::npos) {
      size_t size = 0;
      absl::string_view digits = argument.substr(size_at + 5);
      digits = digits.substr(0, digits.find(' '));
      if (absl::SimpleAtoi(digits, &size) && size > options_.max_message_bytes) {
        return Refuse("552 5.3.4 message size exceeds the limit\r\n", close);
      }
    }
    mail_.mail_from = PathAddress(argument);
    has_sender_ = true;
    return "250 2.1.0 Ok\r\n";
  }
  if (verb("RCPT TO:")) {
    if (!has_sender_) return Refuse("503 5.5.1 MAIL first\r\n", close);
    const std::string address = PathAddress(line.substr(8));
    if (!OnDomain(address, options_.domain)) {
      return Refuse("550 5.7.1 relaying denied: not a bounce address of this domain\r\n", close);
    }
    if (mail_.recipients.size() >= options_.max_recipients) {
      return Refuse("452 4.5.3 too many recipients\r\n", close);
    }
    mail_.recipients.push_back(address);
    return "250 2.1.5 Ok\r\n";
  }
  if (verb("DATA")) {
    if (mail_.recipients.empty()) return Refuse("503 5.5.1 RCPT first\r\n", close);
    in_data_ = true;
    return "354 End data with <CR><LF>.<CR><LF>\r\n";
  }
  if (verb("RSET")) {
    Reset();
    return "250 2.0.0 Ok\r\n";
  }
  if (verb("NOOP")) return "250 2.0.0 Ok\r\n";
  if (verb("VRFY")) return "252 2.5.2 cannot verify\r\n";
  if (verb("QUIT")) {
    *close = true;
    return "221 2.0.0 Bye\r\n";
  }
  return Refuse("502 5.5.2 command not recognised\r\n", close);
}

std::string SmtpSession::EndOfData() {
  std::string reply;
  if (too_big_) {
    reply = "552 5.3.4 message size exceeds the limit\r\n";
  } else if (absl::Status s = deliver_(mail_); s.ok()) {
    reply = "250 2.0.0 Ok: accepted\r\n";
  } else {
    reply = "451 4.3.0 temporary failure, try again later\r\n";
  }
  Reset();
  return reply;
}

}  // namespace mc::execution
