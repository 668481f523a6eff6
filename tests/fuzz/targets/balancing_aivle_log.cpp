// aiVLE Web's Django debug log as a balancing trace (--trace-format aivle-log): submissions,
// starts, finishes and the HTTP latencies `clustersim calibrate aivle` reads.
#include "clustersim/balancing/aivle.hpp"
#include "clustersim/balancing/components.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(balancing_aivle_log, "debug.log") {
  using namespace clustersim::balancing;
  static const BalancingCluster cluster = uniform_cluster(2, 1, 1, 1);
  const AivleLog log = read_aivle_web_log(path);
  for (const auto& j : log.jobs) {
    if (j.started >= 0 && j.finished >= 0) {  // the makespan needs a job with both
      aivle_makespan_s(log);
      break;
    }
  }
  read_task_trace(path, "auto", cluster);
}
