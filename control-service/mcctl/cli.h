// RunCli: mcctl from its arguments to its exit code. Reads the global flags, finds the command
// (GROUP VERB), reads its flags and arguments, resolves the settings (flags, then the
// environment through `env`), runs it; prints help, usage errors (exit 2) and the command's
// output to `out` / `err`. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "control-service/mcctl/client_settings.h"

namespace mc::mcctl {

// `args` without the program name.
int RunCli(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
           std::ostream& err);

}  // namespace mc::mcctl
