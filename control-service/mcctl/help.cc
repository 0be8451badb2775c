#include "control-service/mcctl/help.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "control-service/mcctl/exit_codes.h"

namespace mc::mcctl {
namespace {

std::string Where(Target target) {
  return target == Target::kExecution ? "the execution instance (--execution or MC_EXECUTION)"
                                      : "the control instance (--control or MC_CONTROL)";
}

// "  --name VALUE   help" lines, aligned.
std::string FlagLines(const std::vector<FlagSpec>& flags) {
  size_t width = 0;
  for (const FlagSpec& f : flags) width = std::max(width, FlagUsage(f).size());
  std::string text;
  for (const FlagSpec& f : flags) {
    const std::string usage = FlagUsage(f);
    absl::StrAppend(&text, "  ", usage, std::string(width - usage.size() + 2, ' '), f.help,
                    f.repeated ? " (repeatable)" : "", "\n");
  }
  return text;
}

// Every command of `group` with its full usage and summary.
std::string CommandLines(const std::vector<CommandSpec>& commands, const std::string& group) {
  std::string text;
  for (const CommandSpec& c : commands) {
    if (c.group != group) continue;
    absl::StrAppend(&text, "  ", CommandUsage(c), "\n      ", c.summary,
                    c.target == Target::kExecution ? " [execution]" : "", "\n");
  }
  return text;
}

// One line per command: its words and arguments, then its summary, aligned.
std::string CommandIndex(const std::vector<CommandSpec>& commands) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const CommandSpec& c : commands) {
    heads.push_back(absl::StrCat(c.group, " ", c.verb, c.args.empty() ? "" : " ", c.args));
    width = std::max(width, heads.back().size());
  }
  std::string text;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (i > 0 && commands[i].group != commands[i - 1].group) text += "\n";
    absl::StrAppend(&text, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '),
                    commands[i].target == Target::kExecution ? "[execution] " : "",
                    commands[i].summary, "\n");
  }
  return text;
}

}  // namespace

std::string GeneralHelp(const std::vector<CommandSpec>& commands) {
  return absl::StrCat(
      "mcctl: operate Message Center over gRPC: external accounts, technical and archiving\n"
      "workflows, templates and the personalisation blocks they include, status-webhook\n"
      "subscriptions, events, reports, the search of the archive and every instance's\n"
      "suppression list (quarantine and deny list).\n\n"
      "Usage: mcctl [FLAGS] GROUP VERB [ARGUMENTS] [FLAGS]\n\n"
      "Commands (on the control instance; [execution]: on the execution instance; each\n"
      "command's flags: mcctl GROUP VERB --help):\n",
      CommandIndex(commands),
      "\nGlobal flags (before or after the command; after it, a command's own flag of the same\n"
      "name wins: `accounts create --tls` sets the account's connection, so put mcctl's own\n"
      "--tls before the command):\n",
      FlagLines(GlobalFlags()),
      "\nOutput: tables for people. --json prints the response message as one proto-JSON object\n"
      "on one line (lowerCamelCase names, enums by name, 64-bit integers as strings, every\n"
      "field). Errors go to stderr as `mcctl: <what failed>: <message>` with a `hint:` line.\n"
      "The token is never printed; prefer MC_TOKEN or --token-file to --token (seen by ps).\n\n",
      ExitCodesHelp(), "\nMore: mcctl GROUP --help, mcctl GROUP VERB --help.\n");
}

std::string GroupHelp(const std::vector<CommandSpec>& commands, const std::string& group) {
  return absl::StrCat("Usage: mcctl ", group, " VERB ...\n\n", CommandLines(commands, group),
                      "\nGlobal flags and exit codes: mcctl --help.\n");
}

std::string CommandHelp(const CommandSpec& spec) {
  std::string text = absl::StrCat("Usage: ", CommandUsage(spec), "\n\n", spec.summary, "\n",
                                  "Talks to ", Where(spec.target), ".\n");
  if (!spec.flags.empty()) absl::StrAppend(&text, "\nFlags:\n", FlagLines(spec.flags));
  absl::StrAppend(&text, "\nGlobal flags and exit codes: mcctl --help.\n");
  return text;
}

}  // namespace mc::mcctl
