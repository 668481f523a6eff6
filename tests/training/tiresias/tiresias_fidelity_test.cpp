// Per-job fidelity against the original Tiresias simulator (anchors/tiresias/reference_runs):
// the 60-job trace on 8 GPUs (n2g4) and 16 GPUs (n4g4), GPU-counting placement. Every job's JCT,
// first start and preemption count (and restart count for the preemptive schedules) must be
// identical to the original's job.csv.
#include <catch2/catch.hpp>

#include "tiresias_reference.hpp"

using namespace clustersim::test;

TEST_CASE("fifo/fjf/sjf/srtf/srsf match the Tiresias simulator per job", "[tiresias][fidelity]") {
  struct Case {
    const char* policy;
    const char* original;
    bool preemptive;
  };
  const Case cases[] = {{"fifo", "fifo", false},
                        {"fjf", "fjf", false},
                        {"sjf", "sjf", true},
                        {"srtf", "shortest", true},
                        {"srsf", "shortest-gpu", true}};
  int total = 0;
  for (const auto* cluster : {"n2g4", "n4g4"}) {
    for (const auto& c : cases) {
      ReferenceCheck what;
      what.resumes = c.preemptive;
      total += check_against_reference(c.policy, std::string(cluster) + ".csv",
                                       std::string(cluster) + "_default",
                                       std::string(c.original) + "-count.job.csv", {}, what);
    }
  }
  CHECK(total == 2 * 5 * 60);
}
