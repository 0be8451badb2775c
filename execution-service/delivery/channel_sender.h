// ChannelSender: one channel's delivery as EventProcessor sees it: a batch of messages in, one
// outcome per message out (SenderPool implements it over its senders' connections; tests use
// processing/fake_channel_sender.h).
//
// Failure modes: none of its own: every message gets an outcome (a connection that fails is a
// soft failure of the messages it carried, delivery/message.h). Implementations serve one
// SendAll at a time and may be called from any thread.
#pragma once

#include <vector>

#include "execution-service/delivery/message.h"

namespace mc::execution {

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  // outcomes[i] is messages[i]'s outcome; returns when every message has one.
  virtual std::vector<SendOutcome> SendAll(const std::vector<const OutgoingMessage*>& messages) = 0;
};

}  // namespace mc::execution
