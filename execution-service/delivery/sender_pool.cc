#include "execution-service/delivery/sender_pool.h"

#include <algorithm>

namespace mc::execution {

SenderPool::SenderPool(int concurrency, const Factory& factory) {
  for (int i = 0; i < concurrency; ++i) senders_.push_back(factory());
  for (auto& s : senders_) threads_.emplace_back([this, sender = s.get()] { Worker(*sender); });
}

SenderPool::~SenderPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::vector<SendOutcome> SenderPool::SendAll(const std::vector<const OutgoingMessage*>& messages) {
  std::vector<SendOutcome> outcomes(messages.size());
  if (messages.empty()) return outcomes;
  std::lock_guard<std::mutex> call(call_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  batch_ = &messages;
  outcomes_ = &outcomes;
  next_ = 0;
  finished_ = 0;
  // One sender wakes; each wakes another while work is left (a few messages wake one thread).
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return finished_ == messages.size(); });
  batch_ = nullptr;
  outcomes_ = nullptr;
  return outcomes;
}

void SenderPool::Worker(MessageSender& sender) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || (batch_ && next_ < batch_->size()); });
    if (stopping_) return;
    // A fair share of what is left: at most 32, at least 1, for senders that send a message
    // per round trip; between 16 and their group for those that send groups (a few messages
    // go in one group rather than one each on as many connections).
    const size_t left = batch_->size() - next_;
    const size_t fair = left / senders_.size();
    const size_t group = sender.GroupSize();
    const size_t take =
        group > 1 ? std::min(left, std::clamp<size_t>(fair, std::min<size_t>(group, 16), group))
                  : std::clamp<size_t>(fair, 1, 32);
    const size_t first = next_;
    next_ += take;
    if (next_ < batch_->size()) work_cv_.notify_one();
    std::vector<const OutgoingMessage*> chunk(batch_->begin() + first,
                                              batch_->begin() + first + take);
    std::vector<SendOutcome>* outcomes = outcomes_;
    lock.unlock();
    std::vector<SendOutcome> results = sender.SendMany(chunk);
    lock.lock();
    for (size_t k = 0; k < take; ++k) (*outcomes)[first + k] = std::move(results[k]);
    finished_ += take;
    if (finished_ == batch_->size()) done_cv_.notify_all();
  }
}

}  // namespace mc::execution
