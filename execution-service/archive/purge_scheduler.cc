#include "execution-service/archive/purge_scheduler.h"

namespace mc::execution {

PurgeScheduler::PurgeScheduler(ArchivePurge& purge, absl::Duration interval)
    : purge_(purge), interval_(interval), thread_([this] { Loop(); }) {}

PurgeScheduler::~PurgeScheduler() { Stop(); }

void PurgeScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PurgeScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    (void)purge_.Purge();  // logged there, success or failure
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; });
  }
}

}  // namespace mc::execution
