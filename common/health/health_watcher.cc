#include "common/health/health_watcher.h"

namespace mc::health {

HealthWatcher::HealthWatcher(std::function<absl::Status()> probe,
                             std::function<void(bool)> set_serving, HealthWatcherOptions options,
                             log::Logger& logger)
    : probe_(std::move(probe)),
      set_serving_(std::move(set_serving)),
      options_(std::move(options)),
      logger_(logger),
      task_(options_.interval, [this] { Check(); }) {}

HealthWatcher::~HealthWatcher() { Stop(); }

void HealthWatcher::Stop() { task_.Stop(); }

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

}  // namespace mc::health
