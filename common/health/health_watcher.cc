#include "common/health/health_watcher.h"

namespace mc::health {

HealthWatcher::HealthWatcher(std::function<absl::Status()> probe,
                             std::function<void(bool)> set_serving, HealthWatcherOptions options,
                             log::Logger& logger)
    : probe_(std::move(probe)),
      set_serving_(std::move(set_serving)),
      options_(std::move(options)),
      logger_(logger),
      thread_([this] { Loop(); }) {}

HealthWatcher::~HealthWatcher() { Stop(); }

void HealthWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthWatcher::Check() {
  const absl::Status s = probe_();
  const bool up = s.ok();
  if (up == serving_) return;
  serving_ = up;
  set_serving_(up);
  if (up) {
    logger_.Info("dependency reachable again: health SERVING",
                 {{"dependency", options_.dependency}});
  } else {
    logger_.Error("dependency unreachable: health NOT_SERVING",
                  {{"dependency", options_.dependency}, {"error", s.message()}});
  }
}

void HealthWatcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Check();
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMicroseconds(options_.interval), [this] { return stop_; });
  }
}

}  // namespace mc::health
