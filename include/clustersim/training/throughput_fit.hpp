// Fitting the analytic model's per-model parameters (analytic_throughput.hpp) to a measured
// throughput table by nonlinear least squares (Eigen's Levenberg-Marquardt) on the residuals
// log(predicted) - log(measured), i.e. on relative error. Positive parameters are fitted in log
// space and `overlap` through a logistic, so every trial point is valid. The fit is started
// from several points (the 1-GPU rows give eff and batch_half by a straight line; the sync
// parameters come from a small grid) and the best result wins, which makes it deterministic.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clustersim/training/analytic_throughput.hpp"

namespace clustersim {

struct FitCell {
  int batch = 0;
  int gpus = 0;
  double measured = 0;  ///< iterations per second
  double bw_gbps = 0;   ///< ring bottleneck of the placement assumed for this cell
};

struct FitResult {
  ModelParams params;
  double sse = 0;       ///< sum of squared log residuals
  int free_params = 0;  ///< fewer than 5 when the model has fewer usable cells than parameters
};

/// Fits one model. Needs at least one cell; with fewer than five cells, the sync parameters
/// that cannot be determined keep their values from `start`.
FitResult fit_model(const GpuSpec& gpu, const ModelSpec& model, const std::vector<FitCell>& cells,
                    const ModelParams& start);

}  // namespace clustersim

namespace clustersim {

/// One table cell with the fitted model's prediction; rel_error = predicted/measured - 1.
struct FitRow {
  std::string model;
  int batch = 0;
  int gpus = 0;
  double measured = 0;
  double predicted = 0;
  double rel_error = 0;
};

struct TableFit {
  FittedParams fitted;
  std::vector<FitRow> rows;                  ///< every usable cell, in table order
  std::map<std::string, int> skipped_cells;  ///< empty / nan / 0 cells per model
  std::map<std::string, int> free_params;    ///< parameters fitted per model
  std::vector<std::string> models_not_in_catalog;
};

/// Fits every model of `table` that the catalogue knows, placing each cell's GPUs
/// consolidated (fewest nodes) on `cluster`. Throws InputError if a cell needs more GPUs than
/// the cluster has.
TableFit fit_throughput_table(const ThroughputTable& table, const Catalog& catalog,
                              const std::string& gpu_type, const Cluster& cluster);

/// |rel_error| statistics over rows (optionally of one model): median and element int(q*n).
double abs_error_quantile(const std::vector<FitRow>& rows, double q, const std::string& model = "");

}  // namespace clustersim
