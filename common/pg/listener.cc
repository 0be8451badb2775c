#include "common/pg/listener.h"

#include <algorithm>
#include <pqxx/pqxx>
#include <thread>

#include "absl/time/clock.h"

namespace mc::pg {
namespace {
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel)
      : pqxx::notification_receiver(c, channel) {}
  void operator()(const std::string&, int) override {}
};
}  // namespace

Listener::Listener(std::string dsn, std::string channel)
    : dsn_(std::move(dsn)), channel_(std::move(channel)) {}

Listener::~Listener() {
  receiver_.reset();
  conn_.reset();
}

bool Listener::Wait(absl::Duration max) {
  const absl::Time deadline = absl::Now() + max;
  std::unique_lock<std::timed_mutex> turn(waiting_, std::defer_lock);
  if (!turn.try_lock_for(absl::ToChronoNanoseconds(max))) return false;
  max = std::max(deadline - absl::Now(), absl::ZeroDuration());
  try {
    if (conn_ == nullptr) {
      conn_ = std::make_unique<pqxx::connection>(dsn_);
      receiver_ = std::make_unique<Receiver>(*conn_, channel_);
      // A notification sent before LISTEN took effect is lost: report "maybe work" once.
      conn_->get_notifs();
      return true;
    }
    const int64_t us = absl::ToInt64Microseconds(max);
    return conn_->await_notification(us / 1000000, us % 1000000) > 0;
  } catch (const std::exception&) {
    receiver_.reset();
    conn_.reset();
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(std::min(max, absl::Seconds(1))));
    return false;
  }
}

}  // namespace mc::pg
