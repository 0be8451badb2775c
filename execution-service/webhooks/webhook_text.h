// Text that leaves the sender: into a webhook's JSON (valid UTF-8, as protobuf requires) and
// into a subscription's last_error (a receiver's answer made safe to store and show).
//   ValidUtf8: valid UTF-8 kept as it is; each byte that does not start or continue a
//     well-formed sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF)
//     becomes U+FFFD.
//   Snippet: ValidUtf8 with control characters (CR, LF, tabs, ...) as spaces, surrounding
//     spaces trimmed, and cut to at most max_bytes between whole characters ("..." appended
//     when cut).
// Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace mc::execution {

std::string ValidUtf8(absl::string_view text);
std::string Snippet(absl::string_view text, size_t max_bytes);

}  // namespace mc::execution
