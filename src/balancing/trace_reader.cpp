// Task traces. Two formats:
//   tasks      CSV `arrival_s[,service_s][,task_id][,size][,class][,origin]` (seconds; origin is
//              a node name); without service_s the run's service distribution draws demands.
//   aivle-log  aiVLE Web's Django debug log (aivle.hpp): one task per "job task <uuid> is
//              submitted" line, arriving at its timestamp (seconds after the first submission);
//              when every job also has its "started" and "finished" lines, each task carries
//              their difference as its demand (the measured execution time, which already
//              includes the node's contention and the master calls inside it).
#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/balancing/aivle.hpp"
#include "clustersim/balancing/components.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {

Registry<TraceFormatReader>& task_trace_formats() {
  static Registry<TraceFormatReader> r("balancing trace format", "balancing");
  return r;
}

namespace {

TaskTrace read_tasks_csv(const std::string& path) {
  CsvReader csv(path);
  TaskTrace t;
  t.path = path;
  t.format = "tasks";
  const auto arrival = csv.require({"arrival_s", "submit_s"});
  const auto service = csv.find({"service_s", "duration_s"});
  const auto id = csv.find({"task_id", "id"});
  const auto size = csv.find({"size"});
  const auto cls = csv.find({"class"});
  const auto origin = csv.find({"origin"});
  t.has_service = service.has_value();
  std::map<std::string, int> names;
  std::unordered_map<std::int64_t, long> id_lines;  // task_id -> line, for duplicates
  while (csv.next()) {
    Task k;
    k.id = id ? csv.get_int(*id) : static_cast<std::int64_t>(t.tasks.size());
    if (id) {
      if (const auto [it, fresh] = id_lines.try_emplace(k.id, csv.line()); !fresh)
        csv.fail(fmt::format("duplicate task id {} (first at line {})", k.id, it->second));
    }
    k.arrival = csv.get_time(arrival);
    if (service) {
      const double s = csv.get_double(*service);
      if (!(s > 0) || s > kMaxInputSeconds)
        csv.fail(fmt::format("column '{}': {} is not a positive service time",
                             csv.header()[*service], csv.field(*service)));
      k.work_s = s;
    }
    if (size) {
      k.size = csv.get_double(*size);
      if (k.size < 0) csv.fail("column 'size': must be >= 0");
    }
    if (cls) {
      const auto c = csv.get_int(*cls);
      if (c < 0 || c > 1'000'000) csv.fail("column 'class': must be in 0..1000000");
      k.cls = static_cast<int>(c);
    }
    if (origin && !csv.field(*origin).empty()) {
      auto [it, fresh] = names.try_emplace(csv.field(*origin), static_cast<int>(names.size()));
      if (fresh) {
        t.origin_names.push_back(it->first);
        t.origin_lines.push_back(csv.line());
      }
      k.origin = it->second;
    }
    t.tasks.push_back(k);
  }
  if (t.tasks.empty()) csv.fail("trace has no task");
  std::stable_sort(t.tasks.begin(), t.tasks.end(),
                   [](const Task& a, const Task& b) { return a.arrival < b.arrival; });
  return t;
}

TaskTrace read_aivle_log(const std::string& path) {
  const AivleLog log = read_aivle_web_log(path);
  TaskTrace t;
  t.path = path;
  t.format = "aivle-log";
  const SimTime first = log.jobs.front().submitted;
  for (std::size_t i = 0; i < log.jobs.size(); ++i) {
    const AivleJob& j = log.jobs[i];
    Task k;
    k.id = static_cast<std::int64_t>(i);
    k.arrival = j.submitted - first;
    if (j.started >= 0 && j.finished > j.started)
      k.work_s = to_seconds(j.finished - j.started);
    else
      t.has_service = false;
    t.tasks.push_back(k);
  }
  if (!t.has_service) {
    for (auto& k : t.tasks)
      k.work_s = 0;
  }
  return t;
}

// Django's log lines start with a level and a date ("INFO 2022-01-04 14:52:22,419 ..."); a CSV
// header does not.
bool looks_like_django_log(const std::string& path) {
  const std::string text = read_file(path);
  const std::string first = text.substr(0, text.find('\n'));
  const auto sp = first.find(' ');
  return sp != std::string::npos && sp < 10 && first.size() > sp + 11 && first[sp + 5] == '-' &&
         first[sp + 8] == '-';
}

const bool registered = [] {
  task_trace_formats().add("tasks", "CSV arrival_s[,service_s][,task_id][,size][,class][,origin]",
                           read_tasks_csv);
  task_trace_formats().add(
      "aivle-log", "aiVLE Web debug log: submissions, measured execution times", read_aivle_log);
  return true;
}();

}  // namespace

TaskTrace read_task_trace(const std::string& path, const std::string& format,
                          const BalancingCluster& cluster) {
  std::string f = format;
  if (f.empty() || f == "auto") f = looks_like_django_log(path) ? "aivle-log" : "tasks";
  TaskTrace t = task_trace_formats().get(f).factory(path);
  std::vector<int> index;
  for (std::size_t i = 0; i < t.origin_names.size(); ++i) {
    const int node = cluster.find(t.origin_names[i]);
    if (node < 0)
      throw InputError(
          path, t.origin_lines[i],
          fmt::format("column 'origin': no node '{}' in the cluster", t.origin_names[i]));
    index.push_back(node);
  }
  for (auto& k : t.tasks)
    if (k.origin >= 0) k.origin = index[static_cast<std::size_t>(k.origin)];
  return t;
}

}  // namespace clustersim::balancing
