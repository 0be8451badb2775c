#include "execution-service/bounces/testing/report_builder_internal.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
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

namespace mc::execution::testing::internal {

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

}  // namespace mc::execution::testing::internal
