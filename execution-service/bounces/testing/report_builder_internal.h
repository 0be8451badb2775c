// Internal to the report builders (report_builder.h is the header the tests include): what
// every system's builder writes the same way. The documentation-range addresses of the remote
// server and of our sender, ids and boundaries derived from the spec (SpecHash, Hex), address
// parts, a header field's text (RFC 2047 when not ASCII), folding, quoted-printable, LF to
// CRLF, a remote MTA's typical reply for a status, and the returned original message (its
// header section, or the whole of it) that DSNs and complaints carry.
//
// Messages are built with LF line ends and turned to CRLF by Crlf() at the end. No errors are
// reported: every function returns a string (an address without '@' has the domain
// "example.test"); inputs are expected as report_builder.h asks for them (spec fields without
// line breaks, valid UTF-8; Hex takes at most 16 digits). Deterministic, pure, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution::testing::internal {

// Addresses from the documentation ranges (RFC 5737): the recipient's server and our sender.
inline constexpr absl::string_view kRemoteIp = "192.0.2.25";
inline constexpr absl::string_view kOurIp = "198.51.100.7";
inline constexpr absl::string_view kOurHost = "mta-1.mc.test";

// FNV-1a 64: ids and boundaries that follow from the spec, the same on every run.
uint64_t SpecHash(const BounceSpec& spec, absl::string_view salt);

// The low `digits` (at most 16) hex digits of `value`.
std::string Hex(uint64_t value, int digits, bool upper);

// The part after the last '@' ("example.test" when there is none); the part before it.
absl::string_view Domain(absl::string_view address);
absl::string_view LocalPart(absl::string_view address);

// "mail." and the original recipient's domain: the server that refused the message.
std::string RemoteHost(const BounceSpec& spec);

bool IsAscii(absl::string_view text);

// A header field's unstructured text: as is when ASCII, else RFC 2047 B-encoded words of at
// most 45 bytes each (never splitting a UTF-8 sequence), one per folded line.
std::string HeaderText(absl::string_view text);

// Word-wraps one line at `width` columns; continuation lines begin with `indent` (folding, for
// a header field; Postfix's notice text likewise).
std::string Wrap(absl::string_view line, absl::string_view indent, size_t width);

// Quoted-printable (RFC 2045 6.7) of LF-separated text: hard line breaks kept, soft breaks so
// that no line passes 76 characters.
std::string QuotedPrintable(absl::string_view text);

// LF to CRLF (a CRLF already there stays one).
std::string Crlf(absl::string_view text);

// "<id>".
std::string Bracketed(absl::string_view id);

// What the recipient's server answered, as a remote MTA words it (Postfix, Dovecot and the
// like), for the reporting MTA to quote: the spec's diagnostic when given.
std::string GenericReply(const BounceSpec& spec);

// The returned message's header section (LF line ends, no blank line after it), received by
// `received_by`. The DKIM signature's h= tag names message-id before the real Message-ID
// field, as real ones do.
std::string OriginalHeaders(const BounceSpec& spec, absl::string_view received_by);

// The returned message whole: OriginalHeaders, a blank line, a short plain-text body.
std::string OriginalMessage(const BounceSpec& spec, absl::string_view received_by);

}  // namespace mc::execution::testing::internal
