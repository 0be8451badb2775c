// Test helper: the header fields of a mail as a receiving system decodes them, by Python's
// email package with policy=default (decode_mail_headers.py beside this file), so that tests
// check RFC 5322 folding and RFC 2047 encoded-words against an independent implementation.
// Also: the raw lines of a mail's header section, to check their length.
// Failure modes: DecodeMailHeaders returns FAILED_PRECONDITION when python3 is not on the PATH
// (scripts/install-deps.sh installs it), INTERNAL when the script fails or prints what is not
// its JSON. Thread-safe (each call uses its own temporary files).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace mc::testing {

struct DecodedField {
  std::string name;
  std::string value;                                           // decoded and unfolded
  std::vector<std::string> defects;                            // Python's defect class names
  std::vector<std::pair<std::string, std::string>> addresses;  // (display name, address)
  // Decoded by email.header.decode_header, which drops white space between encoded-words as
  // RFC 2047 section 6.2 says (policy=default keeps it inside a display name before Python
  // 3.14: CPython gh-128110).
  std::string legacy_value;
};

struct DecodedHeaders {
  std::vector<DecodedField> fields;  // in the order of the mail
  std::vector<std::string> message_defects;
  // The first field of that name (case-insensitive), or nullptr.
  const DecodedField* Find(const std::string& name) const;
};

// `mail`: the header section, optionally followed by an empty line and a body (CRLF lines).
[[nodiscard]] absl::StatusOr<DecodedHeaders> DecodeMailHeaders(const std::string& mail);

// The lines of the header section (up to the first empty line), without their CRLF.
std::vector<std::string> HeaderLines(const std::string& mail);

}  // namespace mc::testing
