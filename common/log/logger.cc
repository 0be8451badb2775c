#include "common/log/logger.h"

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace mc::log {

Level ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  return Level::kInfo;
}

namespace {
const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}
}  // namespace

Logger::Logger(std::string service, Level min_level, std::ostream& sink)
    : service_(std::move(service)), min_level_(min_level), sink_(sink) {}

void Logger::Log(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["service"] = service_;
  line["msg"] = std::string(msg);
  for (const auto& [key, value] : fields) {
    std::visit(
        [&line, key = std::string(key)](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            line[key] = std::string(v);
          } else {
            line[key] = v;
          }
        },
        value.get());
  }
  // Invalid UTF-8 in a field is replaced, never thrown.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mu_);
  sink_ << text << '\n';
  sink_.flush();
}

}  // namespace mc::log
