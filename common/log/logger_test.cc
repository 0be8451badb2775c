#include "common/log/logger.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mc::log {
namespace {

TEST_CASE("each log line is a JSON object with the fields given") {
  std::ostringstream out;
  Logger logger("execution", Level::kInfo, out);
  logger.Info("pushed", {{"event_id", int64_t{42}}, {"queue", std::string_view("rt")}});
  logger.Debug("hidden");
  std::string text = out.str();
  REQUIRE(std::count(text.begin(), text.end(), '\n') == 1);
  auto j = nlohmann::json::parse(text);
  CHECK(j["msg"] == "pushed");
  CHECK(j["level"] == "info");
  CHECK(j["service"] == "execution");
  CHECK(j["event_id"] == 42);
  CHECK(j["queue"] == "rt");
}

TEST_CASE("invalid UTF-8 never throws") {
  std::ostringstream out;
  Logger logger("x", Level::kDebug, out);
  logger.Warn("bad", {{"v", std::string_view("\xff\xfe")}});
  CHECK_NOTHROW(nlohmann::json::parse(out.str()));
}

TEST_CASE("level names parse") {
  CHECK(ParseLevel("debug") == Level::kDebug);
  CHECK(ParseLevel("error") == Level::kError);
  CHECK(ParseLevel("bogus") == Level::kInfo);
}

}  // namespace
}  // namespace mc::log
