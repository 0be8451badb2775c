// FakeChannelSender: a ChannelSender for unit tests, in memory: keeps every message it is given
// and answers each with the outcome set for its address (Sent when none is set).
//
// Failure modes: none of its own. Not thread-safe: one caller at a time (EventProcessor calls
// each channel's sender from one thread); read what it kept once the run has returned.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "execution-service/delivery/channel_sender.h"

namespace mc::execution {

class FakeChannelSender final : public ChannelSender {
 public:
  // Messages to `address` get `outcome`.
  void Answer(std::string address, SendOutcome outcome) {
    answers_[std::move(address)] = std::move(outcome);
  }

  std::vector<SendOutcome> SendAll(const std::vector<const OutgoingMessage*>& messages) override {
    ++calls_;
    std::vector<SendOutcome> outcomes;
    for (const OutgoingMessage* m : messages) {
      sent_.push_back(*m);
      auto it = answers_.find(m->address);
      outcomes.push_back(it == answers_.end() ? SendOutcome{} : it->second);
    }
    return outcomes;
  }

  // Every message given, in order (whatever its outcome).
  const std::vector<OutgoingMessage>& sent() const { return sent_; }
  int calls() const { return calls_; }

 private:
  std::map<std::string, SendOutcome> answers_;
  std::vector<OutgoingMessage> sent_;
  int calls_ = 0;
};

}  // namespace mc::execution
