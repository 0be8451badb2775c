#include "common/pg/array_literal.h"

namespace mc::pg {

void TextArray::Separator() {
  if (!first_) literal_.push_back(',');
  first_ = false;
}

void TextArray::Add(std::string_view value) {
  Separator();
  literal_.reserve(literal_.size() + value.size() + 2);
  literal_.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') literal_.push_back('\\');
    literal_.push_back(c);
  }
  literal_.push_back('"');
}

void TextArray::AddNull() {
  Separator();
  literal_ += "NULL";
}

void IntArray::Separator() {
  if (!first_) literal_.push_back(',');
  first_ = false;
}

void IntArray::Add(int64_t value) {
  Separator();
  literal_ += std::to_string(value);
}

void IntArray::AddNull() {
  Separator();
  literal_ += "NULL";
}

std::vector<std::optional<std::string>> ParseTextArray(std::string_view s) {
  std::vector<std::optional<std::string>> out;
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return out;
  size_t i = 1;
  const size_t end = s.size() - 1;
  while (i < end) {
    if (s[i] == '"') {
      std::string v;
      for (++i; i < end && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < end) ++i;
        v.push_back(s[i]);
      }
      ++i;  // closing quote
      out.emplace_back(std::move(v));
    } else {
      size_t j = i;
      while (j < end && s[j] != ',') ++j;
      std::string_view token = s.substr(i, j - i);
      if (token == "NULL") {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(token));
      }
      i = j;
    }
    if (i < end && s[i] == ',') ++i;
  }
  return out;
}

}  // namespace mc::pg
