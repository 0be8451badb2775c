// mcctl: the Message Center operator's command line over gRPC (see `mcctl --help`).
// Thin: hands the arguments and the environment to RunCli.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "control-service/mcctl/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return mc::mcctl::RunCli(args, env, std::cout, std::cerr);
}
