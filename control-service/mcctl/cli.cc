#include "control-service/mcctl/cli.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/help.h"

namespace mc::mcctl {
namespace {

std::vector<std::string> Groups(const std::vector<CommandSpec>& commands) {
  std::vector<std::string> groups;
  for (const CommandSpec& c : commands) {
    if (groups.empty() || groups.back() != c.group) groups.push_back(c.group);
  }
  return groups;
}

std::vector<std::string> Verbs(const std::vector<CommandSpec>& commands, const std::string& group) {
  std::vector<std::string> verbs;
  for (const CommandSpec& c : commands) {
    if (c.group == group) verbs.push_back(c.verb);
  }
  return verbs;
}

const CommandSpec* Find(const std::vector<CommandSpec>& commands, const std::string& group,
                        const std::string& verb) {
  for (const CommandSpec& c : commands) {
    if (c.group == group && c.verb == verb) return &c;
  }
  return nullptr;
}

int Usage(std::ostream& err, const std::string& message, const std::string& more) {
  err << "mcctl: " << message << "\n" << more;
  return kExitUsage;
}

// The positional arguments against the spec; INVALID_ARGUMENT naming the missing or extra one
// (of the arguments that must be given: "[CHANNEL] ADDRESS" misses ADDRESS).
absl::Status CheckArgs(const CommandSpec& spec, const std::vector<std::string>& args) {
  const int n = static_cast<int>(args.size());
  if (n < spec.min_args) {
    std::vector<std::string> names;
    for (absl::string_view word : absl::StrSplit(spec.args, ' ', absl::SkipEmpty())) {
      if (!absl::StartsWith(word, "[")) names.emplace_back(word);
    }
    return absl::InvalidArgumentError(
        absl::StrCat("missing ", n < static_cast<int>(names.size()) ? names[n] : "an argument"));
  }
  if (spec.max_args >= 0 && n > spec.max_args) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args[spec.max_args], "'"));
  }
  return absl::OkStatus();
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
           std::ostream& err) {
  const std::vector<CommandSpec>& commands = AllCommands();
  const std::string see_help = "run `mcctl --help` for the commands and flags\n";
  ParsedFlags global;
  std::vector<std::string> words;
  size_t pos = 0;
  if (absl::Status s = ParseArgs(args, &pos, {{&GlobalFlags(), &global}}, &words, 2); !s.ok()) {
    return Usage(err, std::string(s.message()), see_help);
  }
  if (global.Has("version")) {
    out << "mcctl " << MC_VERSION << "\n";
    return kExitOk;
  }
  if (!words.empty() && words[0] == "help") {  // `mcctl help GROUP VERB`
    words.erase(words.begin());
    if (!global.Has("help")) global.Add("help", "true");
    if (absl::Status s = ParseArgs(args, &pos, {{&GlobalFlags(), &global}}, &words, 1); !s.ok()) {
      return Usage(err, std::string(s.message()), see_help);
    }
  }
  const bool help = global.Get("help") == "true";
  if (words.empty()) {
    if (help) {
      out << GeneralHelp(commands);
      return kExitOk;
    }
    return Usage(
        err, absl::StrCat("missing command (one of ", absl::StrJoin(Groups(commands), ", "), ")"),
        see_help);
  }
  const std::string& group = words[0];
  const std::vector<std::string> verbs = Verbs(commands, group);
  if (verbs.empty()) {
    return Usage(err,
                 absl::StrCat("unknown command '", group, "' (one of ",
                              absl::StrJoin(Groups(commands), ", "), ")"),
                 see_help);
  }
  if (words.size() < 2) {
    if (help) {
      out << GroupHelp(commands, group);
      return kExitOk;
    }
    return Usage(err,
                 absl::StrCat("missing what to do with ", group, " (one of ",
                              absl::StrJoin(verbs, ", "), ")"),
                 GroupHelp(commands, group));
  }
  const CommandSpec* spec = Find(commands, group, words[1]);
  if (spec == nullptr) {
    return Usage(err,
                 absl::StrCat("unknown command '", group, " ", words[1], "' (", group, " takes ",
                              absl::StrJoin(verbs, ", "), ")"),
                 GroupHelp(commands, group));
  }
  const std::string usage = absl::StrCat("usage: ", CommandUsage(*spec), "\n");
  const std::string name = absl::StrCat(group, " ", spec->verb, ": ");
  ParsedFlags flags;
  std::vector<std::string> positional(words.begin() + 2, words.end());
  if (absl::Status s = ParseArgs(args, &pos, {{&spec->flags, &flags}, {&GlobalFlags(), &global}},
                                 &positional, std::numeric_limits<size_t>::max());
      !s.ok()) {
    return Usage(err, name + std::string(s.message()), usage);
  }
  if (global.Get("help") == "true") {
    out << CommandHelp(*spec);
    return kExitOk;
  }
  if (absl::Status s = CheckArgs(*spec, positional); !s.ok()) {
    return Usage(err, name + std::string(s.message()), usage);
  }
  if (absl::Status s = CheckRequired(spec->flags, flags); !s.ok()) {
    return Usage(err, name + std::string(s.message()), usage);
  }
  absl::StatusOr<ClientSettings> settings = ResolveSettings(global, env);
  if (!settings.ok()) return Usage(err, std::string(settings.status().message()), see_help);
  Invocation inv(*spec, *settings, std::move(flags), std::move(positional), out, err);
  return spec->run(inv);
}

}  // namespace mc::mcctl
