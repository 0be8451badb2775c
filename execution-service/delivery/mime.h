// MIME: builds the RFC 5322 / 2045 text of an email: From, To, Subject (written by
// header_encoder.h: folded, RFC 2047 encoded when not plain ASCII, control characters made
// spaces), Date, Message-ID, and a multipart/alternative body with a text and an HTML part
// (base64, UTF-8), or a single part when only one is given. Pure and thread-safe.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "execution-service/delivery/message.h"

namespace mc::execution {

std::string BuildMime(const OutgoingMessage& message, const std::string& from, absl::Time date);

}  // namespace mc::execution
