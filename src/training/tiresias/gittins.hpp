// Gittins index of the Tiresias simulator (`dlas-gpu-gittins`), computed exactly as the original
// (Python 2) does, so rankings and therefore schedules are bit-identical:
//   samples x_0 <= ... <= x_{N-1}: job GPU-times (GPU-seconds, integers) of a history such as the
//   YARN distribution `yarn-gput1000.csv` (one column `duration`); quantum Δ (3250 GPU-s).
//   For attained service a (integer GPU-seconds):
//     a > x_{N-1} - 1                    -> 0
//     i0 = first i with x_i > a;  i1 = first i with x_i > a + Δ, but N - 1 if a + Δ > x_{N-1} - 1
//     P = round((i1 - i0) / (N - i0), 5)
//     E = floor((sum_{i0 <= i < i1} x_i + Δ (N - i1)) / (N - i0))   (integer division; full x_i)
//     G = round(10^6 P / E, 4)
//   with Python 2's round (correctly rounded, halves away from zero). The index is precomputed
//   once per sample at a = x_k - 1; a job with attained service a gets the value of the first
//   sample x_k > a, and 0 when a >= x_{N-1}. Higher index = higher priority.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clustersim {

class GittinsTable {
 public:
  /// Reads the `duration` column of `path` (integers >= 1); InputError(file:line) otherwise.
  static GittinsTable from_file(const std::string& path, std::int64_t delta = 3250);
  /// From samples (any order; must be non-empty and positive).
  GittinsTable(std::vector<std::int64_t> samples, std::int64_t delta);

  /// The lookup used for scheduling: value of the first sample above `attained` (GPU-seconds).
  double index(std::int64_t attained) const;
  /// The formula itself at attained service `a` (as the precomputation evaluates it).
  double raw_index(std::int64_t a) const;

 private:
  std::vector<std::int64_t> x_;
  std::vector<double> table_;
  std::int64_t delta_;
};

/// Python 2 round(x, digits): the exact binary value rounded to `digits` decimals, halfway cases
/// away from zero, converted back to the nearest double.
double python2_round(double x, int digits);

}  // namespace clustersim
