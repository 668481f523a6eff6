// MP4 Group 09's pending-job timelines (`clustersim calibrate mp4`,
// pending_jobs_timeline.csv). Only the reader: fit_mp4 runs 40 simulations per call.
#include "clustersim/balancing/mp4.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(mp4_timeline, "pending_jobs_timeline.csv") {
  clustersim::balancing::read_mp4_timeline(path);
}
