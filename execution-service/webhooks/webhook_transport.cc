#include "execution-service/webhooks/webhook_transport.h"

namespace mc::execution {

absl::string_view HttpErrorClassName(HttpErrorClass e) {
  switch (e) {
    case HttpErrorClass::kNone:
      return "none";
    case HttpErrorClass::kTimeout:
      return "timeout";
    case HttpErrorClass::kConnectRefused:
      return "refused";
    case HttpErrorClass::kDns:
      return "dns";
    case HttpErrorClass::kTls:
      return "tls";
    case HttpErrorClass::kOther:
      return "other";
  }
  return "other";
}

std::string DefaultWebhookUserAgent() { return "MessageCenter-Webhooks/" MC_VERSION; }

}  // namespace mc::execution
