#include "common/health/health_watcher.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace mc::health {
namespace {

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST_CASE("health follows the probe, changing only on transitions, logged") {
  std::ostringstream log_text;
  log::Logger logger("test", log::Level::kInfo, log_text);
  std::atomic<bool> up{true};
  std::atomic<int> probes{0};
  std::mutex mu;
  std::vector<bool> calls;
  auto calls_now = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  };
  HealthWatcher watcher(
      [&] {
        ++probes;
        return up ? absl::OkStatus() : absl::UnavailableError("connection refused");
      },
      [&](bool serving) {
        std::lock_guard<std::mutex> lock(mu);
        calls.push_back(serving);
      },
      {.interval = absl::Milliseconds(10)}, logger);
  REQUIRE(WaitFor([&] { return probes >= 3; }));
  CHECK(calls_now().empty());  // started SERVING; nothing to change
  CHECK(watcher.serving());

  up = false;
  REQUIRE(WaitFor([&] { return !watcher.serving(); }));
  int seen = probes;
  REQUIRE(WaitFor([&] { return probes >= seen + 3; }));
  CHECK(calls_now() == std::vector<bool>{false});

  up = true;
  REQUIRE(WaitFor([&] { return watcher.serving(); }));
  seen = probes;
  REQUIRE(WaitFor([&] { return probes >= seen + 3; }));
  CHECK(calls_now() == std::vector<bool>{false, true});

  watcher.Stop();
  seen = probes;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(probes == seen);
  const std::string text = log_text.str();
  CHECK(text.find("health NOT_SERVING") != std::string::npos);
  CHECK(text.find("connection refused") != std::string::npos);
  CHECK(text.find("health SERVING") != std::string::npos);
}

TEST_CASE("a failing first probe sets NOT_SERVING at once; Stop does not wait an interval") {
  std::ostringstream log_text;
  log::Logger logger("test", log::Level::kError, log_text);
  std::atomic<int> not_serving{0};
  const auto start = std::chrono::steady_clock::now();
  {
    HealthWatcher watcher([] { return absl::UnavailableError("down"); },
                          [&](bool serving) { not_serving += serving ? 0 : 1; },
                          {.interval = absl::Hours(1)}, logger);
    REQUIRE(WaitFor([&] { return not_serving == 1; }));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(not_serving == 1);
}

}  // namespace
}  // namespace mc::health
