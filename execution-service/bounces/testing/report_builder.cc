#include "execution-service/bounces/testing/report_builder.h"

#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/text/fnv1a.h"

namespace mc::execution::testing {
namespace {

// Addresses from the documentation ranges (RFC 5737): the recipient's server and our sender.
constexpr absl::string_view kRemoteIp = "192.0.2.25";
constexpr absl::string_view kOurIp = "198.51.100.7";
constexpr absl::string_view kOurHost = "mta-1.mc.test";

// FNV-1a 64: ids and boundaries that follow from the spec, the same on every run.
uint64_t SpecHash(const BounceSpec& spec, absl::string_view salt) {
  return text::Fnv1a64(absl::StrCat(salt, "\n", spec.to, "\n", spec.original_recipient, "\n",
                                    spec.original_message_id, "\n", spec.status, "\n",
                                    spec.diagnostic));
}

std::string Hex(uint64_t value, int digits, bool upper) {
  std::string out = absl::StrFormat("%016x", value);
  out = out.substr(out.size() - static_cast<size_t>(digits));
  if (upper) absl::AsciiStrToUpper(&out);
  return out;
}

// A UUID-shaped id (Exchange's boundaries and Message-IDs).
std::string Uuid(uint64_t a, uint64_t b) {
  const std::string x = Hex(a, 16, false);
  const std::string y = Hex(b, 16, false);
  return absl::StrCat(x.substr(0, 8), "-", x.substr(8, 4), "-", x.substr(12, 4), "-",
                      y.substr(0, 4), "-", y.substr(4, 12));
}

// Base 62, as Exim writes its message ids.
std::string Base62(uint64_t value, int digits) {
  constexpr absl::string_view kDigits =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[value % 62];
    value /= 62;
  }
  return out;
}

absl::string_view Domain(absl::string_view address) {
  const size_t at = address.rfind('@');
  return at == absl::string_view::npos ? absl::string_view("example.test") : address.substr(at + 1);
}

absl::string_view LocalPart(absl::string_view address) {
  const size_t at = address.rfind('@');
  return at == absl::string_view::npos ? address : address.substr(0, at);
}

std::string RemoteHost(const BounceSpec& spec) {
  return absl::StrCat("mail.", Domain(spec.original_recipient));
}

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// A header field's unstructured text: as is when ASCII, else RFC 2047 B-encoded words of at
// most 45 bytes each (never splitting a UTF-8 sequence), one per folded line.
std::string HeaderText(absl::string_view text) {
  if (IsAscii(text)) return std::string(text);
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    words.push_back(
        absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text.substr(start, end - start)), "?="));
    start = end;
  }
  return absl::StrJoin(words, "\n ");
}

// Word-wraps one line at `width` columns; continuation lines begin with `indent` (folding, for
// a header field; Postfix's notice text likewise).
std::string Wrap(absl::string_view line, absl::string_view indent, size_t width) {
  std::string out;
  std::string current;
  bool first_word = true;
  for (absl::string_view word : absl::StrSplit(line, ' ')) {
    if (!first_word && current.size() + 1 + word.size() > width &&
        !absl::StripAsciiWhitespace(current).empty() && !word.empty()) {
      absl::StrAppend(&out, current, "\n");
      current = absl::StrCat(indent, word);
      continue;
    }
    absl::StrAppend(&current, first_word ? "" : " ", word);
    first_word = false;
  }
  absl::StrAppend(&out, current);
  return out;
}

// Quoted-printable (RFC 2045 6.7) of LF-separated text: hard line breaks kept, soft breaks so
// that no line passes 76 characters.
std::string QuotedPrintable(absl::string_view text) {
  std::string out;
  size_t column = 0;
  auto emit = [&](absl::string_view piece) {
    if (column + piece.size() > 75) {
      out += "=\n";
      column = 0;
    }
    out.append(piece.data(), piece.size());
    column += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += '\n';
      column = 0;
      continue;
    }
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n';
    if (c == '=' || c > 126 || (c < 32 && c != '\t') || ((c == ' ' || c == '\t') && at_line_end)) {
      emit(absl::StrFormat("=%02X", c));
    } else {
      const char plain = static_cast<char>(c);
      emit(absl::string_view(&plain, 1));
    }
  }
  return out;
}

// Base64 in lines of 76 characters.
std::string Base64Lines(absl::string_view bytes) {
  const std::string encoded = absl::Base64Escape(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, absl::string_view(encoded).substr(i, 76), "\n");
  }
  return out;
}

// LF to CRLF (a CRLF already there stays one).
std::string Crlf(absl::string_view text) {
  return absl::StrReplaceAll(absl::StrReplaceAll(text, {{"\r\n", "\n"}}), {{"\n", "\r\n"}});
}

std::string Bracketed(absl::string_view id) { return absl::StrCat("<", id, ">"); }

// What the recipient's server answered, as a remote MTA words it (Postfix, Dovecot and the
// like), for the reporting MTA to quote.
std::string GenericReply(const BounceSpec& spec) {
  if (!spec.diagnostic.empty()) return spec.diagnostic;
  const std::string rcpt = Bracketed(spec.original_recipient);
  const absl::string_view s = spec.status;
  if (s == "5.1.1") {
    return absl::StrCat("550 5.1.1 ", rcpt,
                        ": Recipient address rejected: User unknown in virtual mailbox table");
  }
  if (s == "5.2.2") {
    return absl::StrCat("552 5.2.2 ", rcpt, ": Quota exceeded (mailbox for user is full)");
  }
  if (s == "4.2.2") {
    return absl::StrCat("452 4.2.2 ", rcpt, ": Quota exceeded (mailbox for user is full)");
  }
  if (s == "5.7.1") {
    return absl::StrCat("554 5.7.1 Service unavailable; Client host [", kOurIp,
                        "] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/",
                        kOurIp);
  }
  if (absl::StartsWith(s, "4.")) {
    return absl::StrCat("451 ", s, " ", rcpt,
                        ": Recipient address rejected: Temporary local problem - please try later");
  }
  return absl::StrCat("550 ", s, " ", rcpt, ": Requested action not taken: mailbox unavailable");
}

// The returned message's header section (LF line ends, no blank line after it). The DKIM
// signature's h= tag names message-id before the real Message-ID field, as real ones do.
std::string OriginalHeaders(const BounceSpec& spec, absl::string_view received_by) {
  std::string h;
  if (!spec.original_return_path.empty()) {
    absl::StrAppend(&h, "Return-Path: ", Bracketed(spec.original_return_path), "\n");
  }
  absl::StrAppend(&h, "Received: from ", kOurHost, " (", kOurHost, " [", kOurIp, "])\n\tby ",
                  received_by, " with ESMTPS id ", Hex(SpecHash(spec, "received"), 10, true),
                  "\n\tfor ", Bracketed(spec.original_recipient),
                  "; Tue,  1 Oct 2024 10:15:01 +0200 (CEST)\n");
  absl::StrAppend(
      &h, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=", Domain(spec.original_from),
      "; s=mc1;\n\th=from:to:subject:date:message-id:mime-version;\n"
      "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n"
      "\tb=Kx1mYv3TqkR0cFh8Zp2nW5dLs9JtA4eB7gUoXiQyNrM=\n");
  absl::StrAppend(&h, "From: ", spec.original_from, "\n");
  absl::StrAppend(&h, "To: ", Bracketed(spec.original_recipient), "\n");
  absl::StrAppend(&h, "Subject: ", HeaderText(spec.original_subject), "\n");
  absl::StrAppend(&h, "Date: Tue, 01 Oct 2024 08:15:00 +0000\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&h, "Message-ID: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&h,
                  "MIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=utf-8\n"
                  "Content-Transfer-Encoding: 7bit\n");
  return h;
}

std::string OriginalMessage(const BounceSpec& spec, absl::string_view received_by) {
  return absl::StrCat(OriginalHeaders(spec, received_by),
                      "\nHello,\n\nthank you for your order. It is on its way.\n\n"
                      "Kind regards,\nThe shop\n");
}

// Postfix's bounce and delay notices share their shape.
std::string PostfixReport(const BounceSpec& spec, bool delayed) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const std::string queue_id = Hex(SpecHash(spec, "postfix"), 10, true);
  const std::string boundary = absl::StrCat(queue_id, ".1727770502/", mta);
  const std::string remote = RemoteHost(spec);

  std::string status = spec.status;
  if (delayed && !absl::StartsWith(status, "4.")) status = "4.4.1";
  // A delayed delivery that never got an answer has no SMTP reply: Postfix writes its own
  // text, typed X-Postfix.
  const bool own_text = delayed && spec.diagnostic.empty() && status == "4.4.1";
  BounceSpec reply_spec = spec;
  reply_spec.status = status;
  const std::string reply =
      own_text ? absl::StrCat("connect to ", remote, "[", kRemoteIp, "]:25: Connection timed out")
               : GenericReply(reply_spec);
  const std::string notice_line =
      own_text ? absl::StrCat(Bracketed(rcpt), ": ", reply)
               : absl::StrCat(Bracketed(rcpt), ": host ", remote, "[", kRemoteIp, "] said: ", reply,
                              " (in reply to RCPT TO command)");

  std::string m;
  absl::StrAppend(&m, "Received: by ", mta, " (Postfix)\n\tid ", queue_id,
                  "; Tue,  1 Oct 2024 10:15:02 +0200 (CEST)\n");
  absl::StrAppend(&m, "Date: Tue,  1 Oct 2024 10:15:02 +0200 (CEST)\n");
  absl::StrAppend(&m, "From: MAILER-DAEMON@", mta, " (Mail Delivery System)\n");
  absl::StrAppend(
      &m, "Subject: ",
      delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender", "\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"",
                  boundary, "\"\n");
  absl::StrAppend(&m, "Content-Transfer-Encoding: 8bit\n");
  absl::StrAppend(&m, "Message-Id: <20241001081502.", queue_id, "@", mta, ">\n");
  absl::StrAppend(&m, "\nThis is a MIME-encapsulated message.\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Notification\n"
                  "Content-Type: text/plain; charset=us-ascii\n\n");
  absl::StrAppend(&m, "This is the mail system at host ", mta, ".\n\n");
  if (delayed) {
    absl::StrAppend(&m,
                    "####################################################################\n"
                    "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                    "####################################################################\n\n"
                    "Your message could not be delivered for more than 4 hour(s).\n"
                    "It will be retried until it is 5 day(s) old.\n\n");
  } else {
    absl::StrAppend(&m,
                    "I'm sorry to have to inform you that your message could not\n"
                    "be delivered to one or more recipients. It's attached below.\n\n");
  }
  absl::StrAppend(&m,
                  "For further assistance, please send mail to postmaster.\n\n"
                  "If you do so, please include this problem report. You can\n"
                  "delete your own text from the attached returned message.\n\n"
                  "                   The mail system\n\n");
  absl::StrAppend(&m, Wrap(notice_line, "    ", 76), "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Delivery report\n"
                  "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n");
  absl::StrAppend(&m, "X-Postfix-Queue-ID: ", queue_id, "\n");
  absl::StrAppend(&m, "X-Postfix-Sender: rfc822; ", spec.to, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue,  1 Oct 2024 10:15:01 +0200 (CEST)\n\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822; ", rcpt, "\n");
  absl::StrAppend(&m, "Original-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Action: ", delayed ? "delayed" : "failed", "\n");
  absl::StrAppend(&m, "Status: ", status, "\n");
  if (!own_text) absl::StrAppend(&m, "Remote-MTA: dns; ", remote, "\n");
  absl::StrAppend(
      &m,
      Wrap(absl::StrCat("Diagnostic-Code: ", own_text ? "X-Postfix" : "smtp", "; ", reply), "    ",
           76),
      "\n");
  if (delayed) absl::StrAppend(&m, "Will-Retry-Until: Sun,  6 Oct 2024 10:15:01 +0200 (CEST)\n");
  absl::StrAppend(&m, "\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Undelivered Message Headers\n"
                  "Content-Type: text/rfc822-headers\n"
                  "Content-Transfer-Encoding: 8bit\n\n");
  absl::StrAppend(&m, OriginalHeaders(spec, absl::StrCat(mta, " (Postfix)")), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

// Exchange Online's words for the common codes.
struct ExchangeWords {
  std::string status;  // as Exchange writes it
  std::string reply;   // the Diagnostic-Code without "smtp;"
  std::string reason;  // the notice's second line
};

ExchangeWords ExchangeWording(const BounceSpec& spec) {
  const std::string local(LocalPart(spec.original_recipient));
  const std::string domain(Domain(spec.original_recipient));
  ExchangeWords w{spec.status, spec.diagnostic, ""};
  if (spec.status == "5.1.1" || spec.status == "5.1.10") {
    w.status = "5.1.10";
    if (w.reply.empty()) {
      w.reply =
          "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup";
    }
    w.reason = absl::StrCat(local, " wasn't found at ", domain, ".");
  } else if (spec.status == "5.2.2") {
    if (w.reply.empty()) {
      w.reply =
          "554 5.2.2 mailbox full; "
          "STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; "
          "Failed to process message due to a permanent exception with message "
          "[BeginDiagnosticData]"
          "Cannot open mailbox.[EndDiagnosticData]";
    }
    w.reason = absl::StrCat(local, "'s mailbox is full.");
  } else if (spec.status == "5.7.1") {
    if (w.reply.empty()) {
      w.reply =
          absl::StrCat("550 5.7.1 Service unavailable, Client host [", kOurIp,
                       "] blocked using Spamhaus. To request removal from this list see "
                       "https://www.spamhaus.org/query/ip/",
                       kOurIp, " (AS3130). [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]");
    }
    w.reason = "Your message wasn't delivered because the recipient's email provider rejected it.";
  } else {
    if (w.reply.empty()) w.reply = GenericReply(spec);
    w.reason = "The recipient's email system couldn't deliver the message.";
  }
  return w;
}

// The remote's reply as Gmail quotes it: the lines of a multi-line SMTP reply.
std::vector<std::string> GmailReplyLines(const BounceSpec& spec) {
  if (!spec.diagnostic.empty()) return {spec.diagnostic};
  constexpr absl::string_view kTrace = "a640c23a62f3a-5e2a5c1f3b8si4411963qkb.123 - gsmtp";
  if (spec.status == "5.1.1") {
    return {"550-5.1.1 The email account that you tried to reach does not exist. Please try",
            "550-5.1.1 double-checking the recipient's email address for typos or",
            "550-5.1.1 unnecessary spaces. For more information, go to",
            absl::StrCat("550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ", kTrace)};
  }
  if (spec.status == "5.2.2") {
    return {"552-5.2.2 The recipient's inbox is out of storage space. Please direct the",
            "552-5.2.2 recipient to",
            absl::StrCat("552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm ", kTrace)};
  }
  if (spec.status == "5.7.1") {
    return {absl::StrCat("550-5.7.1 [", kOurIp, "] Gmail has detected that this message is likely"),
            "550-5.7.1 unsolicited mail. To reduce the amount of spam sent to Gmail, this",
            "550-5.7.1 message has been blocked. For more information, go to",
            absl::StrCat("550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError ",
                         kTrace)};
  }
  return {GenericReply(spec)};
}

// A 1x1 PNG: Gmail's notices carry their icon as a related part.
constexpr unsigned char kIconPng[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0xF8, 0x0F, 0x00, 0x00, 0x01, 0x01, 0x00, 0x05, 0x18, 0xD8, 0x4E, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

}  // namespace

std::string PostfixDsn(const BounceSpec& spec) { return PostfixReport(spec, /*delayed=*/false); }

std::string DelayedDsn(const BounceSpec& spec) { return PostfixReport(spec, /*delayed=*/true); }

std::string EximDsn(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "exim");
  const std::string id =
      absl::StrCat(Base62(h, 6), "-", Base62(h >> 20, 6), "-", Base62(h >> 40, 2));
  const std::string boundary = absl::StrCat("1727770502-eximdsn-", h % 2147483647);
  const std::string remote = RemoteHost(spec);
  const std::string reply = GenericReply(spec);
  // Exim gives the class only; the remote's precise code is in the Diagnostic-Code.
  const std::string status =
      absl::StrCat(spec.status.empty() ? absl::string_view("5") : spec.status.substr(0, 1), ".0.0");

  std::string m;
  absl::StrAppend(&m, "Received: from mailnull by ", mta, " with local (Exim 4.96)\n\tid ", id,
                  "\n\tfor ", spec.to, ";\n\tTue, 01 Oct 2024 10:15:02 +0200\n");
  absl::StrAppend(&m, "X-Failed-Recipients: ", rcpt, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "From: Mail Delivery System <Mailer-Daemon@", mta, ">\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(
      &m, "Content-Type: multipart/report; report-type=delivery-status; boundary=", boundary, "\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Subject: Mail delivery failed: returning message to sender\n");
  absl::StrAppend(&m, "Message-Id: <E", id, "@", mta, ">\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 10:15:02 +0200\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: text/plain; charset=us-ascii\n\n");
  absl::StrAppend(&m,
                  "This message was created automatically by mail delivery software.\n\n"
                  "A message that you sent could not be delivered to one or more of its\n"
                  "recipients. This is a permanent error. The following address(es) failed:\n\n");
  absl::StrAppend(&m, "  ", rcpt, "\n");
  absl::StrAppend(&m, "    host ", remote, " [", kRemoteIp, "]\n");
  absl::StrAppend(&m, "    SMTP error from remote mail server after RCPT TO:", Bracketed(rcpt),
                  ":\n");
  absl::StrAppend(&m, "    ", reply, "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Status: ", status, "\n");
  absl::StrAppend(&m, "Remote-MTA: dns; ", remote, "\n");
  absl::StrAppend(&m, "Diagnostic-Code: smtp; ", reply, "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: message/rfc822\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

std::string ExchangeDsn(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const std::string local(LocalPart(rcpt));
  const std::string domain(Domain(rcpt));
  const uint64_t h = SpecHash(spec, "exchange");
  const std::string outer = Uuid(h, text::Fnv1a64(absl::StrCat(h, "outer")));
  const std::string inner = Uuid(text::Fnv1a64(absl::StrCat(h, "inner")), h);
  const ExchangeWords words = ExchangeWording(spec);
  const std::string sender =
      spec.original_return_path.empty() ? spec.original_from : spec.original_return_path;
  const bool ascii = IsAscii(spec.original_subject);
  const absl::string_view charset = ascii ? "us-ascii" : "utf-8";
  const std::string subject = absl::StrCat("Undeliverable: ", spec.original_subject);

  std::string m;
  absl::StrAppend(&m,
                  "Received: from AM7PR02MB5846.eurprd02.prod.outlook.com (2603:10a6:20b:107::10)\n"
                  " by ",
                  mta,
                  " with Microsoft SMTP Server id 15.20.8026.14;\n"
                  " Tue, 1 Oct 2024 08:15:02 +0000\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "From: <postmaster@", domain, ">\n");
  absl::StrAppend(&m, "To: <", spec.to, ">\n");
  absl::StrAppend(&m, "Date: Tue, 1 Oct 2024 08:15:02 +0000\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"",
                  outer, "\"\n");
  absl::StrAppend(&m, "X-MS-Exchange-Message-Is-Ndr:\n");
  absl::StrAppend(&m, "Content-Language: en-US\n");
  absl::StrAppend(&m, "Message-ID:\n <", Uuid(text::Fnv1a64(absl::StrCat(h, "id")), h), "@", mta,
                  ">\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "Thread-Topic: ", HeaderText(spec.original_subject), "\n");
  absl::StrAppend(&m, "Subject: ", HeaderText(subject), "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "X-MS-PublicTrafficType: Email\n");
  absl::StrAppend(&m, "X-MS-TrafficTypeDiagnostic: AM7PR02MB5846:EE_\n");
  absl::StrAppend(&m,
                  "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 01 Oct 2024 08:15:02.3910\n"
                  " (UTC)\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m,
                  "Content-Type: multipart/alternative; differences=Content-Type;\n\tboundary=\"",
                  inner, "\"\n\n");

  const std::string text = absl::StrCat(
      "Your message to ", rcpt, " couldn't be delivered.\n", words.reason, "\n\n",
      LocalPart(spec.original_from), "    Office 365    ", local,
      "\nAction Required                 Recipient\n\n"
      "How to Fix It\n"
      "The address may be misspelled or may not exist. Check the address and send the message "
      "again, or contact the recipient by other means to confirm it.\n\n"
      "More Info for Email Admins\n"
      "Status code: ",
      words.reply.substr(0, words.reply.find(' ', 4)),
      "\n\n"
      "Original Message Details\n"
      "Created Date:   10/1/2024 8:15:00 AM\n"
      "Sender Address: ",
      sender, "\nRecipient Address:      ", rcpt, "\nSubject:        ", spec.original_subject,
      "\n\nError Details\nReported error:  ", words.reply, "\nDSN generated by:       ", mta, "\n");
  absl::StrAppend(&m, "--", inner, "\n");
  absl::StrAppend(&m, "Content-Type: text/plain; charset=\"", charset,
                  "\"\nContent-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(&m, QuotedPrintable(text), "\n");

  const std::string html = absl::StrCat(
      "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=", charset,
      "\">\n<title>DSN</title>\n</head>\n<body style=\"background-color: white;\">\n"
      "<table style=\"background-color: white; max-width: 548px; color: black; border-spacing: "
      "0px 0px; padding-top: 0px; padding-bottom: 0px; border-collapse: collapse;\" "
      "width=\"548\">\n"
      "<tr><td style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 16px;\">"
      "Your message to <a href=\"mailto:",
      rcpt, "\" style=\"color: #0072c6;\">", rcpt, "</a> couldn't be delivered.</td></tr>\n",
      "<tr><td style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 24px; "
      "color: #c00000;\">",
      words.reason,
      "</td></tr>\n</table>\n"
      "<p style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 14px;\">"
      "Reported error: <em>",
      words.reply, "</em></p>\n<p>DSN generated by: ", mta, "</p>\n</body>\n</html>\n");
  absl::StrAppend(&m, "--", inner, "\n");
  absl::StrAppend(&m, "Content-Type: text/html; charset=\"", charset,
                  "\"\nContent-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(&m, QuotedPrintable(html), "\n");
  absl::StrAppend(&m, "--", inner, "--\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m, "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns;", mta, "\n");
  absl::StrAppend(&m, "Received-From-MTA: dns;", kOurHost, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 1 Oct 2024 08:15:01 +0000\n\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Status: ", words.status, "\n");
  absl::StrAppend(&m, "Diagnostic-Code: smtp;", words.reply, "\n");
  absl::StrAppend(&m, "X-Display-Name: ", local, "\n\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m, "Content-Type: text/rfc822-headers\n\n");
  absl::StrAppend(&m, OriginalHeaders(spec, mta), "\n");
  absl::StrAppend(&m, "--", outer, "--\n");
  return Crlf(m);
}

std::string GmailDsn(const BounceSpec& spec) {
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "gmail");
  const std::string b1 = absl::StrCat("000000000000", Hex(h, 12, false));
  const std::string b2 = absl::StrCat("000000000000", Hex(h >> 4, 12, false));
  const std::string b3 = absl::StrCat("000000000000", Hex(h >> 8, 12, false));
  const std::vector<std::string> lines = GmailReplyLines(spec);
  const std::string remote = RemoteHost(spec);
  const absl::string_view domain = Domain(rcpt);

  // The human part drops the continuation codes ("550-5.1.1 ") of the reply's lines.
  std::vector<std::string> shown;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (lines.size() > 1 && line.size() > 10 && line[3] == '-') line.remove_prefix(10);
    if (lines.size() > 1 && i + 1 == lines.size() && line.size() > 10) line.remove_prefix(10);
    shown.push_back(std::string(absl::StripLeadingAsciiWhitespace(line)));
  }
  std::string headline = "** Message not delivered **";
  std::string explanation = absl::StrCat("There was a problem delivering your message to ", rcpt,
                                         ". See the technical details below.");
  if (spec.status == "5.1.1") {
    headline = "** Address not found **";
    explanation = absl::StrCat("Your message wasn't delivered to ", rcpt,
                               " because the address couldn't be found, or is unable to receive "
                               "mail.\n\nLearn more here: "
                               "https://support.google.com/mail/?p=NoSuchUser");
  } else if (absl::StartsWith(spec.status, "5.7.")) {
    headline = "** Message blocked **";
    explanation = absl::StrCat("Your message to ", rcpt,
                               " has been blocked. See technical details below for more "
                               "information.");
  }
  const std::string reply_text = absl::StrJoin(shown, " ");

  std::string m;
  absl::StrAppend(&m, "Received: by 2002:a05:6a10:8e0b:b0:5a1:2b3c:4d5e with SMTP id ",
                  Hex(h, 8, false), ";\n        Tue, 1 Oct 2024 01:15:02 -0700 (PDT)\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; boundary=\"", b1,
                  "\"; report-type=delivery-status\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "Subject: Delivery Status Notification (Failure)\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "X-Failed-Recipients: ", rcpt, "\n");
  absl::StrAppend(&m, "Message-ID: <66fbb8e8.050a0220.", Hex(h, 6, false), ".",
                  Hex(h >> 24, 4, false), ".GMR@mx.google.com>\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 01:15:02 -0700 (PDT)\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: multipart/related; boundary=\"", b2, "\"\n\n");
  absl::StrAppend(&m, "--", b2, "\n");
  absl::StrAppend(&m, "Content-Type: multipart/alternative; boundary=\"", b3, "\"\n\n");
  absl::StrAppend(&m, "--", b3, "\n");
  absl::StrAppend(&m, "Content-Type: text/plain; charset=\"UTF-8\"\n\n");
  absl::StrAppend(&m, "\n", headline, "\n\n", explanation,
                  "\n\nThe response from the remote server was:\n", reply_text, "\n\n");
  const std::string html = absl::StrCat(
      "\n<html>\n<head>\n<style>\n* {\nfont-family:Roboto, \"Helvetica Neue\", Helvetica, Arial, "
      "sans-serif;\n}\n</style>\n</head>\n<body>\n<table cellpadding=\"0\" cellspacing=\"0\" "
      "class=\"email-wrapper\" style=\"padding-top:32px;background-color:#ffffff;\"><tbody>\n"
      "<tr><td><table cellpadding=0 cellspacing=0><tbody><tr><td style=\"max-width:560px;"
      "padding:24px 24px 32px;background-color:#fafafa;border:1px solid #e0e0e0;border-radius:"
      "2px\">\n<img style=\"padding:0 24px 16px 0;float:left\" width=72 height=72 alt=\"Error "
      "Icon\" src=\"cid:icon.png\">\n<table style=\"min-width:272px;padding-top:8px\"><tbody>\n"
      "<tr><td><h2 style=\"font-size:20px;color:#212121;font-weight:bold;margin:0\">\n",
      headline.substr(3, headline.size() - 6),
      "\n</h2></td></tr>\n<tr><td style=\"padding-top:20px;color:#757575;font-size:16px;"
      "font-weight:normal;text-align:left\">\n",
      absl::StrReplaceAll(explanation, {{"\n\n", "<br>\n"}}),
      "\n</td></tr>\n</tbody></table>\n</td></tr></tbody></table></td></tr>\n"
      "<tr style=\"border:none;background-color:#fff;font-size:12.8px;width:90%\">\n"
      "<td align=\"left\" style=\"padding:48px 10px\">\nThe response was:<br/>\n"
      "<p style=\"font-family:monospace\">\n",
      reply_text, "\n</p>\n</td>\n</tr>\n</tbody></table>\n</body>\n</html>\n");
  absl::StrAppend(&m, "--", b3, "\n");
  absl::StrAppend(&m,
                  "Content-Type: text/html; charset=\"UTF-8\"\n"
                  "Content-Transfer-Encoding: base64\n\n");
  absl::StrAppend(&m, Base64Lines(html), "\n");
  absl::StrAppend(&m, "--", b3, "--\n\n");
  absl::StrAppend(&m, "--", b2, "\n");
  absl::StrAppend(&m,
                  "Content-Type: image/png; name=\"icon.png\"\n"
                  "Content-Disposition: attachment; filename=\"icon.png\"\n"
                  "Content-Transfer-Encoding: base64\n"
                  "Content-ID: <icon.png>\n\n");
  absl::StrAppend(
      &m, Base64Lines(absl::string_view(reinterpret_cast<const char*>(kIconPng), sizeof(kIconPng))),
      "\n--", b2, "--\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", spec.reporting_mta, "\n");
  absl::StrAppend(&m, "Received-From-MTA: dns; ", spec.original_from, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 01 Oct 2024 01:15:01 -0700 (PDT)\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "X-Original-Message-ID: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "\nFinal-Recipient: rfc822; ", rcpt, "\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Status: ", spec.status, "\n");
  absl::StrAppend(&m, "Remote-MTA: dns; ", remote, ". (", kRemoteIp, ", the server for the domain ",
                  domain, ".)\n");
  absl::StrAppend(
      &m, Wrap(absl::StrCat("Diagnostic-Code: smtp; ", absl::StrJoin(lines, " ")), " ", 78), "\n");
  absl::StrAppend(&m, "Last-Attempt-Date: Tue, 01 Oct 2024 01:15:02 -0700 (PDT)\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: message/rfc822\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, "mx.google.com"), "\n");
  absl::StrAppend(&m, "--", b1, "--\n");
  return Crlf(m);
}

std::string QmailBounce(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "qmail");
  std::string reason;
  if (spec.diagnostic.empty() && spec.status == "5.1.1") {
    reason = "Sorry, no mailbox here by that name. (#5.1.1)\n";
  } else {
    reason =
        absl::StrCat(kRemoteIp, " does not like recipient.\nRemote host said: ", GenericReply(spec),
                     "\nGiving up on ", kRemoteIp, ".\n");
  }

  std::string m;
  absl::StrAppend(&m, "Received: (qmail ", h % 90000 + 10000,
                  " invoked for bounce); 1 Oct 2024 08:15:02 -0000\n");
  absl::StrAppend(&m, "Date: 1 Oct 2024 08:15:02 -0000\n");
  absl::StrAppend(&m, "From: MAILER-DAEMON@", mta, "\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Subject: failure notice\n");
  // qmail-send writes neither of these two; the relay that passes the notice on usually adds
  // them (the parser needs neither).
  absl::StrAppend(&m, "Message-ID: <20241001081502.", h % 100000, ".qmail@", mta, ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n\n");
  absl::StrAppend(&m, "Hi. This is the qmail-send program at ", mta,
                  ".\n"
                  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                  "This is a permanent error; I've given up. Sorry it didn't work out.\n\n");
  absl::StrAppend(&m, Bracketed(rcpt), ":\n", reason, "\n");
  absl::StrAppend(&m, "--- Below this line is a copy of the message.\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta));
  return Crlf(m);
}

std::string ArfReport(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const uint64_t h = SpecHash(spec, "arf");
  const std::string boundary =
      absl::StrCat("----=_Part_", h % 1000000, "_", (h >> 20) % 1000000, ".1727770502391");
  const std::string mail_from =
      spec.original_return_path.empty() ? spec.to : spec.original_return_path;

  std::string m;
  absl::StrAppend(&m, "Received: from fbl-out.", mta, " (fbl-out.", mta, " [203.0.113.9])\n\tby ",
                  kOurHost, " with ESMTPS id ", Hex(h, 10, true),
                  "; Tue, 01 Oct 2024 09:02:11 +0000\n");
  absl::StrAppend(&m, "From: Feedback Loop <fbl@", mta, ">\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Subject: Complaint about message from ", kOurIp, "\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 09:02:11 +0000\n");
  absl::StrAppend(&m, "Message-ID: <", Hex(h, 16, false), ".fbl@", mta, ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=feedback-report;\n\tboundary=\"",
                  boundary, "\"\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Type: text/plain; charset=\"US-ASCII\"\n"
                  "Content-Transfer-Encoding: 7bit\n\n");
  absl::StrAppend(&m, "This is an email abuse report for an email message received from IP\n",
                  kOurIp,
                  " on Tue, 01 Oct 2024 08:15:01 +0000. A user of this mail\n"
                  "service marked it as spam. For more information about this format\n"
                  "please see https://www.rfc-editor.org/rfc/rfc5965.\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-Type: message/feedback-report\n\n");
  absl::StrAppend(&m, "Feedback-Type: abuse\n");
  absl::StrAppend(&m, "User-Agent: ExampleFBL/2.1\n");
  absl::StrAppend(&m, "Version: 1\n");
  absl::StrAppend(&m, "Original-Mail-From: ", Bracketed(mail_from), "\n");
  absl::StrAppend(&m, "Original-Rcpt-To: ", Bracketed(spec.original_recipient), "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 01 Oct 2024 08:15:01 +0000\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n");
  absl::StrAppend(&m, "Source-IP: ", kOurIp, "\n");
  absl::StrAppend(&m, "Authentication-Results: ", mta,
                  "; spf=pass smtp.mailfrom=", Domain(mail_from),
                  "; dkim=pass header.d=", Domain(spec.original_from), "\n");
  absl::StrAppend(&m, "Reported-Domain: ", Domain(spec.original_from), "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Type: message/rfc822\n"
                  "Content-Disposition: inline\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

std::string AutoReply(const BounceSpec& spec) {
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "autoreply");
  const std::string subject = absl::StrCat("Automatic reply: ", spec.original_subject);
  const std::string server = "DB9PR02MB7292";

  std::string m;
  absl::StrAppend(&m, "Received: from ", server,
                  ".eurprd02.prod.outlook.com ([fe80::3c1a:1b2c])\n by ", server,
                  ".eurprd02.prod.outlook.com ([fe80::3c1a:1b2c%6]) with mapi id\n"
                  " 15.20.8026.014; Tue, 1 Oct 2024 08:15:03 +0000\n");
  absl::StrAppend(&m, "From: ", rcpt, "\n");
  absl::StrAppend(&m, "To: <", spec.to, ">\n");
  absl::StrAppend(&m, "Subject: ", HeaderText(subject), "\n");
  absl::StrAppend(&m, "Thread-Topic: ", HeaderText(spec.original_subject), "\n");
  absl::StrAppend(&m, "Thread-Index: AQHbE2x", Hex(h, 12, false), "==\n");
  absl::StrAppend(&m, "Date: Tue, 1 Oct 2024 08:15:03 +0000\n");
  absl::StrAppend(&m, "Message-ID: <", server, Hex(h, 16, true), "@", server,
                  ".eurprd02.prod.outlook.com>\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "Content-Language: en-US\n");
  absl::StrAppend(&m, "X-MS-Has-Attach:\n");
  absl::StrAppend(&m, "X-MS-TNEF-Correlator:\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "X-MS-Exchange-Inbox-Rules-Loop: ", rcpt, "\n");
  absl::StrAppend(&m, "X-Auto-Response-Suppress: All\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m,
                  "Content-Type: text/plain; charset=\"us-ascii\"\n"
                  "Content-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(
      &m, QuotedPrintable("Thank you for your message. I am out of the office until Monday, 14 "
                          "October, with limited access to email. Your message will not be "
                          "forwarded; for anything urgent, please write to team@example.test.\n\n"
                          "Best regards\n"));
  return Crlf(m);
}

}  // namespace mc::execution::testing
