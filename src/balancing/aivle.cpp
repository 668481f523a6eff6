#include "clustersim/balancing/aivle.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "INFO 2022-01-04 14:53:31,819 ..." -> µs since the epoch (wall clock, no zone); nullopt if the
// line does not start with a level and such a timestamp.
std::optional<SimTime> log_time(const std::string& line) {
  const auto sp = line.find(' ');
  if (sp == std::string::npos || line.size() < sp + 24) return std::nullopt;
  const char* s = line.c_str() + sp + 1;  // YYYY-MM-DD HH:MM:SS,mmm
  auto num = [&](int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
      (s[19] != ',' && s[19] != '.'))
    return std::nullopt;
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
            sec = num(17, 2), ms = num(20, 3);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      sec < 0 || sec > 60 || ms < 0)
    return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms) * 1000;
}

// The token after `marker` (up to a space), or "".
std::string token_after(const std::string& line, const std::string& marker) {
  const auto p = line.find(marker);
  if (p == std::string::npos) return "";
  const auto b = p + marker.size();
  const auto e = line.find(' ', b);
  return line.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// "HTTP GET /api/v1/jobs/2617/start_job/ 200 [56.08, 127.0.0.1:52190]" -> kind and seconds.
bool http_latency(const std::string& line, std::string& kind, double& seconds) {
  const auto h = line.find("HTTP ");
  if (h == std::string::npos) return false;
  std::istringstream in(line.substr(h + 5));
  std::string method, path, status, lat;
  if (!(in >> method >> path >> status >> lat) || lat.size() < 2 || lat[0] != '[') return false;
  const auto v = parse_double(lat.substr(1, lat.find(',') - 1));
  if (!v) return false;
  if (path.find("/start_job/") != std::string::npos)
    kind = "start_job";
  else if (path.find("/download_grader/") != std::string::npos)
    kind = "download_grader";
  else if (path.find("/submissions/") != std::string::npos &&
           path.find("/download/") != std::string::npos)
    kind = "download";
  else if (path.find("/submit_job/") != std::string::npos)
    kind = "submit_job";
  else if (method == "POST" && path == "/api/v1/submissions/")
    kind = "submission_post";
  else
    return false;
  seconds = *v;
  return true;
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) throw InputError("aiVLE fit: no value to average");
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double median_of(std::vector<double> v) {
  if (v.empty()) throw InputError("aiVLE fit: no value for a median");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const std::vector<double>& latencies(const AivleLog& log, const std::string& kind) {
  auto it = log.latency.find(kind);
  if (it == log.latency.end() || it->second.empty())
    throw InputError(log.path, 0, "no HTTP line for " + kind);
  return it->second;
}

std::vector<const AivleJob*> completed(const AivleLog& log) {
  std::vector<const AivleJob*> out;
  for (const auto& j : log.jobs)
    if (j.started >= 0 && j.finished >= 0) out.push_back(&j);
  if (out.empty()) throw InputError(log.path, 0, "no job with both a start and a finish line");
  return out;
}

}  // namespace

AivleLog read_aivle_web_log(const std::string& path) {
  const std::string text = read_file(path);
  AivleLog log;
  log.path = path;
  std::map<std::string, std::size_t> index;
  std::istringstream in(text);
  std::string line, kind;
  long n = 0;
  double seconds = 0;
  while (std::getline(in, line)) {
    ++n;
    if (http_latency(line, kind, seconds)) {
      log.latency[kind].push_back(seconds);
      continue;
    }
    if (line.find("job task ") == std::string::npos) continue;
    const auto stamp = log_time(line);
    if (!stamp) throw InputError(path, n, "a 'job task' line without a timestamp");
    // Unset times are -1 (AivleJob), and arrivals are differences: keep to the epoch's side.
    if (*stamp < 0) throw InputError(path, n, "a timestamp before 1970");
    const SimTime at = *stamp;
    std::string uuid = token_after(line, "job task started: ");
    SimTime AivleJob::*field = &AivleJob::started;
    std::string node = token_after(line, " on ");
    if (uuid.empty()) {
      uuid = token_after(line, "job task finished: ");
      field = &AivleJob::finished;
      node = token_after(line, " by ");
    }
    if (uuid.empty() && line.find(" is submitted") != std::string::npos) {
      uuid = token_after(line, "job task ");
      field = &AivleJob::submitted;
    }
    if (uuid.empty()) continue;
    auto [it, fresh] = index.try_emplace(uuid, log.jobs.size());
    if (fresh) {
      log.jobs.push_back({});
      log.jobs.back().uuid = uuid;
    }
    AivleJob& j = log.jobs[it->second];
    if (j.*field >= 0) throw InputError(path, n, "job " + uuid + " logged twice");
    j.*field = at;
    if (field == &AivleJob::submitted) j.line = n;
    if (field == &AivleJob::started) j.node = node;
  }
  // A job seen started or finished but never submitted belongs to an earlier log.
  std::erase_if(log.jobs, [](const AivleJob& j) { return j.submitted < 0; });
  std::stable_sort(log.jobs.begin(), log.jobs.end(),
                   [](const AivleJob& a, const AivleJob& b) { return a.submitted < b.submitted; });
  if (log.jobs.empty()) throw InputError(path, 0, "no 'job task <uuid> is submitted' line");
  for (const auto& j : log.jobs)
    if (j.started >= 0 && j.finished >= 0 && j.finished < j.started)
      throw InputError(path, j.line, "job " + j.uuid + " finished before it started");
  return log;
}

double aivle_makespan_s(const AivleLog& log) {
  SimTime last_sub = 0, first_start = kForever, last_finish = 0;
  for (const auto* j : completed(log)) {
    first_start = std::min(first_start, j->started);
    last_finish = std::max(last_finish, j->finished);
  }
  for (const auto& j : log.jobs)
    last_sub = std::max(last_sub, j.submitted);
  return to_seconds(last_finish - std::min(last_sub, first_start));
}

AivleFit fit_aivle(const std::string& web_dir) {
  const int logs[] = {10, 9, 8, 7};  // concurrency 1, 2, 4, 8 on one node
  const double conc[] = {1, 2, 4, 8};
  AivleFit fit;
  std::vector<double> spacing;
  for (int i = 0; i < 4; ++i) {
    const AivleLog log = read_aivle_web_log(fmt::format("{}/debug.log.{}", web_dir, logs[i]));
    for (std::size_t k = 1; k < log.jobs.size(); ++k)
      spacing.push_back(to_seconds(log.jobs[k].submitted - log.jobs[k - 1].submitted));
    std::vector<double> exec;
    for (const auto* j : completed(log))
      exec.push_back(to_seconds(j->finished - j->started));
    const double inside = mean_of(latencies(log, "download_grader")) +
                          mean_of(latencies(log, "download")) +
                          mean_of(latencies(log, "submit_job"));
    fit.busy.push_back(conc[i]);
    fit.exec_mean.push_back(mean_of(exec));
    fit.factor.push_back(mean_of(exec) - inside);  // run time, normalised below
    if (i > 0) continue;
    // The c = 1 log: an idle master's service times and the worker-side gap.
    const double start_job = median_of(latencies(log, "start_job"));
    fit.start_s = start_job;
    fit.fetch_s = {median_of(latencies(log, "download_grader")),
                   median_of(latencies(log, "download"))};
    fit.finish_s = median_of(latencies(log, "submit_job"));
    std::vector<const AivleJob*> order = completed(log);
    std::sort(order.begin(), order.end(),
              [](const AivleJob* a, const AivleJob* b) { return a->started < b->started; });
    std::vector<double> gaps;
    for (std::size_t k = 1; k < order.size(); ++k)
      gaps.push_back(to_seconds(order[k]->started - order[k - 1]->finished));
    fit.overhead_s = std::max(0.0, mean_of(gaps) - start_job);
  }
  fit.submit_s = mean_of(spacing);
  fit.s1 = fit.factor[0];
  for (double& f : fit.factor)
    f /= fit.s1;
  return fit;
}

std::vector<std::string> AivleFit::settings() const {
  auto list = [](const std::vector<double>& v) {
    std::string s;
    for (double x : v) {
      if (!s.empty()) s += ',';
      s += fmt::format("{:.6g}", x);
    }
    return s;
  };
  return {fmt::format("frontend.submit_s={:.6g}", submit_s),
          fmt::format("frontend.start_s={:.6g}", start_s),
          "frontend.fetch_s=" + list(fetch_s),
          fmt::format("frontend.finish_s={:.6g}", finish_s),
          fmt::format("worker.overhead_s={:.6g}", overhead_s),
          fmt::format("service.mean_s={:.6g}", s1),
          "contention=table",
          "contention.busy=" + list(busy),
          "contention.factor=" + list(factor)};
}

}  // namespace clustersim::balancing
