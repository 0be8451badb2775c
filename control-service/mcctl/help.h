// mcctl's help texts, generated from the command table: the whole tool (commands, global
// flags, output, exit codes), one group's commands, and one command with its flags.
// Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "control-service/mcctl/command.h"

namespace mc::mcctl {

std::string GeneralHelp(const std::vector<CommandSpec>& commands);
std::string GroupHelp(const std::vector<CommandSpec>& commands, const std::string& group);
std::string CommandHelp(const CommandSpec& spec);

}  // namespace mc::mcctl
