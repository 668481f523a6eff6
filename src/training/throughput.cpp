#include "clustersim/training/throughput.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/params.hpp"

namespace clustersim {

namespace {

// The trace readers' bounds, so every table cell can belong to a job.
constexpr std::int64_t kMaxGpus = 1 << 20, kMaxBatch = 1 << 30;

class DurationThroughput final : public ThroughputModel {
 public:
  explicit DurationThroughput(int max_gpus) : max_gpus_(max_gpus) {}
  double work(const Job& j) const override { return j.duration_s.value_or(0.0); }
  double rate(const Job& j, int gpus, const NodeShares&) const override {
    return gpus <= 0 ? 0.0 : static_cast<double>(gpus) / j.gpus;
  }
  std::vector<int> levels(const Job&) const override {
    std::vector<int> out;
    for (int g = 1; g <= max_gpus_; g *= 2)
      out.push_back(g);
    return out;
  }
  void check(const Job& j, const std::string& trace) const override {
    if (!j.duration_s) {
      throw InputError(
          trace, j.source_line,
          fmt::format("job '{}' has no duration and no throughput table was given", j.id));
    }
    if (*j.duration_s == 0) {  // `trace inspect` lists these; a run has nothing to simulate
      throw InputError(trace, j.source_line,
                       fmt::format("job '{}': zero duration (a job must run for some time)", j.id));
    }
  }
  std::string describe() const override { return "trace-duration"; }

 private:
  int max_gpus_;
};

class TableThroughput final : public ThroughputModel {
 public:
  explicit TableThroughput(ThroughputTable t) : t_(std::move(t)) {}
  double work(const Job& j) const override { return j.iterations; }
  double rate(const Job& j, int gpus, const NodeShares&) const override {
    const auto* row = find(j);
    if (!row) return 0.0;
    auto it = row->find(gpus);
    return it == row->end() ? 0.0 : it->second;
  }
  std::vector<int> levels(const Job& j) const override {
    std::vector<int> out;
    if (const auto* row = find(j)) {
      for (auto& [g, r] : *row) {
        if (r > 0) out.push_back(g);
      }
    }
    return out;
  }
  void check(const Job& j, const std::string& trace) const override {
    auto m = t_.rates.find(j.model);
    if (m == t_.rates.end()) {
      std::vector<std::string> models;
      for (const auto& [name, rows] : t_.rates)
        models.push_back(name);
      throw InputError(trace, j.source_line,
                       fmt::format("job '{}': unknown model '{}' (not in {}){}", j.id, j.model,
                                   t_.source, did_you_mean(j.model, models)));
    }
    auto b = m->second.find(j.batch_size);
    if (b == m->second.end()) {
      throw InputError(trace, j.source_line,
                       fmt::format("job '{}': model '{}' has no throughput row for batch size {}",
                                   j.id, j.model, j.batch_size));
    }
    auto g = b->second.find(j.gpus);
    if (g == b->second.end() || !(g->second > 0)) {
      throw InputError(trace, j.source_line,
                       fmt::format("job '{}': no usable throughput for {} at batch {} on {} GPUs",
                                   j.id, j.model, j.batch_size, j.gpus));
    }
  }
  std::string describe() const override { return "table:" + t_.source; }

 private:
  ThroughputTable t_;
  const std::map<int, double>* find(const Job& j) const {
    auto m = t_.rates.find(j.model);
    if (m == t_.rates.end()) return nullptr;
    auto b = m->second.find(j.batch_size);
    return b == m->second.end() ? nullptr : &b->second;
  }
};

void read_elasticflow_model(const std::string& path, const std::string& model, ThroughputTable& t) {
  CsvReader csv(path);
  if (csv.header().empty() || csv.header()[0] != "global_batch_size") {
    throw InputError(path, 1, "expected the header 'global_batch_size,1,2,4,...'");
  }
  std::vector<int> gpus;
  for (std::size_t c = 1; c < csv.header().size(); ++c) {
    auto g = parse_int(csv.header()[c]);
    if (!g || *g < 1 || *g > kMaxGpus)
      throw InputError(path, 1, fmt::format("column '{}' is not a GPU count", csv.header()[c]));
    if (std::find(gpus.begin(), gpus.end(), *g) != gpus.end())
      throw InputError(path, 1, fmt::format("GPU count {} appears twice in the header", *g));
    gpus.push_back(static_cast<int>(*g));
  }
  auto& rows = t.rates[model];
  while (csv.next()) {
    auto batch = csv.get_int(0);
    if (batch <= 0 || batch > kMaxBatch)
      csv.fail(fmt::format("batch size {} is out of range", batch));
    if (rows.count(static_cast<int>(batch))) csv.fail(fmt::format("batch size {} repeated", batch));
    auto& row = rows[static_cast<int>(batch)];
    for (std::size_t c = 1; c < csv.header().size(); ++c) {
      const auto& f = csv.field(c);
      if (f.empty() || f == "nan" || f == "NaN") {  // "not allowed"
        ++t.skipped_cells[model];
        continue;
      }
      double r = csv.get_double(c);
      if (r < 0) csv.fail("negative throughput");
      if (r > 0)
        row[gpus[c - 1]] = r;
      else
        ++t.skipped_cells[model];
    }
  }
}

void read_clustersim_table(const std::string& path, ThroughputTable& t) {
  CsvReader csv(path);
  const auto m = csv.require({"model"}), b = csv.require({"batch_size"}), g = csv.require({"gpus"}),
             r = csv.require({"iters_per_s"});
  while (csv.next()) {
    auto batch = csv.get_int(b), gpus = csv.get_int(g);
    if (batch <= 0 || gpus <= 0) csv.fail("batch_size and gpus must be positive");
    if (batch > kMaxBatch || gpus > kMaxGpus) csv.fail("batch_size or gpus is out of range");
    const auto& rf = csv.field(r);
    if (rf.empty() || rf == "nan" || rf == "NaN") {  // "not allowed", as in ElasticFlow's tables
      ++t.skipped_cells[csv.field(m)];
      continue;
    }
    double rate = csv.get_double(r);
    if (rate < 0) csv.fail("negative throughput");
    auto& cell = t.rates[csv.field(m)][static_cast<int>(batch)];
    if (cell.count(static_cast<int>(gpus))) csv.fail("duplicate (model, batch_size, gpus) row");
    if (rate > 0)
      cell[static_cast<int>(gpus)] = rate;
    else
      ++t.skipped_cells[csv.field(m)];
  }
  if (csv.rows_read() == 0) throw InputError(path, 1, "throughput table has no rows");
}

}  // namespace

std::unique_ptr<ThroughputModel> make_duration_throughput(int max_gpus) {
  return std::make_unique<DurationThroughput>(max_gpus);
}

ThroughputTable read_throughput_table(const std::string& path) {
  namespace fs = std::filesystem;
  ThroughputTable t;
  t.source = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(path)) {
      if (e.path().extension() == ".csv") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw InputError(path, 0, "no .csv throughput files in this folder");
    for (auto& f : files)
      read_elasticflow_model(f.string(), f.stem().string(), t);
  } else {
    read_clustersim_table(path, t);
  }
  return t;
}

std::unique_ptr<ThroughputModel> make_table_throughput(ThroughputTable table) {
  return std::make_unique<TableThroughput>(std::move(table));
}

}  // namespace clustersim
