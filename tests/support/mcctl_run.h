// RunMcctl: runs the mcctl binary as a subprocess for end-to-end tests, with `env` ("NAME=value")
// added to its environment, and returns its exit code, stdout and stderr (read from files under
// $TMPDIR, then removed). A spawn failure stops the test with FAIL.
#pragma once

#include <string>
#include <vector>

namespace mc::e2e {

struct McctlRun {
  std::string command;  // "mcctl <args>", for messages
  int code = -1;
  std::string out, err;
};

McctlRun RunMcctl(const std::string& binary, const std::vector<std::string>& args,
                  const std::vector<std::string>& env);

}  // namespace mc::e2e
