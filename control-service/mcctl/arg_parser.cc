#include "control-service/mcctl/arg_parser.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace mc::mcctl {
namespace {

struct Found {
  const FlagSpec* spec = nullptr;
  ParsedFlags* into = nullptr;
};

Found Find(const std::vector<FlagScope>& scopes, const std::string& name) {
  for (const FlagScope& scope : scopes) {
    for (const FlagSpec& spec : *scope.specs) {
      if (spec.name == name) return {&spec, scope.into};
    }
  }
  return {};
}

absl::Status StoreBoolean(const FlagSpec& spec, ParsedFlags* into,
                          const std::optional<std::string>& inline_value) {
  bool value = true;
  if (inline_value && !absl::SimpleAtob(*inline_value, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", spec.name, " takes no value (or true/false), not '", *inline_value, "'"));
  }
  into->Add(spec.name, value ? "true" : "false");
  return absl::OkStatus();
}

}  // namespace

std::string ParsedFlags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedFlags::All(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<int64_t> ParsedFlags::GetInt(const std::string& name, int64_t fallback,
                                            int64_t min) const {
  if (!Has(name)) return fallback;
  int64_t v = 0;
  const std::string text = Get(name);
  if (!absl::SimpleAtoi(text, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": '", text, "' is not a whole number"));
  }
  if (v < min) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": must be at least ", min));
  }
  return v;
}

absl::Status ParseArgs(const std::vector<std::string>& args, size_t* pos,
                       const std::vector<FlagScope>& scopes, std::vector<std::string>* words,
                       size_t max_words) {
  size_t read = 0;
  while (*pos < args.size() && read < max_words) {
    const std::string& arg = args[(*pos)++];
    if (arg == "--") {
      for (; *pos < args.size(); ++*pos) words->push_back(args[*pos]);
      return absl::OkStatus();
    }
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] != '-' && arg != "-h")) {
      words->push_back(arg);
      ++read;
      continue;
    }
    std::string name = arg == "-h" ? "help" : arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    name = absl::StrReplaceAll(name, {{"_", "-"}});
    const Found found = Find(scopes, name);
    if (found.spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!found.spec->repeated && found.into->Has(name)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " given twice"));
    }
    if (found.spec->value_name.empty()) {
      if (absl::Status s = StoreBoolean(*found.spec, found.into, inline_value); !s.ok()) return s;
      continue;
    }
    if (!inline_value) {
      if (*pos >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value (", FlagUsage(*found.spec), ")"));
      }
      inline_value = args[(*pos)++];
    }
    found.into->Add(name, *inline_value);
  }
  return absl::OkStatus();
}

absl::Status CheckRequired(const std::vector<FlagSpec>& specs, const ParsedFlags& flags) {
  for (const FlagSpec& spec : specs) {
    if (spec.required && !flags.Has(spec.name)) {
      return absl::InvalidArgumentError(absl::StrCat("missing ", FlagUsage(spec)));
    }
  }
  return absl::OkStatus();
}

std::string FlagUsage(const FlagSpec& spec) {
  if (spec.value_name.empty()) return "--" + spec.name;
  return absl::StrCat("--", spec.name, " ", spec.value_name);
}

}  // namespace mc::mcctl
