// HeaderEncoder: writes one mail header field, "Name: value\r\n", as RFC 5322 and RFC 2047
// require, whatever the value holds (a rendered personalisation, an operator's flag):
//  - CR, LF and every other control character (C0, DEL, C1) in the value becomes a space, so a
//    value can neither inject a header nor carry a raw line break once decoded;
//  - a value of printable ASCII words that fit on a line goes out as it is, folded at spaces
//    into lines of at most 78 octets (RFC 5322 section 2.1.1);
//  - any other value (non-ASCII, a word too long to fold, runs of spaces, leading or trailing
//    spaces, text that looks like an encoded-word) goes out as UTF-8 "B" encoded-words of at
//    most 75 characters, split between whole UTF-8 characters and folded between each other
//    into lines of at most 76 octets (RFC 2047 sections 2 and 5); it decodes back to the value.
// A line exceeds these limits only when the field name leaves no room for a first word, or a
// mailbox's address alone is longer than a line (neither happens with the names the service
// writes and addresses of at most 254 octets, as event validation ensures).
// Bytes that are not valid UTF-8 are carried as they are, one byte per character.
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mc::execution {

// The value with CR, LF, TAB and the other control characters replaced by one space each.
std::string SanitizeHeaderValue(absl::string_view value);

// An unstructured field (Subject, a custom header): the value as text.
std::string EncodeUnstructuredField(absl::string_view name, absl::string_view value);

// A field holding one mailbox (From, To, Reply-To): "Display Name <local@domain>" or a bare
// address. The display name is encoded as above (a quoted one is unquoted first); one of
// printable ASCII holding a special (e.g. "Doe, Jane", "J. Doe") goes out as a quoted string
// (RFC 5322 section 3.2.4), so that it stays one name. The address is kept whole on its line,
// as it may not be encoded.
std::string EncodeMailboxField(absl::string_view name, absl::string_view mailbox);

// A structured field whose syntax has no room for encoded-words (List-Unsubscribe's <URI>
// list): control characters made spaces, runs of spaces made one, folded at its spaces into
// lines of at most 78 octets where the words allow; never encoded.
std::string EncodeStructuredField(absl::string_view name, absl::string_view value);

}  // namespace mc::execution
