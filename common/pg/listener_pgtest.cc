// Listener against a real PostgreSQL: a notification wakes a waiter, and wakes only one of two
// waiters sharing the listener.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "common/pg/listener.h"
#include "common/testing/shared_postgres.h"

namespace mc::pg {
namespace {

void Notify(const std::string& channel) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::nontransaction tx(c);
  tx.exec("NOTIFY " + tx.quote_name(channel));
}

TEST_CASE("a notification wakes one of the threads sharing a listener") {
  const std::string channel = testing::FreshSchema("listen");
  Listener listener(testing::SharedPostgresDsn(), channel);
  REQUIRE(listener.Wait(absl::Seconds(1)));  // the first call connects: "maybe work"
  CHECK_FALSE(listener.Wait(absl::Milliseconds(100)));

  std::atomic<int> woken{0}, timed_out{0};
  auto waiter = [&] {
    if (listener.Wait(absl::Seconds(3))) {
      ++woken;
    } else {
      ++timed_out;
    }
  };
  const absl::Time start = absl::Now();
  std::thread a(waiter), b(waiter);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both are waiting
  Notify(channel);
  while (woken == 0 && absl::Now() - start < absl::Seconds(2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(woken == 1);
  CHECK(absl::Now() - start < absl::Seconds(2));  // at once, not at the timeout
  a.join();
  b.join();
  CHECK(woken == 1);
  CHECK(timed_out == 1);  // the other one waited out its time
}

}  // namespace
}  // namespace mc::pg
