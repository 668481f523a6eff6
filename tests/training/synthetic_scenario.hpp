// A small synthetic scenario that EVERY registered training policy must be able to run (the
// contract checked by policy_invariants_test and determinism_test): a 16-GPU cluster (1 switch
// x 4 nodes x 4 GPUs: one switch, so one-switch placements such as Muri's yarn can host the
// 16-GPU job) and a 24-job trace in clustersim's own format with
//   * exclusive run times (duration_s), so no throughput table is needed;
//   * model, batch_size and iterations filled in (one resnet50-like model);
//   * absolute deadlines on every third job (the others best-effort), for deadline-aware policies;
//   * mixed sizes 1..16 GPUs (16 = the whole cluster), simultaneous arrivals (ties), and enough
//     load that jobs queue and preemptive policies preempt.
// A policy that needs more than this (e.g. Muri's per-stage profiles) must still accept it,
// falling back to a documented default.
#pragma once

#include <string>

#include <fmt/format.h>

#include "test_support.hpp"

namespace clustersim::test {

struct SyntheticScenario {
  std::string cluster;
  std::string trace;
};

inline SyntheticScenario write_synthetic_scenario(const TempDir& dir) {
  SyntheticScenario s;
  s.cluster = dir.write("cluster.csv",
                        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                        "1,4,4,32,256\n");
  const int sizes[] = {1, 2, 4, 8, 1, 1, 2, 4, 16, 1, 2, 8};
  std::string csv =
      "job_id,submit_s,model,batch_size,iterations,gpus,deadline_s,best_effort,duration_s\n";
  for (int k = 0; k < 24; ++k) {
    const int gpus = sizes[k % 12];
    const int submit = (k / 3) * 45;  // three jobs per arrival instant
    const int duration = 60 + (k * 97) % 541;
    const bool has_deadline = k % 3 == 0;
    const std::string deadline = has_deadline ? std::to_string(submit + 3 * duration) : "";
    csv += fmt::format("s{},{},resnet50,64,{},{},{},{},{}\n", k, submit, duration * 10, gpus,
                       deadline, has_deadline ? 0 : 1, duration);
  }
  s.trace = dir.write("trace.csv", csv);
  return s;
}

}  // namespace clustersim::test
