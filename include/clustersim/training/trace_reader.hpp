// Trace readers, one per format, each into the one internal schema (job.hpp). Formats register
// themselves by name; `auto` picks one from the header.
//
//   clustersim job_id,submit_s,model,batch_size,iterations,gpus,deadline_s,best_effort[,duration_s]
//                seconds (decimals allowed); deadline_s absolute, empty = none
//   tiresias     job_id,num_gpu,submit_time,iterations,model_name,duration[,interval]; seconds
//   elasticflow  job_id,submit_time|submission_time,iteration|num_iteration,model_name,
//                ddl|deadline,batch_size,num_gpu,duration[,best_effort]; seconds (with both
//                names, submission_time, iteration and deadline win, as in the artifact)
//   muri         job_id,num_gpu,submit_time,iterations,model_name,batch_size,duration,interval,
//                iteration_time,resource_time_0..2,priority; milliseconds (converted here)
//
// Every reader rejects, with `file:line: message`: wrong field counts, non-numeric or negative
// or overflowing values, GPU counts < 1, duplicate job ids, and files without data rows.
#pragma once

#include <functional>
#include <string>

#include "clustersim/core/registry.hpp"
#include "clustersim/training/job.hpp"

namespace clustersim {

struct TraceReadOptions {
  int max_gpus = 0;  ///< when > 0, a job asking for more GPUs is an error
};

using TraceReaderFn = std::function<Trace(const std::string& path, const TraceReadOptions&)>;
Registry<TraceReaderFn>& trace_formats();

/// Reads `path` in `format` ("auto" detects it from the header).
Trace read_trace(const std::string& path, const std::string& format = "auto",
                 const TraceReadOptions& options = {});
/// The format `auto` would choose for this header; throws InputError when none fits.
std::string detect_trace_format(const std::string& path);

/// Writes a trace in the clustersim format (used by `trace generate`).
void write_trace_csv(const Trace& trace, const std::string& path);

}  // namespace clustersim
