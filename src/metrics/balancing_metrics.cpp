#include "clustersim/metrics/balancing_metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/metrics/writers.hpp"

namespace clustersim {

using nlohmann::json;

namespace {

// Appends seconds with up to six decimals, as format_seconds (tasks.csv has 10^7 rows, so no
// allocation and no stream formatting per field).
void put_seconds(std::string& out, SimTime t) {
  char buf[32];
  char* p = buf;
  if (t < 0) {
    *p++ = '-';
    t = -t;
  }
  p = std::to_chars(p, buf + sizeof buf, t / kSecond).ptr;
  if (SimTime frac = t % kSecond; frac != 0) {
    *p++ = '.';
    char digits[6];
    for (int i = 5; i >= 0; --i, frac /= 10)
      digits[i] = static_cast<char>('0' + frac % 10);
    int len = 6;
    while (digits[len - 1] == '0')
      --len;
    for (int i = 0; i < len; ++i)
      *p++ = digits[i];
  }
  out.append(buf, p);
}

template <typename T>
void put_number(std::string& out, T v) {
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

json or_null(double v, bool have) {
  return have && std::isfinite(v) ? json(v) : json(nullptr);
}

}  // namespace

BalancingMetrics::BalancingMetrics(const balancing::BalancingCluster& cluster,
                                   const Options& options, RunOutput& out)
    : cluster_(cluster),
      opt_(options),
      response_q_(options.exact_quantiles),
      wait_q_(options.exact_quantiles) {
  if (opt_.tasks_csv)
    tasks_ = &out.stream("tasks.csv",
                         "task_id,arrival_s,release_s,start_s,finish_s,node,origin,transfers,"
                         "work_s,response_s,wait_s");
  if (opt_.series_csv) series_ = &out.stream("series.csv", "time_s,node,queued,running,held");
}

void BalancingMetrics::on_complete(const balancing::TaskRecord& t) {
  first_arrival_ = std::min(first_arrival_, t.arrival);
  last_finish_ = std::max(last_finish_, t.finish);
  last_release_ = std::max(last_release_, t.release);
  first_start_ = std::min(first_start_, t.start);
  if (t.finish > opt_.warmup && (opt_.until == 0 || t.finish <= opt_.until)) ++in_window_;
  // Steady-state statistics leave out the tasks that arrived during the warm-up.
  if (t.arrival >= opt_.warmup) {
    const double response = to_seconds(t.finish - t.arrival);
    const double wait = to_seconds(t.start - t.arrival);
    response_.add(response);
    response_q_.add(response);
    wait_.add(wait);
    wait_q_.add(wait);
    slowdown_.add(response / t.work_s);
    waited_ += t.start > t.arrival;
  }
  if (!tasks_) return;
  line_.clear();
  put_number(line_, t.id);
  for (SimTime v : {t.arrival, t.release, t.start, t.finish}) {
    line_ += ',';
    put_seconds(line_, v);
  }
  line_ += ',';
  line_ += cluster_.nodes[static_cast<std::size_t>(t.node)].name;
  line_ += ',';
  if (t.origin >= 0) line_ += cluster_.nodes[static_cast<std::size_t>(t.origin)].name;
  line_ += ',';
  put_number(line_, t.transfers);
  line_ += ',';
  char buf[32];
  line_.append(buf,
               std::to_chars(buf, buf + sizeof buf, t.work_s, std::chars_format::general, 6).ptr);
  line_ += ',';
  put_seconds(line_, t.finish - t.arrival);
  line_ += ',';
  put_seconds(line_, t.start - t.arrival);
  tasks_->row(line_);
}

void BalancingMetrics::on_sample(SimTime now, const std::vector<balancing::NodeSample>& nodes,
                                 std::size_t central) {
  if (!series_) return;
  const std::string t = format_seconds(now);
  for (std::size_t i = 0; i < nodes.size(); ++i)
    series_->row(fmt::format("{},{},{},{},{}", t, cluster_.nodes[i].name, nodes[i].queued,
                             nodes[i].running, nodes[i].held));
  series_->row(fmt::format("{},central,{},0,0", t, central));
}

void BalancingMetrics::collect(const balancing::BalancingResult& r, RunOutput& out) {
  const bool any = r.completed > 0;
  out.add_metric("tasks", r.tasks);
  out.add_metric("tasks_completed", r.completed);
  out.add_metric("makespan_s", or_null(to_seconds(last_finish_ - first_arrival_), any));
  out.add_metric("makespan_release_s",
                 or_null(to_seconds(last_finish_ - std::min(last_release_, first_start_)), any));
  const SimTime from = std::max(opt_.warmup, any ? first_arrival_ : 0);
  const SimTime to = opt_.until > 0 ? opt_.until : last_finish_;
  out.add_metric("throughput_rps", or_null(static_cast<double>(in_window_) / to_seconds(to - from),
                                           any && to > from));
  const bool measured = response_.count() > 0;
  out.add_metric("response_mean_s", or_null(response_.mean(), measured));
  out.add_metric("response_p50_s", or_null(response_q_.quantile(0.5), measured));
  out.add_metric("response_p90_s", or_null(response_q_.quantile(0.9), measured));
  out.add_metric("response_p99_s", or_null(response_q_.quantile(0.99), measured));
  out.add_metric("response_max_s", or_null(response_.max(), measured));
  out.add_metric("wait_mean_s", or_null(wait_.mean(), measured));
  out.add_metric("wait_p99_s", or_null(wait_q_.quantile(0.99), measured));
  out.add_metric(
      "waited_fraction",
      or_null(static_cast<double>(waited_) / static_cast<double>(response_.count()), measured));
  out.add_metric("slowdown_mean", or_null(slowdown_.mean(), measured));
  json counts = json::array();
  std::uint64_t lo = ~0ULL, hi = 0;
  for (const auto& n : r.nodes) {
    counts.push_back(n.tasks);
    lo = std::min(lo, n.tasks);
    hi = std::max(hi, n.tasks);
  }
  out.add_metric("node_tasks", counts);
  out.add_metric("node_tasks_min", lo);
  out.add_metric("node_tasks_max", hi);
  out.add_metric("transfers", r.transfers);
  out.add_metric("result_returns", r.result_returns);
  out.add_metric("transfer_bytes", r.transfer_bytes);
  out.add_metric("state_messages", r.state_messages);
  out.add_metric("state_lost", r.state_lost);
  out.add_metric("quantiles", response_q_.exact() ? std::string("exact")
                                                  : std::string("sketch, relative error 0.001"));
  std::string csv =
      "node,slots,speed,throttle,tasks,slot_busy_s,utilization,sent,received,results\n";
  const double span = to_seconds(r.end);
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const auto& s = cluster_.nodes[i];
    const double util = span > 0 ? r.nodes[i].slot_busy_s / (s.slots * span) : 0.0;
    const auto& t = r.nodes[i];
    csv += fmt::format("{},{},{:g},{:g},{},{:.6f},{:.6f},{},{},{}\n", s.name, s.slots, s.speed,
                       s.throttle, t.tasks, t.slot_busy_s, util, t.sent, t.received, t.results);
  }
  out.add_file("nodes.csv", std::move(csv));
}

}  // namespace clustersim
