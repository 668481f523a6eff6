#include "training/tiresias/gittins.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim {

double python2_round(double x, int digits) {
  if (x == 0 || !std::isfinite(x)) return x;
  // glibc prints the exact decimal expansion; round that string by hand (half away from zero).
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.300f", std::fabs(x));
  std::string s(buf);
  const auto dot = s.find('.');
  std::string kept = s.substr(0, dot) + s.substr(dot + 1, digits);
  const std::string rest = s.substr(dot + 1 + digits);
  const bool up = !rest.empty() && rest[0] >= '5';  // >= half (exact halves go away from zero)
  if (up) {
    int k = static_cast<int>(kept.size()) - 1;
    while (k >= 0 && kept[k] == '9')
      kept[k--] = '0';
    if (k < 0)
      kept = "1" + kept;
    else
      ++kept[k];
  }
  const std::size_t int_len = kept.size() - static_cast<std::size_t>(digits);
  const std::string text = kept.substr(0, int_len) + "." + kept.substr(int_len);
  const double v = std::strtod(text.c_str(), nullptr);
  return x < 0 ? -v : v;
}

GittinsTable::GittinsTable(std::vector<std::int64_t> samples, std::int64_t delta)
    : x_(std::move(samples)), delta_(delta) {
  if (x_.empty()) throw InputError("Gittins distribution has no samples");
  std::sort(x_.begin(), x_.end());
  table_.reserve(x_.size());
  for (auto v : x_)
    table_.push_back(raw_index(v - 1));
}

GittinsTable GittinsTable::from_file(const std::string& path, std::int64_t delta) {
  CsvReader csv(path);
  const auto col = csv.require({"duration"});
  std::vector<std::int64_t> xs;
  while (csv.next()) {
    const auto v = csv.get_int(col);
    // Bounded so that sums over every sample (raw_index) cannot overflow.
    if (v < 1 || v > 1'000'000'000'000) csv.fail("GPU-time sample must be in 1..10^12");
    xs.push_back(v);
  }
  if (xs.empty()) throw InputError(path, 1, "no samples");
  if (delta < 1) throw InputError(path, 0, "Gittins quantum must be >= 1");
  return GittinsTable(std::move(xs), delta);
}

double GittinsTable::raw_index(std::int64_t a) const {
  const auto n = static_cast<std::int64_t>(x_.size());
  const std::int64_t last = x_.back();
  if (a > last - 1) return 0.0;
  auto first_above = [&](std::int64_t v) {
    return static_cast<std::int64_t>(std::upper_bound(x_.begin(), x_.end(), v) - x_.begin());
  };
  const std::int64_t i0 = first_above(a);
  const std::int64_t next = a + delta_;
  const std::int64_t i1 = next > last - 1 ? n - 1 : first_above(next);
  const double p = python2_round(static_cast<double>(i1 - i0) / static_cast<double>(n - i0), 5);
  const std::int64_t sum =
      std::accumulate(x_.begin() + i0, x_.begin() + std::max(i0, i1), std::int64_t{0}) +
      delta_ * (n - i1);
  const auto e = static_cast<double>(sum / (n - i0));  // Python 2 int / int
  return python2_round(p * 1000000 / e, 4);
}

double GittinsTable::index(std::int64_t attained) const {
  if (attained > x_.back()) return 0.0;
  const auto k = std::upper_bound(x_.begin(), x_.end(), attained) - x_.begin();
  return static_cast<std::size_t>(k) < table_.size() ? table_[k] : 0.0;
}

}  // namespace clustersim
