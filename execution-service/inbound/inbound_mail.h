// InboundMail: one message the bounce listener accepted: its envelope and its bytes. Plain
// value.
#pragma once

#include <string>
#include <vector>

namespace mc::execution {

struct InboundMail {
  std::string mail_from;                // the envelope sender, without <> ("" for bounces)
  std::vector<std::string> recipients;  // the envelope recipients, without <>
  std::string data;                     // the message (RFC 5322), dot-unstuffed, CRLF lines
};

}  // namespace mc::execution
