// Listener: waits for PostgreSQL notifications on one channel (LISTEN), on its own
// connection, made lazily and remade after a loss. Wait() returns when a notification arrived
// or after `max`, whichever comes first; while PostgreSQL is unreachable it just sleeps `max`
// (capped at a second). Used to wake a worker at once instead of polling.
// Thread-safe: one thread at a time waits on the connection, the others queue behind it, so a
// notification wakes one of several workers sharing the listener, not all of them (the others
// would find nothing left to claim).
#pragma once

#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>

#include "absl/time/time.h"

namespace mc::pg {

class Listener {
 public:
  Listener(std::string dsn, std::string channel);
  ~Listener();
  // True when a notification arrived.
  bool Wait(absl::Duration max);

 private:
  std::timed_mutex waiting_;  // held by the one thread waiting on the connection
  std::string dsn_;
  std::string channel_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::notification_receiver> receiver_;
};

}  // namespace mc::pg
