#include "clustersim/core/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/time.hpp"

namespace clustersim {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

std::string read_file(const std::string& path) {
  // A folder opens and then reads as nothing on Linux: name it instead of "empty file".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, "is a folder, not a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(path, 0, "cannot open: " + std::generic_category().message(errno));
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    text.append(buffer, n);
  const int error = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (error) throw InputError(path, 0, "cannot read: " + std::generic_category().message(error));
  return text;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

CsvReader::CsvReader(std::string path, char delimiter)
    : path_(std::move(path)), delimiter_(delimiter), text_(read_file(path_)) {
  std::string line;
  while (read_line(line)) {
    if (!trim(line).empty()) break;
  }
  if (trim(line).empty()) throw InputError(path_, std::max(line_, 1L), "empty file (no header)");
  split(line, header_);
  if (!header_.empty()) {  // a UTF-8 byte order mark would otherwise hide the first column
    auto& h = header_.front();
    if (h.rfind("\xEF\xBB\xBF", 0) == 0) h.erase(0, 3);
  }
  // A repeated column name would silently read only its first column.
  for (std::size_t i = 0; i < header_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!header_[i].empty() && header_[i] == header_[j]) {
        throw InputError(path_, line_,
                         fmt::format("column '{}' appears twice in the header", header_[i]));
      }
    }
  }
}

bool CsvReader::read_line(std::string& out) {
  if (pos_ >= text_.size()) return false;
  auto end = text_.find('\n', pos_);
  if (end == std::string::npos) end = text_.size();
  out.assign(text_, pos_, end - pos_);
  pos_ = end + 1;
  ++line_;
  return true;
}

void CsvReader::split(const std::string& line, std::vector<std::string>& out) const {
  out.clear();
  std::string_view rest(line);
  while (true) {
    auto cut = rest.find(delimiter_);
    out.emplace_back(trim(rest.substr(0, cut)));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
}

std::optional<std::size_t> CsvReader::find(std::initializer_list<std::string_view> names) const {
  for (auto n : names) {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == n) return i;
    }
  }
  return std::nullopt;
}

std::size_t CsvReader::require(std::initializer_list<std::string_view> names) const {
  if (auto i = find(names)) return *i;
  throw InputError(path_, 1, fmt::format("missing column '{}'", *names.begin()));
}

bool CsvReader::next() {
  std::string line;
  while (read_line(line)) {
    if (trim(line).empty()) continue;
    split(line, fields_);
    if (fields_.size() != header_.size()) {
      fail(fmt::format("expected {} fields as in the header, found {}", header_.size(),
                       fields_.size()));
    }
    ++rows_;
    return true;
  }
  return false;
}

void CsvReader::fail(const std::string& message) const {
  throw InputError(path_, line_, message);
}

std::int64_t CsvReader::get_int(std::size_t c) const {
  if (auto v = parse_int(fields_[c])) return *v;
  // Integral values written as floats ("12.0") are accepted; anything else is an error.
  if (auto d = parse_double(fields_[c]); d && std::floor(*d) == *d && std::fabs(*d) < 9e15) {
    return static_cast<std::int64_t>(*d);
  }
  fail(fmt::format("column '{}': '{}' is not an integer", header_[c], fields_[c]));
}

double CsvReader::get_double(std::size_t c) const {
  if (auto v = parse_double(fields_[c])) return *v;
  fail(fmt::format("column '{}': '{}' is not a finite number", header_[c], fields_[c]));
}

std::int64_t CsvReader::get_time(std::size_t c, double scale) const {
  double s = get_double(c) * scale;
  if (s < 0) fail(fmt::format("column '{}': negative time {}", header_[c], fields_[c]));
  if (s > kMaxInputSeconds)
    fail(fmt::format("column '{}': time {} overflows", header_[c], fields_[c]));
  return from_seconds(s);
}

}  // namespace clustersim
