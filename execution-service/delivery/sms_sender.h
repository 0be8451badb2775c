// SmsSender: SMS as an HTTP POST of JSON {"to","text","messageId"} to the provider's URL, with
// libcurl (connection kept alive). 2xx -> sent; 4xx other than 408/429 -> hard failure (the
// provider refuses this message); anything else, or no answer -> soft failure.
// Not thread-safe: one per thread (see SenderPool).
#pragma once

#include <string>

#include "execution-service/delivery/message.h"

typedef void CURL;

namespace mc::execution {

struct SmsOptions {
  std::string url;  // empty: SMS channel not configured (every SMS fails hard, says so)
  std::string bearer_token;
  int timeout_ms = 10000;
};

class SmsSender final : public MessageSender {
 public:
  explicit SmsSender(SmsOptions options);
  ~SmsSender() override;
  SmsSender(const SmsSender&) = delete;
  SmsSender& operator=(const SmsSender&) = delete;

  SendOutcome Send(const OutgoingMessage& message) override;

 private:
  SmsOptions options_;
  CURL* curl_;
};

}  // namespace mc::execution
