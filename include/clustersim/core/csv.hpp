// Line-numbered CSV reading shared by every reader. Fields are split on the delimiter, with
// surrounding blanks and a trailing CR removed; quoting is not supported (no input format needs
// it). Every parse error names `file:line` and the column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace clustersim {

class CsvReader {
 public:
  /// Opens `path` and reads its header. Throws InputError if the file cannot be read, is empty,
  /// or names a column twice.
  explicit CsvReader(std::string path, char delimiter = ',');

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  /// Column index of the first of `names` present in the header, if any.
  std::optional<std::size_t> find(std::initializer_list<std::string_view> names) const;
  /// Like find, but throws `file:1: missing column 'names[0]'` when absent.
  std::size_t require(std::initializer_list<std::string_view> names) const;

  /// Advances to the next non-blank data row; false at the end. Rows must have exactly as many
  /// fields as the header, otherwise InputError.
  bool next();
  long line() const { return line_; }
  std::size_t rows_read() const { return rows_; }
  const std::string& field(std::size_t column) const { return fields_[column]; }

  [[noreturn]] void fail(const std::string& message) const;
  std::int64_t get_int(std::size_t column) const;
  double get_double(std::size_t column) const;  ///< finite numbers only
  /// Seconds (or another unit given by `scale`) converted to SimTime; non-negative and bounded.
  std::int64_t get_time(std::size_t column, double scale_to_seconds = 1.0) const;

 private:
  std::string path_;
  char delimiter_;
  std::string text_;
  std::size_t pos_ = 0;
  long line_ = 0;
  std::size_t rows_ = 0;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  bool read_line(std::string& out);
  void split(const std::string& line, std::vector<std::string>& out) const;
};

/// Parses a whole decimal integer; nullopt on any junk or overflow.
std::optional<std::int64_t> parse_int(std::string_view s);
/// Parses a finite floating-point number; nullopt on junk, nan or inf.
std::optional<double> parse_double(std::string_view s);

/// Reads a whole file; throws `path: cannot open: reason` (or `is a folder, not a file`,
/// `cannot read: reason`) when it cannot.
std::string read_file(const std::string& path);

}  // namespace clustersim
