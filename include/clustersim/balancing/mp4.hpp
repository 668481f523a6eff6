// CS423 MP4, Group 09's report (research/loadbalancing.md section 2): the transcribed pending
// timelines and the calibration of the two-node model from them.
//
// Model: two nodes with one worker slot each ("local" owns the 1024 tasks, "remote"); at start
// the local node sends half of the tasks, one at a time; the remote starts working once it holds
// 8 (the report's code); both nodes send their queue length every 2 s and the migration policy
// acts on each message once the bootstrap tasks have all arrived; results of tasks run remotely
// return to the local node one by one.
//
// Calibration (fit_mp4):
//   local service   2 s / the mean drop per sample over each timeline's steady drain (from the
//                   sample after the bootstrap to the last drop of at least half the median);
//   transfer cost   2 s / (tasks sent in the first sample interval), the tasks sent being the
//                   first drop less one interval's local processing, averaged over the timelines;
//   remote speed    bisection so that the sender-initiated run ends at the report's 100.96 s.
// The receiver-initiated and symmetric totals and every timeline shape are predictions.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace clustersim::balancing {

struct Mp4Timeline {
  static constexpr std::size_t kMinSamples = 11;  ///< per policy, for fit_mp4
  std::string path;
  std::map<std::string, std::vector<int>> pending;  ///< policy -> local pending per sample
  std::map<std::string, double> total_s;            ///< policy -> reported total time
  double period_s = 2;
};

/// Reads pending_jobs_timeline.csv (policy,sample_index,...,pending_jobs_local_node,
/// reported_total_time_s): sender, receiver and symmetric with kMinSamples samples or more.
/// Throws InputError(file:line).
Mp4Timeline read_mp4_timeline(const std::string& path);

struct Mp4Fit {
  double local_s = 0;       ///< service time of one task on the local node
  double transfer_s = 0;    ///< sender time per migrated task
  double remote_speed = 0;  ///< remote speed relative to local
  /// `--set key=value` arguments of the model for one migration policy (sender, receiver,
  /// symmetric: the policy and its report thresholds), or "" for the settings the three share.
  std::vector<std::string> settings(const std::string& migration) const;
};

Mp4Fit fit_mp4(const Mp4Timeline& timeline);

}  // namespace clustersim::balancing
