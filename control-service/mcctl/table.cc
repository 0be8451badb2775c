#include "control-service/mcctl/table.h"

#include <algorithm>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace mc::mcctl {
namespace {

void Pad(std::ostream& out, size_t n) {
  for (size_t i = 0; i < n; ++i) out << ' ';
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // not a continuation byte
  }
  return n;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (std::string& cell : cells) {
    cell = absl::StrReplaceAll(cell, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}, {"\t", " "}});
  }
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out, const std::string& empty_text) const {
  if (rows_.empty() && !empty_text.empty()) {
    out << empty_text << "\n";
    return;
  }
  std::vector<size_t> widths;
  for (const Column& c : columns_) widths.push_back(DisplayWidth(c.header));
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  auto print_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t pad = widths[i] - DisplayWidth(cells[i]);
      const bool last = i + 1 == cells.size();
      if (i > 0) line += "  ";
      if (columns_[i].align == Align::kRight) {
        line += std::string(pad, ' ') + cells[i];
      } else {
        line += cells[i];
        if (!last) line += std::string(pad, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  std::vector<std::string> header;
  for (const Column& c : columns_) header.push_back(c.header);
  print_line(header);
  for (const auto& row : rows_) print_line(row);
}

FieldList& FieldList::Add(std::string label, std::string value) {
  fields_.emplace_back(std::move(label), std::move(value));
  return *this;
}

void FieldList::Print(std::ostream& out) const {
  size_t width = 0;
  for (const auto& [label, value] : fields_) width = std::max(width, DisplayWidth(label) + 1);
  for (const auto& [label, value] : fields_) {
    out << label << ":";
    std::vector<std::string> lines = absl::StrSplit(value, '\n');
    while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out << "\n";
      if (lines[i].empty()) continue;
      Pad(out, i == 0 ? width - DisplayWidth(label) - 1 + 2 : width + 2);
      out << lines[i];
    }
    out << "\n";
  }
}

}  // namespace mc::mcctl
