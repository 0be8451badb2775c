// PostgreSQL array literals, so that one prepared statement can take a whole batch of rows as
// arrays (INSERT ... SELECT FROM unnest($1::text[], ...)) whatever the batch size.
//
// Pure functions, thread-safe. Strings must not contain NUL (PostgreSQL text cannot hold it);
// callers validate that first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mc::pg {

// Builds '{...}' for text[]; nullopt becomes NULL. Every element is quoted and escaped.
class TextArray {
 public:
  void Add(std::string_view value);
  void AddNull();
  void AddOptional(const std::optional<std::string>& value) { value ? Add(*value) : AddNull(); }
  // Empty strings are stored as NULL.
  void AddOrNull(std::string_view value) { value.empty() ? AddNull() : Add(value); }
  std::string Finish() const { return literal_ + "}"; }

 private:
  void Separator();
  std::string literal_ = "{";
  bool first_ = true;
};

// Builds '{1,2,NULL}' for integer arrays.
class IntArray {
 public:
  void Add(int64_t value);
  void AddNull();
  void AddOptional(const std::optional<int64_t>& value) { value ? Add(*value) : AddNull(); }
  std::string Finish() const { return literal_ + "}"; }

 private:
  void Separator();
  std::string literal_ = "{";
  bool first_ = true;
};

// Parses a one-dimensional text[] or bigint[] literal as PostgreSQL prints it (used by tests
// and by statements that return arrays). Returns nullopt elements for NULL.
std::vector<std::optional<std::string>> ParseTextArray(std::string_view literal);

}  // namespace mc::pg
