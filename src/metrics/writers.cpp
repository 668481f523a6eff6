#include "clustersim/metrics/writers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"

namespace clustersim {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path, 0, "cannot create output file");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError(path, 0, "cannot write output file");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(path, 0, "cannot rename temporary output file into place");
  }
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> temps;
  auto remove_temps = [&] {
    for (const auto& t : temps)
      std::remove(t.c_str());
  };
  for (const auto& [path, content] : files) {
    const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      remove_temps();
      throw InputError(path, 0, "cannot create output file");
    }
    temps.push_back(tmp);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      remove_temps();
      throw InputError(path, 0, "cannot write output file");
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      for (std::size_t j = i; j < temps.size(); ++j)
        std::remove(temps[j].c_str());
      throw InputError(files[i].first, 0, "cannot rename temporary output file into place");
    }
  }
}

std::string format_seconds(SimTime t) {
  const bool neg = t < 0;
  const std::uint64_t a =
      neg ? static_cast<std::uint64_t>(-(t + 1)) + 1 : static_cast<std::uint64_t>(t);
  std::string s = fmt::format("{}{}", neg ? "-" : "", a / kSecond);
  std::uint64_t frac = a % kSecond;
  if (frac) {
    std::string f = fmt::format("{:06d}", frac);
    while (f.back() == '0')
      f.pop_back();
    s += "." + f;
  }
  return s;
}

std::string file_hash(const std::string& path) {
  return fmt::format("{:016x}", fnv1a64(read_file(path)));
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v)
    s += x;
  return s / static_cast<double>(v.size());
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile_index(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(q * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

}  // namespace clustersim
