// ReturnPaths: the envelope sender (SMTP MAIL FROM) of each email, the address its bounces go
// to. The execution instance gives each message its own signed VERP address on the bounce
// domain (bounces/verp_return_paths.h) so that a late bounce names the message it is about.
// Failure modes: none (an implementation that cannot sign returns "": the sender's default).
// Implementations are immutable or internally synchronised: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "execution-service/events/queue.h"

namespace mc::execution {

class ReturnPaths {
 public:
  virtual ~ReturnPaths() = default;
  // The return path of the message of event `id` in `queue`, without <>; "" for the default.
  virtual std::string For(Queue queue, int64_t id) const = 0;
};

}  // namespace mc::execution
