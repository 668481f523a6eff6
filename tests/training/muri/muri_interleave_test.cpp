// Hand-computed checks of Muri's interleaving model (times in ms-like units; the model is linear).
#include <catch2/catch.hpp>

#include "training/muri/interleave.hpp"

using namespace clustersim::muri;

namespace {
std::vector<const JobProfile*> g(std::initializer_list<const JobProfile*> l) {
  return l;
}
}  // namespace

TEST_CASE("muri: single job runs at its isolated iteration time", "[muri]") {
  JobProfile a{1, 2, 3, 7.5};
  Calibration cal;
  CHECK(group_iteration_time(g({&a}), Ordering::kBest, cal) == 7.5);
  // gamma = (1+2+3) / (4 * 7.5) = 0.2
  CHECK(interleave_efficiency(g({&a}), Ordering::kBest, cal) == Approx(0.2));
}

TEST_CASE("muri: two-job recurrence, bert-4 with resnet18-4", "[muri]") {
  JobProfile bert{0.5, 163, 18, 190};
  JobProfile res{723, 113, 73, 921};
  // Order (bert, res): f1 = 0 + res.net = 73; f2 = f0 + bert.data = 0.5;
  // f3 = max(f2 + bert.gpu = 163.5, f1 + res.data = 796) = 796;
  // f4 = max(f3 + bert.net = 814, f3 + res.gpu = 909) = 909; f5 = f4 + res.net = 982;
  // f5 - f1 = 909 == f4 - f0 = 909  ->  T = 909.
  CHECK(phase_cycle_time(g({&bert, &res})) == Approx(909));
  // Order (res, bert): f1 = 18; f2 = 723; f3 = max(723+113, 18+0.5) = 836;
  // f4 = max(836+73, 836+163) = 999; f5 = 999+18 = 1017; f5-f1 = 999 = f4-f0 -> T = 999.
  CHECK(phase_cycle_time(g({&res, &bert})) == Approx(999));
  // Overlap schedule: max(0.5, 113+73) + max(723, 163+18) = 186 + 723 = 909.
  CHECK(two_job_overlap_time(bert, res) == Approx(909));
  CHECK(raw_group_time(g({&bert, &res}), Ordering::kBest) == Approx(909));
  CHECK(raw_group_time(g({&bert, &res}), Ordering::kWorst) == Approx(999));
  Calibration cal;
  CHECK(group_iteration_time(g({&bert, &res}), Ordering::kBest, cal) == Approx(909 * 1.33 / 1.015));
  CHECK(group_iteration_time(g({&res, &bert}), Ordering::kWorst, cal) ==
        Approx(999 * 1.33 / 1.015));
  // gamma = (181.5 + 909) / (4 * 909 * 1.33/1.015)
  CHECK(interleave_efficiency(g({&bert, &res}), Ordering::kBest, cal) ==
        Approx(1090.5 / (4 * 909 * 1.33 / 1.015)));
}

TEST_CASE("muri: the two-job overlap schedule wins for two GPU-bound jobs", "[muri]") {
  JobProfile a{1, 10, 0, 11};
  // Recurrence: f1 = 0; f2 = 1; f3 = max(1+10, 0+1) = 11; f4 = max(11+0, 11+10) = 21;
  // f5 = 21 + 0 = 21; f5-f1 = 21 = f4-f0 -> 21.  Overlap: max(1, 10) + max(1, 10) = 20.
  CHECK(phase_cycle_time(g({&a, &a})) == Approx(21));
  CHECK(raw_group_time(g({&a, &a}), Ordering::kBest) == Approx(20));
  CHECK(raw_group_time(g({&a, &a}), Ordering::kWorst) == Approx(21));
}

TEST_CASE("muri: three and four identical jobs", "[muri]") {
  JobProfile x{4, 2, 1, 7};
  // n = 3: f1 = max(0+1, 0+2) = 2; f2 = max(2+1, 0+4) = 4; f3 = max(4+2, 2+4) = 6;
  // f4 = max(6+1, 6+2, 4+4) = 8; f5 = max(8+1, 8+2) = 10; f5-f1 = 8 = f4-f0 -> T = 8.
  CHECK(phase_cycle_time(g({&x, &x, &x})) == Approx(8));
  // n = 4: f1 = 2; f2 = max(3, 4, 4) = 4; f3 = max(5, 6, 6) = 6; f4 = max(7, 8, 8) = 8;
  // f5 = max(9, 10, 6+4) = 10 -> T = 8.
  CHECK(phase_cycle_time(g({&x, &x, &x, &x})) == Approx(8));
  Calibration cal;
  CHECK(group_iteration_time(g({&x, &x, &x}), Ordering::kBest, cal) == Approx(8 * 1.5 / 1.015));
  CHECK(group_iteration_time(g({&x, &x, &x, &x}), Ordering::kBest, cal) ==
        Approx(8 * 1.37 / 1.015));
  // gamma(4 x) = 4*7 / (4 * 8 * 1.37/1.015)
  CHECK(interleave_efficiency(g({&x, &x, &x, &x}), Ordering::kBest, cal) ==
        Approx(28 / (32 * 1.37 / 1.015)));
}
