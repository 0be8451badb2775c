#include "common/config/flag_set.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace mc::config {

FlagSet::FlagSet(std::string program_summary) : summary_(std::move(program_summary)) {}

void FlagSet::String(std::string name, std::string* field, std::string help) {
  flags_.push_back({std::move(name), Kind::kString, field, std::move(help), "\"" + *field + "\""});
}

void FlagSet::Int(std::string name, int* field, std::string help) {
  flags_.push_back({std::move(name), Kind::kInt, field, std::move(help), std::to_string(*field)});
}

void FlagSet::Bool(std::string name, bool* field, std::string help) {
  flags_.push_back(
      {std::move(name), Kind::kBool, field, std::move(help), *field ? "true" : "false"});
}

std::string FlagSet::EnvName(const std::string& flag_name) {
  return "MC_" + absl::AsciiStrToUpper(absl::StrReplaceAll(flag_name, {{"-", "_"}}));
}

FlagSet::Flag* FlagSet::Find(const std::string& name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

absl::Status FlagSet::Assign(const Flag& flag, const std::string& value,
                             const std::string& source) {
  switch (flag.kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag.field) = value;
      return absl::OkStatus();
    case Kind::kInt: {
      int v = 0;
      if (!absl::SimpleAtoi(value, &v)) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": '", value, "' is not an integer"));
      }
      *static_cast<int*>(flag.field) = v;
      return absl::OkStatus();
    }
    case Kind::kBool: {
      bool v = false;
      if (!absl::SimpleAtob(value, &v)) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": '", value, "' is not a boolean (true/false)"));
      }
      *static_cast<bool*>(flag.field) = v;
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unreachable");
}

absl::Status FlagSet::Parse(int argc, const char* const* argv) {
  return Parse(argc, argv, [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

absl::Status FlagSet::Parse(int argc, const char* const* argv, const EnvLookup& env) {
  for (const Flag& f : flags_) {
    std::string var = EnvName(f.name);
    if (std::optional<std::string> v = env(var)) {
      if (absl::Status s = Assign(f, *v, "environment variable " + var); !s.ok()) return s;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional_.emplace_back(argv[i]);
      break;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positional_.push_back(arg);
      continue;
    }
    std::string body = arg.substr(2);
    if (body == "help") {
      help_requested_ = true;
      continue;
    }
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    Flag* flag = Find(body);
    if (flag == nullptr && !value && body.rfind("no", 0) == 0) {
      flag = Find(body.substr(2));
      if (flag != nullptr && flag->kind == Kind::kBool) {
        *static_cast<bool*>(flag->field) = false;
        continue;
      }
      flag = nullptr;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", body, " (see --help)"));
    }
    if (!value) {
      if (flag->kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag --", body, " needs a value"));
      }
    }
    if (absl::Status s = Assign(*flag, *value, "--" + body); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string FlagSet::Usage() const {
  std::string out = summary_ + "\n\nFlags (each also read from its environment variable):\n";
  for (const Flag& f : flags_) {
    absl::StrAppend(&out, "  --", f.name, " [", EnvName(f.name), "] (default ", f.default_text,
                    ")\n      ", f.help, "\n");
  }
  return out;
}

}  // namespace mc::config
