// Muri (SIGCOMM'22) multi-resource interleaving model, as the Muri simulator computes it.
//
// A job's iteration has three stages with per-iteration times (seconds): data loading (storage
// IO + CPU preprocessing), GPU compute and network sync. Jobs of one group share the same GPUs
// and run in k = 4 synchronised phases per cycle: a job's data stage spans two consecutive
// phases (asynchronous prefetch), its GPU and network stages one phase each, and the members are
// staggered by one phase. Phase boundaries f_0 = 0, f_1, ... obey, for phase i = 0..7,
//   f_{i+1} = max{ f_i + net(p[(i+1)%4]),  f_i + gpu(p[(i+2)%4]),  f_{i-1} + data(p[(i+3)%4]) },
// each term only if that position is occupied (position < group size) and the data term only
// for i >= 1. The cycle is taken at the first i >= 4 where f_{i+1} - f_{i-3} is within a
// relative 1e-3 of f_i - f_{i-4} (then T = f_{i+1} - f_{i-3}), otherwise T = f_8 - f_4.
// For two jobs A, B the schedule where each job's data loading overlaps the other's GPU +
// network stages, T = max(d_A, g_B + n_B) + max(d_B, g_A + n_A), is also tried.
// The group time is the minimum over all member orders (the "worst ordering" ablation takes the
// maximum instead), multiplied by the calibration factor c_n of the group size n >= 2. A single
// job runs at its isolated iteration time (which already carries the 1.015 calibration).
//
// Interleaving efficiency of a group G: gamma(G) = sum_j (d_j + g_j + n_j) / (4 * T(G)), the
// busy fraction of the 4 resource-phase slots of one cycle (the matching's edge weight).
#pragma once

#include <array>
#include <vector>

namespace clustersim::muri {

struct JobProfile {
  double data = 0;            ///< s per iteration
  double gpu = 0;             ///< s per iteration
  double net = 0;             ///< s per iteration
  double iteration_time = 0;  ///< isolated, calibrated (trace time x 1.015), s
  double stage_sum() const { return data + gpu + net; }
};

enum class Ordering { kBest, kWorst };

/// Calibration multipliers by group size (index n-1). Defaults: Muri's
/// {1.015, 1.33/1.015, 1.5/1.015, 1.37/1.015}; c_1 is applied to the isolated iteration time by
/// the caller (trace reading), never again here.
struct Calibration {
  std::array<double, 4> c{1.015, 1.33 / 1.015, 1.5 / 1.015, 1.37 / 1.015};
};

/// Cycle time of the 4-phase recurrence for jobs in this exact order (1..4 jobs), uncalibrated.
double phase_cycle_time(const std::vector<const JobProfile*>& order);
/// The two-job overlap schedule: max(d_a, g_b + n_b) + max(d_b, g_a + n_a), uncalibrated.
double two_job_overlap_time(const JobProfile& a, const JobProfile& b);
/// Best (or worst) cycle time over all orders (and the two-job schedule), uncalibrated;
/// group of 2..4 jobs.
double raw_group_time(const std::vector<const JobProfile*>& jobs, Ordering ordering);
/// Iteration time of every member when the group runs interleaved: a single job's isolated
/// time, or raw_group_time x c_n for n >= 2.
double group_iteration_time(const std::vector<const JobProfile*>& jobs, Ordering ordering,
                            const Calibration& cal);
/// gamma(G) = sum of all members' stage times / (4 x group_iteration_time).
double interleave_efficiency(const std::vector<const JobProfile*>& jobs, Ordering ordering,
                             const Calibration& cal);

}  // namespace clustersim::muri
