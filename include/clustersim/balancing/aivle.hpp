// aiVLE's parallelisation experiment (research/loadbalancing.md section 1): the web log parser
// and the calibration of the balancing model from the single-node logs.
//
// The model of one evaluation on a slot: worker overhead w (Celery hands the reserved task to a
// pool process) → the master serves start_job (start cost; "started" is logged here), then the
// grader download and the submission download, each queued behind the requests that arrived
// meanwhile (fetch costs) → the run, s1 · f(busy) seconds → the master serves submit_job (finish
// cost; "finished" is logged). The master is one FIFO server that also serves the submission POSTs
// (submit cost), which is why no evaluation starts before the last submission has been taken, and
// why the first wave's downloads wait for every start_job of the wave.
//
// Calibration (fit_aivle), from the four single-node logs only (10: c=1, 9: c=2, 8: c=4, 7: c=8):
//   submit cost    mean spacing of consecutive "is submitted" lines, all four logs;
//   start cost     median latency of start_job in the c=1 log (an idle master: latency =
//                  service time);
//   fetch costs    median latencies of download_grader and of the submission download, c=1 log;
//   finish cost    median latency of submit_job in the c=1 log;
//   w              mean gap from a finish to the next start on the c=1 node, less start_job's
//                  median (the gap's share served by the master);
//   run time s(c)  mean of (finished - started) in the log with concurrency c, less the mean
//                  latency of that log's downloads and submit_job (they lie inside the logged
//                  interval and are modelled as master time);
//   f(c)           s(c) / s(1), the contention table at busy = 1, 2, 4, 8.
// The 2- and 3-node runs (logs 6 and 5) are not used: their makespans are predictions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim::balancing {

struct AivleJob {
  std::string uuid;
  SimTime submitted = -1, started = -1, finished = -1;  ///< µs since the epoch, wall clock
  std::string node;                                     ///< "celery@xgpg0"
  long line = 0;                                        ///< line of the submission
};

struct AivleLog {
  std::string path;
  std::vector<AivleJob> jobs;  ///< in submission order
  /// Latencies in seconds per request kind: "start_job", "download_grader", "download",
  /// "submit_job", "submission_post".
  std::map<std::string, std::vector<double>> latency;
};

/// Parses a debug.log. Throws InputError(file:line) on a malformed job line.
AivleLog read_aivle_web_log(const std::string& path);

struct AivleFit {
  double submit_s = 0, start_s = 0, finish_s = 0, overhead_s = 0;
  std::vector<double> fetch_s;    ///< grader download, submission download
  double s1 = 0;                  ///< run time at one busy slot
  std::vector<double> busy;       ///< 1, 2, 4, 8
  std::vector<double> factor;     ///< f at each busy count
  std::vector<double> exec_mean;  ///< logged mean exec per concurrency, for reference
  /// `--set key=value` arguments for the model (frontend.*, worker.overhead_s, service.mean_s,
  /// contention.*).
  std::vector<std::string> settings() const;
};

/// Fits from `<web_dir>/debug.log.{10,9,8,7}`.
AivleFit fit_aivle(const std::string& web_dir);

/// The notebook's makespan of a log: last finish - min(last submission, first start), seconds.
double aivle_makespan_s(const AivleLog& log);

}  // namespace clustersim::balancing
