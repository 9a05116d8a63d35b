#include "sim/base/csv.hpp"

#include <fmt/format.h>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"

namespace aimcsim {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> split_fields(const std::string& line, const std::string& where) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      field.clear();
      bool closed = false;
      for (++i; i < line.size(); ++i) {
        if (line[i] != '"') {
          field += line[i];
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          closed = true;
          ++i;
          break;
        }
      }
      if (!closed)
        throw InputError(
            fmt::format("{}: field {}: unterminated quote (a quoted field ends on "
                        "its own line)",
                        where, fields.size() + 1));
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i < line.size() && line[i] != ',')
        throw InputError(
            fmt::format("{}: field {}: text after the closing quote", where, fields.size() + 1));
      fields.push_back(field);
    } else {
      const std::size_t comma = line.find(',', i);
      fields.push_back(
          trim(line.substr(i, comma == std::string::npos ? std::string::npos : comma - i)));
      i = comma == std::string::npos ? line.size() : comma;
    }
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

}  // namespace

CsvTable CsvTable::parse(const std::string& text, const std::string& name) {
  CsvTable t;
  t.name_ = name;
  std::size_t start = 0, line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    const std::string where = fmt::format("{}:{}", name, line_no);
    std::vector<std::string> fields = split_fields(line, where);
    if (t.header_.empty()) {
      for (std::size_t c = 0; c < fields.size(); ++c) {
        if (fields[c].empty())
          throw InputError(
              fmt::format("{}: column {}: empty column name in the header", where, c + 1));
        for (std::size_t d = 0; d < c; ++d)
          if (fields[d] == fields[c])
            throw InputError(fmt::format("{}: column {}: '{}' is also column {}", where, c + 1,
                                         fields[c], d + 1));
      }
      t.header_ = std::move(fields);
      t.header_line_ = line_no;
      continue;
    }
    if (fields.size() != t.header_.size())
      throw InputError(fmt::format("{}: {} fields, but the header (line {}) names {} columns",
                                   where, fields.size(), t.header_line_, t.header_.size()));
    t.rows_.push_back({line_no, std::move(fields)});
  }
  if (t.header_.empty()) throw InputError(name + ": empty; expected a header row of column names");
  return t;
}

CsvTable CsvTable::load(const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(path + ": cannot open the CSV file");
  return parse(*text, path);
}

std::optional<std::size_t> CsvTable::column(const std::string& column) const {
  for (std::size_t c = 0; c < header_.size(); ++c)
    if (header_[c] == column) return c;
  return std::nullopt;
}

std::string CsvTable::where(const Row& row, std::size_t column) const {
  return fmt::format("{}:{}: column {} ({})", name_, row.line, column + 1, header_.at(column));
}

std::string csv_field(const std::string& field) {
  // A field starting with '#' is quoted too: at the start of a line it would read as a comment.
  const bool plain = field.find_first_of(",\"\n") == std::string::npos && trim(field) == field &&
                     (field.empty() || field[0] != '#');
  if (plain) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace aimcsim
