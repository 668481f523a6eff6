#include "clustersim/training/trace_reader.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim {

Registry<TraceReaderFn>& trace_formats() {
  static Registry<TraceReaderFn> registry("trace format", "training");
  return registry;
}

namespace {

// Shared checks and the final stable sort by submit time.
class TraceBuilder {
 public:
  TraceBuilder(CsvReader& csv, std::string format, const TraceReadOptions& o) : csv_(csv), opt_(o) {
    trace_.path = csv.path();
    trace_.format = std::move(format);
  }
  void add(Job job) {
    job.source_line = csv_.line();
    if (job.id.empty()) csv_.fail("empty job id");
    if (!ids_.emplace(job.id, csv_.line()).second) {
      csv_.fail(fmt::format("duplicate job id '{}' (first at line {})", job.id, ids_[job.id]));
    }
    if (job.gpus < 1) csv_.fail(fmt::format("job '{}' asks for {} GPUs", job.id, job.gpus));
    if (opt_.max_gpus > 0 && job.gpus > opt_.max_gpus) {
      csv_.fail(fmt::format("job '{}' asks for {} GPUs but the cluster has {}", job.id, job.gpus,
                            opt_.max_gpus));
    }
    if (job.iterations < 0) csv_.fail(fmt::format("job '{}': negative iterations", job.id));
    if (job.duration_s && *job.duration_s < 0)
      csv_.fail(fmt::format("job '{}': negative duration", job.id));
    if (job.duration_s && *job.duration_s > kMaxInputSeconds) {
      csv_.fail(fmt::format("job '{}': duration {} s overflows", job.id, *job.duration_s));
    }
    if (job.iterations > 1e15)
      csv_.fail(fmt::format("job '{}': {} iterations is out of range", job.id, job.iterations));
    if (job.model.empty()) csv_.fail(fmt::format("job '{}': empty model name", job.id));
    trace_.jobs.push_back(std::move(job));
  }
  int gpus(std::size_t c) const {
    auto v = csv_.get_int(c);
    if (v < 1 || v > (1 << 20))
      csv_.fail(fmt::format("column '{}': {} GPUs is out of range", csv_.header()[c], v));
    return static_cast<int>(v);
  }
  int batch(std::size_t c) const {
    auto v = csv_.get_int(c);
    if (v < 0 || v > (1 << 30))
      csv_.fail(fmt::format("column '{}': batch size {} is out of range", csv_.header()[c], v));
    return static_cast<int>(v);
  }
  Trace finish() {
    if (trace_.jobs.empty()) csv_.fail("trace has no jobs");
    std::stable_sort(trace_.jobs.begin(), trace_.jobs.end(),
                     [](const Job& a, const Job& b) { return a.submit < b.submit; });
    for (std::size_t i = 0; i < trace_.jobs.size(); ++i)
      trace_.jobs[i].index = static_cast<int>(i);
    return std::move(trace_);
  }

 private:
  CsvReader& csv_;
  TraceReadOptions opt_;
  Trace trace_;
  std::unordered_map<std::string, long> ids_;
};

Trace read_clustersim(const std::string& path, const TraceReadOptions& o) {
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), submit = csv.require({"submit_s"}),
             model = csv.require({"model"}), batch = csv.require({"batch_size"}),
             iters = csv.require({"iterations"}), gpus = csv.require({"gpus"}),
             ddl = csv.require({"deadline_s"}), be = csv.require({"best_effort"});
  const auto dur = csv.find({"duration_s"});
  TraceBuilder b(csv, "clustersim", o);
  while (csv.next()) {
    Job j;
    j.id = csv.field(id);
    j.submit = csv.get_time(submit);
    j.model = csv.field(model);
    j.batch_size = b.batch(batch);
    j.iterations = csv.get_double(iters);
    j.gpus = b.gpus(gpus);
    auto flag = csv.get_int(be);
    if (flag != 0 && flag != 1) csv.fail("column 'best_effort' must be 0 or 1");
    j.best_effort = flag == 1;
    if (!csv.field(ddl).empty()) {
      j.deadline = csv.get_time(ddl);
      if (*j.deadline < j.submit) csv.fail("deadline before submit time");
    }
    if (j.best_effort) j.deadline.reset();
    if (dur && !csv.field(*dur).empty()) j.duration_s = csv.get_double(*dur);
    b.add(std::move(j));
  }
  return b.finish();
}

Trace read_tiresias(const std::string& path, const TraceReadOptions& o) {
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), gpus = csv.require({"num_gpu"}),
             submit = csv.require({"submit_time"}), iters = csv.require({"iterations"}),
             model = csv.require({"model_name"}), dur = csv.require({"duration"});
  TraceBuilder b(csv, "tiresias", o);
  while (csv.next()) {
    Job j;
    j.id = csv.field(id);
    j.gpus = b.gpus(gpus);
    j.submit = csv.get_time(submit);
    j.iterations = csv.get_double(iters);
    j.model = csv.field(model);
    j.duration_s = static_cast<double>(csv.get_time(dur)) / kSecond;
    b.add(std::move(j));
  }
  return b.finish();
}

Trace read_elasticflow(const std::string& path, const TraceReadOptions& o) {
  CsvReader csv(path);
  // With both names present the artifact's jobs.py (04a0109) takes submission_time over
  // submit_time, deadline over ddl, and iteration over num_iteration.
  const auto either = [&csv](std::string_view first, std::string_view second) {
    return csv.find({first}) ? *csv.find({first}) : csv.require({second});
  };
  const auto id = csv.require({"job_id"}), submit = either("submission_time", "submit_time"),
             iters = csv.require({"iteration", "num_iteration"}),
             model = csv.require({"model_name"}), ddl = either("deadline", "ddl"),
             batch = csv.require({"batch_size"}), gpus = csv.require({"num_gpu"}),
             dur = csv.require({"duration"});
  const auto be = csv.find({"best_effort"});
  TraceBuilder b(csv, "elasticflow", o);
  while (csv.next()) {
    Job j;
    j.id = csv.field(id);
    j.submit = csv.get_time(submit);
    j.iterations = csv.get_double(iters);
    j.model = csv.field(model);
    j.batch_size = b.batch(batch);
    if (j.batch_size == 0) csv.fail("column 'batch_size' must be positive");
    j.gpus = b.gpus(gpus);
    j.duration_s = csv.get_double(dur);
    if (*j.duration_s < 0) csv.fail("negative duration");
    if (be) {
      auto flag = csv.get_int(*be);
      if (flag != 0 && flag != 1) csv.fail("column 'best_effort' must be 0 or 1");
      j.best_effort = flag == 1;
    }
    if (!j.best_effort) {
      j.deadline = csv.get_time(ddl);
      if (*j.deadline < j.submit) csv.fail("deadline before submit time");
    }
    b.add(std::move(j));
  }
  return b.finish();
}

Trace read_muri(const std::string& path, const TraceReadOptions& o) {
  CsvReader csv(path);
  constexpr double kMs = 1e-3;
  const auto id = csv.require({"job_id"}), gpus = csv.require({"num_gpu"}),
             submit = csv.require({"submit_time"}), iters = csv.require({"iterations"}),
             model = csv.require({"model_name"}), batch = csv.require({"batch_size"}),
             dur = csv.require({"duration"}), it = csv.require({"iteration_time"}),
             r0 = csv.require({"resource_time_0"}), r1 = csv.require({"resource_time_1"}),
             r2 = csv.require({"resource_time_2"});
  const auto prio = csv.find({"priority"});
  TraceBuilder b(csv, "muri", o);
  while (csv.next()) {
    Job j;
    j.id = csv.field(id);
    j.gpus = b.gpus(gpus);
    j.submit = csv.get_time(submit, kMs);
    j.iterations = csv.get_double(iters);
    j.model = csv.field(model);
    j.batch_size = b.batch(batch);
    j.duration_s = static_cast<double>(csv.get_time(dur, kMs)) / kSecond;
    j.iteration_time_s = csv.get_double(it) * kMs;
    if (*j.iteration_time_s <= 0) csv.fail("column 'iteration_time' must be positive");
    std::size_t cols[3] = {r0, r1, r2};
    for (int r = 0; r < 3; ++r) {
      // x / 1000 as Muri's simulator (x * 1e-3 is one ulp off for some values, e.g. 59 ms, which
      // flips exactly tied Blossom weights of its worst-ordering ablation).
      j.stage_time_s[r] = csv.get_double(cols[r]) / 1000.0;
      if (j.stage_time_s[r] < 0)
        csv.fail(fmt::format("column '{}' is negative", csv.header()[cols[r]]));
    }
    if (prio) {
      const auto v = csv.get_int(*prio);
      if (v < -(1 << 30) || v > (1 << 30)) csv.fail("column 'priority' is out of range");
      j.priority = static_cast<int>(v);
    }
    b.add(std::move(j));
  }
  return b.finish();
}

const bool registered = [] {
  auto& r = trace_formats();
  r.add("clustersim", "clustersim's own CSV (seconds; see README)", read_clustersim);
  r.add("tiresias", "Tiresias simulator trace (seconds)", read_tiresias);
  r.add("elasticflow", "ElasticFlow artifact trace (seconds, absolute ddl, best_effort)",
        read_elasticflow);
  r.add("muri", "Muri simulator trace (milliseconds, stage times)", read_muri);
  return true;
}();

}  // namespace

std::string detect_trace_format(const std::string& path) {
  CsvReader csv(path);
  if (csv.find({"resource_time_0"}) && csv.find({"iteration_time"})) return "muri";
  if (csv.find({"submit_s"}) && csv.find({"deadline_s"})) return "clustersim";
  if (csv.find({"ddl", "deadline"}) && csv.find({"batch_size"})) return "elasticflow";
  if (csv.find({"num_gpu"}) && csv.find({"submit_time"}) && csv.find({"duration"}))
    return "tiresias";
  throw InputError(path, 1, "cannot tell the trace format from this header; pass --trace-format");
}

Trace read_trace(const std::string& path, const std::string& format, const TraceReadOptions& o) {
  const std::string f = format == "auto" ? detect_trace_format(path) : format;
  return trace_formats().get(f).factory(path, o);
}

void write_trace_csv(const Trace& trace, const std::string& path) {
  std::string out =
      "job_id,submit_s,model,batch_size,iterations,gpus,deadline_s,best_effort,duration_s\n";
  for (const auto& j : trace.jobs) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", j.id, format_seconds(j.submit), j.model,
                       j.batch_size, j.iterations, j.gpus,
                       j.deadline ? format_seconds(*j.deadline) : "", j.best_effort ? 1 : 0,
                       j.duration_s ? fmt::format("{}", *j.duration_s) : "");
  }
  write_file_atomically(path, out);
}

}  // namespace clustersim
