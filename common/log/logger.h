// Logger: structured logs, one JSON object per line:
//   {"ts":"2026-11-26T10:00:00.123456Z","level":"info","service":"execution","msg":"...",...}
//
// A Logger is built once in main() and passed by reference; there is no global logger. Secrets
// must never be passed as fields. Thread-safe: each line is written whole under a mutex.
// Write failures on the sink are ignored (logging never fails the caller).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"

namespace mc::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn" or "error"; anything else is kInfo.
Level ParseLevel(std::string_view name);

// A field value: text (std or absl string views, C strings), integer, double or bool.
class Value {
 public:
  using Variant = std::variant<std::string_view, int64_t, double, bool>;
  Value(std::string_view v) : v_(v) {}
  Value(absl::string_view v) : v_(std::string_view(v.data(), v.size())) {}
  Value(const char* v) : v_(std::string_view(v)) {}
  Value(const std::string& v) : v_(std::string_view(v)) {}
  Value(int v) : v_(int64_t{v}) {}
  Value(int64_t v) : v_(v) {}
  Value(double v) : v_(v) {}
  Value(bool v) : v_(v) {}
  const Variant& get() const { return v_; }

 private:
  Variant v_;
};
using Field = std::pair<std::string_view, Value>;

class Logger {
 public:
  Logger(std::string service, Level min_level, std::ostream& sink);

  void Log(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
  void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kDebug, msg, fields);
  }
  void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
    Log(Level::kError, msg, fields);
  }
  bool Enabled(Level level) const { return level >= min_level_; }

 private:
  std::string service_;
  Level min_level_;
  std::mutex mu_;
  std::ostream& sink_;
};

}  // namespace mc::log
