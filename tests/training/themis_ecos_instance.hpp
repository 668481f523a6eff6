// One capacity-bound Themis instance (6 jobs on 8 GPUs; g, w, R*t, E) and the optimum ECOS 2.0
// finds for it (R ECOSolveR 0.5.4) on the cone program min tau s.t. tau >= (w + R*t*u)/E,
// x*u >= 1 (SOC), 0 <= x <= 1, sum g x <= 8. The optimum is unique, so every solver must land
// on it. `Job` is any {gpus, waited, work, isolated} aggregate.
#pragma once

#include <vector>

template <typename Job>
std::vector<Job> ecos_instance_jobs() {
  return {
      {4, 0, 1339.5168520209988, 3272.2186460708053},
      {4, 0, 125.6778177575855, 463.6790522758213},
      {4, 0, 377.4933422729863, 1565.7461736598186},
      {2, 0, 325.60453050930727, 2402.9330501550876},
      {2, 0, 1959.8946489783925, 7147.466283811722},
      {1, 0, 668.9523196715758, 1571.0797190545636},
  };
}

inline const std::vector<double> kEcosInstanceShares{0.6641129626, 0.4397210391, 0.3911326118,
                                                     0.2198289365, 0.444853183,  0.690769307};
