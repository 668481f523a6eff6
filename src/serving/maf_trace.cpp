#include "clustersim/serving/maf_trace.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::serving {
namespace {

constexpr const char* kIdColumns[] = {"HashOwner", "HashApp", "HashFunction", "Trigger"};
constexpr std::size_t kColumns = 4 + kMafMinutes;

// Splits `line` on commas into views (no quoting in this format); a trailing CR is dropped.
void split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      return;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

void check_header(const std::string& path, const std::vector<std::string_view>& f) {
  if (f.size() != kColumns)
    throw InputError(path, 1,
                     fmt::format("header has {} columns; the MAF format has {} ({}, then minutes "
                                 "1..1440)",
                                 f.size(), kColumns, "HashOwner,HashApp,HashFunction,Trigger"));
  for (std::size_t i = 0; i < 4; ++i) {
    std::string_view h = f[i];
    if (i == 0 && h.rfind("\xEF\xBB\xBF", 0) == 0) h.remove_prefix(3);
    if (h != kIdColumns[i])
      throw InputError(path, 1,
                       fmt::format("column {} is '{}', expected '{}'", i + 1, h, kIdColumns[i]));
  }
  for (int m = 1; m <= kMafMinutes; ++m) {
    if (f[3 + m] != std::to_string(m))
      throw InputError(path, 1,
                       fmt::format("column {} is '{}', expected minute '{}'", 4 + m, f[3 + m], m));
  }
}

}  // namespace

MafTrace read_maf_trace(const std::string& path, int keep_minutes) {
  if (keep_minutes < 0 || keep_minutes > kMafMinutes)
    throw InvariantError("read_maf_trace: keep_minutes out of range");
  const std::string text = read_file(path);
  MafTrace trace;
  trace.source = path;
  trace.minutes_kept = keep_minutes;
  std::vector<std::string_view> f;
  std::size_t pos = 0;
  long line = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view row(text.data() + pos, end - pos);
    pos = end + 1;
    ++line;
    if (row.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    split(row, f);
    if (header) {
      check_header(path, f);
      header = false;
      continue;
    }
    if (f.size() != kColumns)
      throw InputError(
          path, line,
          fmt::format("{} columns; a MAF row has {} (4 ids and 1440 minutes)", f.size(), kColumns));
    MafFunction fn;
    fn.owner = f[0];
    fn.app = f[1];
    fn.function = f[2];
    fn.trigger = f[3];
    fn.counts.reserve(keep_minutes);
    for (int m = 0; m < kMafMinutes; ++m) {
      const std::string_view cell = f[4 + m];
      std::uint64_t v = 0;
      auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      if (cell.empty() || ec != std::errc() || p != cell.data() + cell.size() || v > UINT32_MAX)
        throw InputError(path, line,
                         fmt::format("minute {}: '{}' is not an invocation count (an integer "
                                     ">= 0)",
                                     m + 1, cell));
      fn.total += v;
      if (m < keep_minutes) fn.counts.push_back(static_cast<std::uint32_t>(v));
    }
    trace.functions.push_back(std::move(fn));
  }
  if (header) throw InputError(path, 1, "empty file (no header)");
  if (trace.functions.empty()) throw InputError(path, 2, "no function rows");
  return trace;
}

std::string maf_csv(const MafTrace& trace) {
  if (trace.minutes_kept != kMafMinutes) throw InvariantError("maf_csv: needs all 1440 minutes");
  std::string out = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= kMafMinutes; ++m) {
    out += ',';
    out += std::to_string(m);
  }
  out += "\n";
  char buf[16];
  for (const auto& fn : trace.functions) {
    out += fn.owner;
    out += ',';
    out += fn.app;
    out += ',';
    out += fn.function;
    out += ',';
    out += fn.trigger;
    for (std::uint32_t c : fn.counts) {
      out += ',';
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, c);
      out.append(buf, p);
    }
    out += '\n';
  }
  return out;
}

std::vector<std::size_t> maf_order_by_total(const MafTrace& trace) {
  std::vector<std::pair<std::uint64_t, std::size_t>> sizes;
  sizes.reserve(trace.functions.size());
  for (std::size_t i = 0; i < trace.functions.size(); ++i)
    sizes.emplace_back(trace.functions[i].total, i);
  std::sort(sizes.begin(), sizes.end());
  std::vector<std::size_t> order;
  order.reserve(sizes.size());
  for (auto it = sizes.rbegin(); it != sizes.rend(); ++it)
    order.push_back(it->second);
  return order;
}

}  // namespace clustersim::serving
