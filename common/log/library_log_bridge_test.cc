#include "common/log/library_log_bridge.h"

#include <google/protobuf/struct.pb.h>
#include <grpc/support/log.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace mc::log {
namespace {

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// A google.protobuf.Value whose string_value is not UTF-8: protobuf logs an error parsing it.
std::string ValueWithInvalidUtf8() {
  std::string wire = "\x1a\x02";  // field 3 (string_value), length 2
  wire += "\xff\xfe";
  return wire;
}

TEST_CASE("protobuf's complaint about a bad body becomes one JSON line") {
  std::ostringstream out;
  Logger logger("execution", Level::kInfo, out);
  {
    LibraryLogBridge bridge(logger, {});
    google::protobuf::Value v;
    CHECK_FALSE(v.ParseFromString(ValueWithInvalidUtf8()));
  }
  std::vector<nlohmann::json> lines = Lines(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["source"] == "protobuf");
  CHECK(lines[0]["level"] == "error");
  CHECK(lines[0]["msg"].get<std::string>().find("UTF-8") != std::string::npos);
}

TEST_CASE("gRPC core's lines become JSON lines") {
  std::ostringstream out;
  Logger logger("control", Level::kInfo, out);
  {
    LibraryLogBridge bridge(logger, {});
    gpr_log(GPR_ERROR, "core says %d", 42);
  }
  std::vector<nlohmann::json> lines = Lines(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["source"] == "grpc");
  CHECK(lines[0]["msg"] == "core says 42");
  CHECK(lines[0]["line"].get<int>() > 0);
}

TEST_CASE("a flood is cut to the budget and the rest counted in one line") {
  std::ostringstream out;
  Logger logger("execution", Level::kInfo, out);
  {
    LibraryLogBridge bridge(logger, {.lines_per_window = 5, .window = absl::Hours(1)});
    for (int i = 0; i < 1000; ++i) {
      google::protobuf::Value v;
      (void)v.ParseFromString(ValueWithInvalidUtf8());
    }
  }
  std::vector<nlohmann::json> lines = Lines(out.str());
  REQUIRE(lines.size() == 6);
  CHECK(lines[5]["msg"] == "library log lines suppressed");
  CHECK(lines[5]["suppressed"] == 995);
}

TEST_CASE("lines below the logger's level are neither written nor counted") {
  std::ostringstream out;
  Logger logger("execution", Level::kError, out);
  {
    LibraryLogBridge bridge(logger, {.lines_per_window = 1, .window = absl::Hours(1)});
    gpr_set_log_verbosity(GPR_LOG_SEVERITY_DEBUG);  // gRPC passes its info lines on
    for (int i = 0; i < 10; ++i) gpr_log(GPR_INFO, "chatter");
    gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
    gpr_log(GPR_ERROR, "the one that counts");
  }
  std::vector<nlohmann::json> lines = Lines(out.str());
  REQUIRE(lines.size() == 1);  // no "suppressed" line: the info lines were never counted
  CHECK(lines[0]["msg"] == "the one that counts");
}

}  // namespace
}  // namespace mc::log
