#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace aimcsim {

// A CSV file read whole: a header row naming the columns, then data rows, each with the line it
// came from. Fields are separated by commas and trimmed of surrounding blanks; a field may be
// double-quoted ("" is a quote inside quotes) to hold commas. Blank lines and lines starting with
// '#' are skipped. Every row has as many fields as the header. Simplification: a quoted field
// does not span lines.
class CsvTable {
 public:
  struct Row {
    std::size_t line = 0;  // 1-based line in the file
    std::vector<std::string> fields;
  };

  // Parses `text`, named `name` in messages; bad input throws InputError naming name:line.
  static CsvTable parse(const std::string& text, const std::string& name);
  // The file at `path`; InputError when it cannot be read.
  static CsvTable load(const std::string& path);

  const std::string& name() const { return name_; }
  std::size_t header_line() const { return header_line_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<Row>& rows() const { return rows_; }
  // The index of column `column`, or nullopt.
  std::optional<std::size_t> column(const std::string& column) const;
  // "name:line: column N (header): message", for a bad field of `row`.
  std::string where(const Row& row, std::size_t column) const;

 private:
  std::string name_;
  std::size_t header_line_ = 0;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

// `field` as one CSV field: quoted when it holds a comma, a quote or surrounding blanks, or starts
// with '#'.
std::string csv_field(const std::string& field);

}  // namespace aimcsim
