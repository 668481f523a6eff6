#include "clustersim/training/throughput_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <Eigen/Dense>
#include <unsupported/Eigen/NonLinearOptimization>
#include <unsupported/Eigen/NumericalDiff>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

namespace {

constexpr int kParams = 5;  // eff, batch_half, comm_eff, latency_s, overlap

using Vec = Eigen::VectorXd;

Vec to_x(const ModelParams& p) {
  Vec x(kParams);
  const double o = std::clamp(p.overlap, 1e-6, 1 - 1e-6);
  x << std::log(p.eff), std::log(p.batch_half), std::log(p.comm_eff), std::log(p.latency_s),
      std::log(o / (1 - o));
  return x;
}

// Search box in the transformed space: eff 1e-4..100, batch_half 1e-3..1e5, comm_eff 1e-4..100,
// latency 1e-7..10 s, overlap logit -12..12. Beyond it a parameter no longer changes the
// prediction (e.g. sync is already negligible), so the fit would drift without bound.
Vec clamp_x(const Vec& x) {
  static const double lo[kParams] = {std::log(1e-4), std::log(1e-3), std::log(1e-4), std::log(1e-7),
                                     -12};
  static const double hi[kParams] = {std::log(100.), std::log(1e5), std::log(100.), std::log(10.),
                                     12};
  Vec y = x;
  for (int i = 0; i < kParams; ++i)
    y[i] = std::clamp(x[i], lo[i], hi[i]);
  return y;
}

ModelParams from_x(const Vec& x) {
  ModelParams p;
  p.eff = std::exp(x[0]);
  p.batch_half = std::exp(x[1]);
  p.comm_eff = std::exp(x[2]);
  p.latency_s = std::exp(x[3]);
  p.overlap = 1.0 / (1.0 + std::exp(-x[4]));
  return p;
}

struct Residuals {
  using Scalar = double;
  using InputType = Vec;
  using ValueType = Vec;
  using JacobianType = Eigen::MatrixXd;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };

  const GpuSpec* gpu;
  const ModelSpec* model;
  const std::vector<FitCell>* cells;
  std::vector<int> free;  // indices into the full parameter vector
  Vec base;               // full vector; free entries are overwritten

  int inputs() const { return static_cast<int>(free.size()); }
  int values() const { return static_cast<int>(cells->size()); }

  Vec full(const Vec& z) const {
    Vec x = base;
    for (std::size_t i = 0; i < free.size(); ++i)
      x[free[i]] = z[static_cast<Eigen::Index>(i)];
    return x;
  }
  int operator()(const Vec& z, Vec& r) const {
    Vec x = clamp_x(full(z));
    const ModelParams p = from_x(x);
    for (std::size_t i = 0; i < cells->size(); ++i) {
      const auto& c = (*cells)[i];
      const double t = iteration_time(*gpu, *model, p, c.batch, c.gpus, c.bw_gbps);
      r[static_cast<Eigen::Index>(i)] = -std::log(t) - std::log(c.measured);
    }
    return 0;
  }
};

double sse_of(const Residuals& f, const Vec& z) {
  Vec r(f.values());
  f(z, r);
  return r.squaredNorm();
}

// Straight line through the 1-GPU cells: t = W/(F eff) * B + W batch_half/(F eff).
void seed_compute(const GpuSpec& gpu, const ModelSpec& model, const std::vector<FitCell>& cells,
                  ModelParams& p) {
  std::vector<std::pair<double, double>> pts;
  for (const auto& c : cells) {
    if (c.gpus == 1) pts.emplace_back(c.batch, 1.0 / c.measured);
  }
  const double wf = model.train_flops_per_sample / peak_flops(gpu, model);
  if (pts.empty()) return;
  double slope = 0, icpt = 0;
  if (pts.size() >= 2) {
    double mx = 0, my = 0;
    for (auto& [x, y] : pts)
      mx += x, my += y;
    mx /= pts.size();
    my /= pts.size();
    double sxy = 0, sxx = 0;
    for (auto& [x, y] : pts)
      sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
    if (sxx > 0) slope = sxy / sxx;
    icpt = my - slope * mx;
  }
  if (!(slope > 0) || !(icpt > 0)) {  // one row, or not increasing: assume batch_half = 1
    const auto& [x, y] = pts.front();
    slope = y / (x + 1);
    icpt = slope;
  }
  p.eff = wf / slope;
  p.batch_half = icpt / slope;
}

}  // namespace

FitResult fit_model(const GpuSpec& gpu, const ModelSpec& model, const std::vector<FitCell>& cells,
                    const ModelParams& start) {
  if (cells.empty()) throw InputError("fit_model: no usable cells");
  std::set<int> multi;
  for (const auto& c : cells) {
    if (c.gpus > 1) multi.insert(c.gpus);
  }
  // Order of importance; fit as many as the data can determine.
  std::vector<int> free{0, 1};
  if (!multi.empty()) {
    for (int k : {2, 3, 4})
      free.push_back(k);
  }
  while (free.size() > cells.size())
    free.pop_back();

  ModelParams seed = start;
  seed_compute(gpu, model, cells, seed);

  Residuals f{&gpu, &model, &cells, free, to_x(seed)};
  FitResult best;
  best.sse = std::numeric_limits<double>::infinity();
  best.free_params = static_cast<int>(free.size());
  const bool sync_free = free.size() > 2;
  const std::vector<double> comm_starts =
      sync_free ? std::vector<double>{0.05, 0.5} : std::vector<double>{start.comm_eff};
  const std::vector<double> lat_starts =
      sync_free ? std::vector<double>{1e-5, 1e-3} : std::vector<double>{start.latency_s};
  const std::vector<double> ov_starts =
      sync_free ? std::vector<double>{0.1, 0.5, 0.9} : std::vector<double>{start.overlap};
  for (double ce : comm_starts) {
    for (double lat : lat_starts) {
      for (double ov : ov_starts) {
        ModelParams s = seed;
        if (sync_free) {
          s.comm_eff = ce;
          s.latency_s = lat;
          s.overlap = ov;
        }
        f.base = to_x(s);
        Vec z(static_cast<Eigen::Index>(free.size()));
        for (std::size_t i = 0; i < free.size(); ++i)
          z[static_cast<Eigen::Index>(i)] = f.base[free[i]];
        Eigen::NumericalDiff<Residuals, Eigen::Central> nd(f);
        Eigen::LevenbergMarquardt<Eigen::NumericalDiff<Residuals, Eigen::Central>> lm(nd);
        lm.parameters.maxfev = 4000;
        lm.parameters.xtol = 1e-14;
        lm.parameters.ftol = 1e-14;
        lm.minimize(z);
        const double e = sse_of(f, z);
        if (e < best.sse) {
          best.sse = e;
          best.params = from_x(clamp_x(f.full(z)));
        }
      }
    }
  }
  return best;
}

}  // namespace clustersim

namespace clustersim {

TableFit fit_throughput_table(const ThroughputTable& table, const Catalog& catalog,
                              const std::string& gpu_type, const Cluster& cluster) {
  const GpuSpec& gpu = catalog.gpu(gpu_type);
  TableFit out;
  out.fitted.gpu_type = gpu_type;
  out.fitted.table = table.source;
  out.skipped_cells = table.skipped_cells;
  for (const auto& [name, batches] : table.rates) {
    auto m = catalog.models.find(name);
    if (m == catalog.models.end()) {
      out.models_not_in_catalog.push_back(name);
      continue;
    }
    std::vector<FitCell> cells;
    for (const auto& [batch, row] : batches) {
      for (const auto& [gpus, rate] : row) {
        if (gpus > cluster.total_gpus()) {
          throw InputError(table.source, 0,
                           fmt::format("{} at {} GPUs: the placement cluster '{}' has only {} GPUs",
                                       name, gpus, cluster.name(), cluster.total_gpus()));
        }
        cells.push_back({batch, gpus, rate, consolidated_bottleneck_gbps(cluster, gpus)});
      }
    }
    if (cells.empty()) continue;
    const FitResult r = fit_model(gpu, m->second, cells, catalog.default_params);
    out.fitted.models[name] = r.params;
    out.free_params[name] = r.free_params;
    for (const auto& c : cells) {
      FitRow row{name, c.batch, c.gpus, c.measured, 0, 0};
      row.predicted = 1.0 / iteration_time(gpu, m->second, r.params, c.batch, c.gpus, c.bw_gbps);
      row.rel_error = row.predicted / row.measured - 1.0;
      out.rows.push_back(row);
    }
  }
  return out;
}

double abs_error_quantile(const std::vector<FitRow>& rows, double q, const std::string& model) {
  std::vector<double> e;
  for (const auto& r : rows) {
    if (model.empty() || r.model == model) e.push_back(std::abs(r.rel_error));
  }
  if (e.empty()) return 0;
  std::sort(e.begin(), e.end());
  if (q == 0.5) {
    const std::size_t n = e.size();
    return n % 2 ? e[n / 2] : 0.5 * (e[n / 2 - 1] + e[n / 2]);
  }
  return e[std::min(e.size() - 1, static_cast<std::size_t>(q * e.size()))];
}

}  // namespace clustersim
