#include "common/testing/mail_decoder.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/process/subprocess.h"

namespace mc::testing {
namespace {

std::string TempPath(const char* what) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return absl::StrCat(dir != nullptr && *dir ? dir : "/tmp", "/mc-mail-", getpid(), "-", counter++,
                      ".", what);
}

}  // namespace

absl::StatusOr<nlohmann::json> RunMailDecoder(const std::string& script, const std::string& mail,
                                              const std::string& key) {
  const std::string input = TempPath("eml");
  const std::string output = TempPath("json");
  {
    std::ofstream f(input, std::ios::binary);
    f << mail;
  }
  absl::StatusOr<int> rc =
      process::Run({.argv = {"/usr/bin/env", "python3", script, input}, .stdout_path = output});
  std::stringstream printed;
  printed << std::ifstream(output).rdbuf();
  std::remove(input.c_str());
  std::remove(output.c_str());
  if (!rc.ok()) return rc.status();
  const std::string name = script.substr(script.rfind('/') + 1);
  if (*rc == 127) {
    return absl::FailedPreconditionError("python3 is not on the PATH: run scripts/install-deps.sh");
  }
  if (*rc != 0) return absl::InternalError(absl::StrCat(name, " exited ", *rc));
  nlohmann::json json = nlohmann::json::parse(printed.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains(key)) {
    return absl::InternalError(absl::StrCat(name, " printed: ", printed.str()));
  }
  return json;
}

}  // namespace mc::testing
