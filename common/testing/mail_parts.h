// Test helper: the MIME structure of a mail as a receiving system decodes it, by Python's email
// package with policy=default (decode_mail_parts.py beside this file): every part with its
// type, boundary, disposition, file name (RFC 2231 decoded) and body decoded from its transfer
// encoding, so that tests check multipart messages against an independent implementation.
// Failure modes: FAILED_PRECONDITION when python3 is not on the PATH (scripts/install-deps.sh
// installs it), INTERNAL when the script fails or prints what is not its JSON. Thread-safe
// (each call uses its own temporary files).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace mc::testing {

struct DecodedPart {
  int depth = 0;             // 0: the message itself
  std::string content_type;  // "multipart/mixed", "application/pdf", ... (lower case)
  bool multipart = false;
  std::string boundary;
  std::string disposition;  // "attachment", "inline" or ""
  std::string filename;     // Content-Disposition's, decoded
  std::string name;         // Content-Type's name parameter, decoded
  std::string charset;
  std::string transfer_encoding;
  std::string payload;               // the body's bytes; empty for a multipart
  std::vector<std::string> defects;  // the part's and its fields', Python's class names
};

// The message first, then its parts depth first, in order.
[[nodiscard]] absl::StatusOr<std::vector<DecodedPart>> DecodeMailParts(const std::string& mail);

}  // namespace mc::testing
