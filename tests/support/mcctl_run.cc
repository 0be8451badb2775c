#include "tests/support/mcctl_run.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/process/subprocess.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace {

std::string ReadAndRemove(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::filesystem::remove(path);
  return text.str();
}

}  // namespace

McctlRun RunMcctl(const std::string& binary, const std::vector<std::string>& args,
                  const std::vector<std::string>& env) {
  const std::string base = LogPath("mcctl");
  process::SpawnOptions options;
  options.argv = {binary};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = env;
  options.stdout_path = base + ".out";
  options.stderr_path = base + ".err";
  absl::StatusOr<int> code = process::Run(options);
  REQUIRE(code.ok());
  return {.command = absl::StrCat("mcctl ", absl::StrJoin(args, " ")),
          .code = *code,
          .out = ReadAndRemove(options.stdout_path),
          .err = ReadAndRemove(options.stderr_path)};
}

}  // namespace mc::e2e
