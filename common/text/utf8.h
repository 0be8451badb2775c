// Lengths of UTF-8 text in characters: the limits of text a person writes (an external id, a
// label, a country) are stated in characters, whatever the bytes their script needs.
//
// CodePoints() counts the Unicode code points of UTF-8 text: every byte that does not continue
// a sequence (10xxxxxx). Protobuf strings reaching the services are valid UTF-8; on invalid
// input it never fails and counts each stray lead byte as one character.
// Pure and thread-safe.
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace mc::text {

size_t CodePoints(absl::string_view utf8);

}  // namespace mc::text
