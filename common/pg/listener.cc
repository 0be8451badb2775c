#include "common/pg/listener.h"

#include <pqxx/pqxx>
#include <thread>

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
