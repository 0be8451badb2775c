// FlagSet: command-line flags with environment-variable fallbacks, bound to fields of a config
// struct.
//
// Every flag `--name` also reads the environment variable `MC_NAME` (upper case, '-' as '_').
// Precedence: command line, then environment, then the field's current value (the default).
// Accepted forms: `--name=value`, `--name value`, and for booleans `--name` / `--noname`.
//
// Failure modes: Parse() returns INVALID_ARGUMENT naming the flag (or variable) for an unknown
// flag, a missing value or a value of the wrong type. Not thread-safe; use from main().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace mc::config {

class FlagSet {
 public:
  // Looks up an environment variable; returns nullopt when unset.
  using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

  explicit FlagSet(std::string program_summary);

  void String(std::string name, std::string* field, std::string help);
  void Int(std::string name, int* field, std::string help);
  void Bool(std::string name, bool* field, std::string help);

  // Parses argv (argv[0] is skipped). Non-flag arguments are kept in positional().
  [[nodiscard]] absl::Status Parse(int argc, const char* const* argv);
  [[nodiscard]] absl::Status Parse(int argc, const char* const* argv, const EnvLookup& env);

  const std::vector<std::string>& positional() const { return positional_; }
  bool help_requested() const { return help_requested_; }
  // The usage text: every flag with its variable, default and help.
  std::string Usage() const;

  // "MC_" + upper-cased name with '-' replaced by '_'.
  static std::string EnvName(const std::string& flag_name);

 private:
  enum class Kind { kString, kInt, kBool };
  struct Flag {
    std::string name;
    Kind kind;
    void* field;
    std::string help;
    std::string default_text;
  };

  Flag* Find(const std::string& name);
  [[nodiscard]] static absl::Status Assign(const Flag& flag, const std::string& value,
                                           const std::string& source);

  std::string summary_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

}  // namespace mc::config
