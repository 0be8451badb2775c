// VerpReturnPaths: ReturnPaths (delivery/return_paths.h) giving each email the signed VERP
// address of its event on the bounce domain (bounces/verp.h), naming `instance` (the instance's
// identifier as the control stamped it, else its schema: what a relay in front of several
// instances routes on; the signature, not the name, decides whether a bounce is believed).
// Immutable after construction: thread-safe.
#pragma once

#include <string>

#include "execution-service/bounces/verp.h"
#include "execution-service/delivery/return_paths.h"

namespace mc::execution {

class VerpReturnPaths final : public ReturnPaths {
 public:
  VerpReturnPaths(const VerpCodec& verp, std::string instance)
      : verp_(verp), instance_(std::move(instance)) {}

  std::string For(Queue queue, int64_t id) const override {
    return verp_.Encode(instance_, queue, id);
  }

 private:
  const VerpCodec& verp_;
  const std::string instance_;
};

}  // namespace mc::execution
