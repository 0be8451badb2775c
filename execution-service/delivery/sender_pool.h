// SenderPool: a fixed number of threads, each with its own MessageSender (its own connection):
// the delivery concurrency of one channel. SendAll() spreads a batch over them in chunks (so
// a pipelining sender can chain a chunk's messages) and returns when every message has an
// outcome: a ChannelSender (delivery/channel_sender.h). Thread-safe; SendAll calls are served
// one after another.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "execution-service/delivery/channel_sender.h"
#include "execution-service/delivery/message.h"

namespace mc::execution {

class SenderPool final : public ChannelSender {
 public:
  using Factory = std::function<std::unique_ptr<MessageSender>()>;
  SenderPool(int concurrency, const Factory& factory);
  ~SenderPool() override;

  // outcomes[i] is messages[i]'s outcome.
  std::vector<SendOutcome> SendAll(const std::vector<const OutgoingMessage*>& messages) override;

 private:
  void Worker(MessageSender& sender);

  std::mutex call_mu_;  // one SendAll at a time
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  const std::vector<const OutgoingMessage*>* batch_ = nullptr;
  std::vector<SendOutcome>* outcomes_ = nullptr;
  size_t next_ = 0, finished_ = 0;
  bool stopping_ = false;
  std::vector<std::unique_ptr<MessageSender>> senders_;
  std::vector<std::thread> threads_;
};

}  // namespace mc::execution
