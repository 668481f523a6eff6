#include "training/muri/interleave.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "clustersim/core/error.hpp"

namespace clustersim::muri {
namespace {

bool rel_close(double a, double b, double rel) {
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

double phase_cycle_time(const std::vector<const JobProfile*>& p) {
  const int n = static_cast<int>(p.size());
  if (n < 1 || n > 4) throw InvariantError("phase_cycle_time: group of 1..4 jobs expected");
  constexpr int kRounds = 2;
  std::array<double, 4 * kRounds + 1> f{};
  for (int i = 0; i < 4 * kRounds; ++i) {
    if ((i + 1) % 4 < n) f[i + 1] = std::max(f[i + 1], f[i] + p[(i + 1) % 4]->net);
    if ((i + 2) % 4 < n) f[i + 1] = std::max(f[i + 1], f[i] + p[(i + 2) % 4]->gpu);
    if (i > 0 && (i + 3) % 4 < n) f[i + 1] = std::max(f[i + 1], f[i - 1] + p[(i + 3) % 4]->data);
    if (i >= 4 && rel_close(f[i + 1] - f[i - 3], f[i] - f[i - 4], 1e-3)) return f[i + 1] - f[i - 3];
  }
  return f[4 * kRounds] - f[4 * kRounds - 4];
}

double two_job_overlap_time(const JobProfile& a, const JobProfile& b) {
  return std::max(a.data, b.gpu + b.net) + std::max(b.data, a.gpu + a.net);
}

double raw_group_time(const std::vector<const JobProfile*>& jobs, Ordering ordering) {
  const bool best = ordering == Ordering::kBest;
  double t = best ? std::numeric_limits<double>::infinity() : 0.0;
  std::vector<int> idx(jobs.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::vector<const JobProfile*> perm(jobs.size());
  do {
    for (std::size_t k = 0; k < idx.size(); ++k)
      perm[k] = jobs[idx[k]];
    const double c = phase_cycle_time(perm);
    t = best ? std::min(t, c) : std::max(t, c);
  } while (std::next_permutation(idx.begin(), idx.end()));
  if (jobs.size() == 2) {
    const double c = two_job_overlap_time(*jobs[0], *jobs[1]);
    t = best ? std::min(t, c) : std::max(t, c);
  }
  return t;
}

double group_iteration_time(const std::vector<const JobProfile*>& jobs, Ordering ordering,
                            const Calibration& cal) {
  if (jobs.empty() || jobs.size() > 4) throw InvariantError("group of 1..4 jobs expected");
  if (jobs.size() == 1) return jobs[0]->iteration_time;
  return raw_group_time(jobs, ordering) * cal.c[jobs.size() - 1];
}

double interleave_efficiency(const std::vector<const JobProfile*>& jobs, Ordering ordering,
                             const Calibration& cal) {
  double used = 0;
  for (const auto* j : jobs)
    used += j->stage_sum();
  return used / (group_iteration_time(jobs, ordering, cal) * 4);
}

}  // namespace clustersim::muri
