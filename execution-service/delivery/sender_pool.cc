#include "execution-service/delivery/sender_pool.h"

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
  work_cv_.notify_all();
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
    size_t i = next_++;
    const OutgoingMessage* m = (*batch_)[i];
    std::vector<SendOutcome>* outcomes = outcomes_;
    lock.unlock();
    SendOutcome o = sender.Send(*m);
    lock.lock();
    (*outcomes)[i] = std::move(o);
    if (++finished_ == batch_->size()) done_cv_.notify_all();
  }
}

}  // namespace mc::execution
