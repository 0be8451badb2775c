// The words and flags of an mcctl command line, parsed against the flags each scope accepts.
//
// Forms: `--name value`, `--name=value`, and `--name` for a boolean flag; `-h` is `--help`;
// '_' and '-' are the same in a flag's name; `--` makes every later argument a word; "-" alone
// is a word (standard input). Flags resolve in the first scope that knows them, so a command's
// own flag wins over a global flag of the same name.
// Failure modes: INVALID_ARGUMENT for an unknown flag, a missing or malformed value, or a
// flag given twice that is not repeatable. Pure, thread-compatible.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace mc::mcctl {

struct FlagSpec {
  // Without "--", words joined by '-', e.g. "credential-file".
  std::string name;
  // Empty for a boolean flag; otherwise what the value is, e.g. "FILE".
  std::string value_name;
  std::string help;
  bool repeated = false;
  bool required = false;
};

// The flags read in one scope: each name with its values in order ("true" for a boolean).
class ParsedFlags {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value, or `fallback` when absent.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& name) const;
  void Add(const std::string& name, const std::string& value) { values_[name].push_back(value); }
  // An integer flag's value (or `fallback`); INVALID_ARGUMENT naming the flag when malformed
  // or below `min`.
  [[nodiscard]] absl::StatusOr<int64_t> GetInt(const std::string& name, int64_t fallback,
                                               int64_t min) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

struct FlagScope {
  const std::vector<FlagSpec>* specs;
  ParsedFlags* into;
};

// Reads args[*pos...]: flags into their scope, other arguments appended to `words`, stopping
// after `max_words` words (so a caller can choose the next scopes from them) or at the end.
[[nodiscard]] absl::Status ParseArgs(const std::vector<std::string>& args, size_t* pos,
                                     const std::vector<FlagScope>& scopes,
                                     std::vector<std::string>* words, size_t max_words);

// OK when every required flag of `specs` is in `flags`; otherwise INVALID_ARGUMENT naming the
// first missing one.
[[nodiscard]] absl::Status CheckRequired(const std::vector<FlagSpec>& specs,
                                         const ParsedFlags& flags);

// "--name VALUE" (or "--name" for a boolean): how a flag is written in usage texts.
std::string FlagUsage(const FlagSpec& spec);

}  // namespace mc::mcctl
