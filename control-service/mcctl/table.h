// Human output: Table (aligned columns under a header, numbers right-aligned) and FieldList
// (one "label: value" per line, labels aligned; multi-line values indented under it).
// Widths count UTF-8 characters, not bytes. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace mc::mcctl {

// The cell for a value that may be empty: "-" when it is.
inline std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Missing cells print empty; extra cells are dropped. Line breaks in a cell print as spaces.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  // Header and rows, two spaces between columns, no trailing blanks. With no rows, prints
  // `empty_text` alone (when not empty).
  void Print(std::ostream& out, const std::string& empty_text = "") const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

class FieldList {
 public:
  FieldList& Add(std::string label, std::string value);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// The number of characters (code points) of UTF-8 text.
size_t DisplayWidth(const std::string& text);

}  // namespace mc::mcctl
