// `clustersim profile fit|generate|show`: the analytic throughput model from the command line.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/training/analytic_throughput.hpp"
#include "clustersim/training/throughput_fit.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

namespace fs = std::filesystem;

struct ProfileOptions {
  std::string table, gpu = "A100", out, catalog, cluster, params, model;
  std::vector<std::string> models;
  std::vector<int> batches;
  int max_gpus = 64;
};

Cluster placement_cluster(const ProfileOptions& o, const GpuSpec& gpu, int min_gpus) {
  if (!o.cluster.empty()) return read_cluster_spec(o.cluster, gpu.name);
  return reference_cluster(gpu, min_gpus);
}

std::string placement_note(const Cluster& c, bool reference) {
  return fmt::format(
      "consolidated: each GPU count takes the fewest nodes (the first ceil(n/{}) nodes) of {}; "
      "ring "
      "bottleneck from the cluster graph{}",
      c.max_gpus_per_node(), c.name(),
      reference ? " (reference servers of gpus.json under one non-blocking switch)" : "");
}

std::map<std::string, ModelParams> params_from(const ProfileOptions& o, std::string& gpu_type,
                                               std::string& what) {
  if (o.params.empty()) {
    what = "catalogue default_params";
    return {};
  }
  FittedParams f = read_fitted_params(o.params);
  if (!f.gpu_type.empty()) gpu_type = f.gpu_type;
  what = "fitted: " + fs::path(o.params).filename().string();
  return f.models;
}

void cmd_fit(const ProfileOptions& o) {
  if (o.table.empty()) throw InputError("profile fit: --table is required");
  if (o.out.empty()) throw InputError("profile fit: --out FILE.json is required");
  const Catalog cat = read_catalog(o.catalog.empty() ? default_catalog_dir() : o.catalog);
  const GpuSpec& gpu = cat.gpu(o.gpu);
  ThroughputTable table = read_throughput_table(o.table);
  int max_g = 1;
  for (auto& [m, bs] : table.rates)
    for (auto& [b, row] : bs)
      for (auto& [g, r] : row)
        max_g = std::max(max_g, g);
  const Cluster cluster = placement_cluster(o, gpu, max_g);
  const TableFit fit = fit_throughput_table(table, cat, o.gpu, cluster);

  nlohmann::ordered_json j = nlohmann::ordered_json::parse(fitted_params_json(fit.fitted));
  j["catalog"] = fs::path(cat.dir).filename().string();
  j["placement"] = placement_note(cluster, o.cluster.empty());
  int total_skipped = 0;
  for (auto& [name, p] : fit.fitted.models) {
    int cells = 0;
    for (auto& r : fit.rows)
      cells += r.model == name;
    auto sk = fit.skipped_cells.find(name);
    const int skipped = sk == fit.skipped_cells.end() ? 0 : sk->second;
    j["models"][name]["fit"] = {{"cells", cells},
                                {"skipped_cells", skipped},
                                {"free_params", fit.free_params.at(name)},
                                {"median_abs_rel_error", abs_error_quantile(fit.rows, 0.5, name)},
                                {"max_abs_rel_error", abs_error_quantile(fit.rows, 1.0, name)}};
  }
  for (auto& [name, n] : fit.skipped_cells)
    total_skipped += n;
  const double med = abs_error_quantile(fit.rows, 0.5), p90 = abs_error_quantile(fit.rows, 0.9);
  j["fit"] = {{"cells", fit.rows.size()},
              {"skipped_cells", total_skipped},
              {"median_abs_rel_error", med},
              {"p90_abs_rel_error", p90},
              {"models_not_in_catalog", fit.models_not_in_catalog}};
  const fs::path out(o.out);
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  write_file_atomically(out.string(), j.dump(2) + "\n");
  std::string csv = "model,batch,gpus,measured,predicted,rel_error\n";
  for (const auto& r : fit.rows) {
    csv += fmt::format("{},{},{},{:.9g},{:.9g},{:.6f}\n", r.model, r.batch, r.gpus, r.measured,
                       r.predicted, r.rel_error);
  }
  const fs::path report = out.parent_path() / "fit_report.csv";
  write_file_atomically(report.string(), csv);

  fmt::print("{:<18}{:>6}{:>9}{:>10}{:>10}{:>8}{:>10}{:>8}{:>11}{:>9}\n", "model", "cells",
             "skipped", "med|err|", "max|err|", "eff", "b_half", "comm", "lat_ms", "overlap");
  for (auto& [name, p] : fit.fitted.models) {
    const auto& f = j["models"][name]["fit"];
    fmt::print("{:<18}{:>6}{:>9}{:>9.1f}%{:>9.1f}%{:>8.3f}{:>10.3g}{:>8.3f}{:>11.4f}{:>9.3f}\n",
               name, f["cells"].get<int>(), f["skipped_cells"].get<int>(),
               100 * f["median_abs_rel_error"].get<double>(),
               100 * f["max_abs_rel_error"].get<double>(), p.eff, p.batch_half, p.comm_eff,
               1e3 * p.latency_s, p.overlap);
  }
  fmt::print("all: {} cells, {} skipped (empty/nan/0), median |rel error| {:.1f}%, p90 {:.1f}%\n",
             fit.rows.size(), total_skipped, 100 * med, 100 * p90);
  for (auto& m : fit.models_not_in_catalog)
    fmt::print("not in the model catalogue (not fitted): {}\n", m);
  fmt::print("wrote {} and {}\n", out.string(), report.string());
}

// Rows of one model: batch -> rate per GPU count 1..max_gpus (per-GPU batch >= 1).
std::string generated_rows(const GpuSpec& gpu, const ModelSpec& m, const ModelParams& p,
                           const std::vector<int>& batches, const Cluster& c, int max_gpus) {
  std::string out;
  for (int b : batches) {
    for (int g = 1; g <= std::min(max_gpus, b); ++g) {
      const double t = iteration_time(gpu, m, p, b, g, consolidated_bottleneck_gbps(c, g));
      out += fmt::format("{},{},{},{:.9g}\n", m.name, b, g, 1.0 / t);
    }
  }
  return out;
}

void cmd_generate(const ProfileOptions& o) {
  if (o.out.empty()) throw InputError("profile generate: --out DIR is required");
  const Catalog cat = read_catalog(o.catalog.empty() ? default_catalog_dir() : o.catalog);
  std::string gpu_type = o.gpu, what;
  const auto params = params_from(o, gpu_type, what);
  const GpuSpec& gpu = cat.gpu(gpu_type);
  const Cluster cluster = placement_cluster(o, gpu, o.max_gpus);
  std::vector<std::string> models = o.models;
  if (models.empty()) {
    if (!params.empty()) {
      for (auto& [k, v] : params)
        models.push_back(k);
    } else {
      for (auto& [k, v] : cat.models)
        models.push_back(k);
    }
  }
  std::string csv = "model,batch_size,gpus,iters_per_s\n";
  for (const auto& name : models) {
    auto it = params.find(name);
    csv +=
        generated_rows(gpu, cat.model(name), it == params.end() ? cat.default_params : it->second,
                       o.batches, cluster, o.max_gpus);
  }
  nlohmann::ordered_json meta;
  meta["generated_by"] = "clustersim profile generate";
  meta["gpu_type"] = gpu_type;
  meta["params"] = what;
  meta["catalog_hashes"] = {{"gpus.json", file_hash(cat.dir + "/gpus.json")},
                            {"models.json", file_hash(cat.dir + "/models.json")}};
  meta["placement"] = placement_note(cluster, o.cluster.empty());
  nlohmann::ordered_json bw = nlohmann::ordered_json::object();
  for (int g = 1; g <= o.max_gpus; g *= 2)
    bw[std::to_string(g)] = consolidated_bottleneck_gbps(cluster, g);
  meta["ring_bottleneck_gbps"] = bw;
  meta["batches"] = o.batches;
  fs::create_directories(o.out);
  write_file_atomically((fs::path(o.out) / (gpu_type + ".csv")).string(), csv);
  write_file_atomically((fs::path(o.out) / (gpu_type + ".json")).string(), meta.dump(2) + "\n");
  fmt::print("wrote {}/{}.csv ({} models) and {}.json\n", o.out, gpu_type, models.size(), gpu_type);
}

void cmd_show(const ProfileOptions& o) {
  if (o.model.empty()) throw InputError("profile show: --model is required");
  std::map<int, std::map<int, double>> rows;
  std::string title;
  if (!o.table.empty()) {
    const ThroughputTable t = read_throughput_table(o.table);
    auto it = t.rates.find(o.model);
    if (it == t.rates.end())
      throw InputError(o.table, 0, "no model '" + o.model + "' in this table");
    rows = it->second;
    title = "measured: " + o.table;
  } else {
    const Catalog cat = read_catalog(o.catalog.empty() ? default_catalog_dir() : o.catalog);
    std::string gpu_type = o.gpu, what;
    const auto params = params_from(o, gpu_type, what);
    const GpuSpec& gpu = cat.gpu(gpu_type);
    const Cluster cluster = placement_cluster(o, gpu, o.max_gpus);
    const ModelSpec& m = cat.model(o.model);
    auto it = params.find(o.model);
    const ModelParams& p = it == params.end() ? cat.default_params : it->second;
    for (int b : o.batches) {
      for (int g = 1; g <= std::min(o.max_gpus, b); g *= 2) {
        rows[b][g] =
            1.0 / iteration_time(gpu, m, p, b, g, consolidated_bottleneck_gbps(cluster, g));
      }
    }
    title = fmt::format("{} on {} ({}), {}", o.model, gpu_type, what,
                        placement_note(cluster, o.cluster.empty()));
  }
  std::vector<int> cols;
  for (auto& [b, r] : rows)
    for (auto& [g, v] : r)
      if (std::find(cols.begin(), cols.end(), g) == cols.end()) cols.push_back(g);
  std::sort(cols.begin(), cols.end());
  fmt::print("{}\niterations/s\n{:>8}", title, "batch");
  for (int g : cols)
    fmt::print("{:>10}", fmt::format("{}gpu", g));
  fmt::print("\n");
  for (auto& [b, r] : rows) {
    fmt::print("{:>8}", b);
    for (int g : cols) {
      auto it = r.find(g);
      fmt::print("{:>10}", it == r.end() ? std::string("-") : fmt::format("{:.4g}", it->second));
    }
    fmt::print("\n");
  }
}

const bool registered = register_command(30, [](CLI::App& root) {
  auto o = std::make_shared<ProfileOptions>();
  o->batches = {32, 64, 128, 256};
  auto* cmd =
      root.add_subcommand("profile", "Analytic throughput model: fit it, generate and show tables");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* c) {
    c->add_option("--gpu", o->gpu, "GPU type from the catalogue (A100, T4, V100, H100)")
        ->default_val("A100");
    c->add_option(
        "--catalog", o->catalog,
        "folder with gpus.json and models.json (default: the shipped throughputs/catalog)");
    c->add_option(
        "--cluster", o->cluster,
        "cluster spec for the placement (default: reference servers of the GPU type, one switch)");
  };
  auto* fit = cmd->add_subcommand(
      "fit",
      "Fit the per-model parameters to a measured table (Levenberg-Marquardt on log throughput); "
      "writes FILE.json and fit_report.csv next to it. Empty, nan and 0 cells are skipped and "
      "counted.");
  common(fit);
  fit->add_option("--table", o->table,
                  "measured table: clustersim CSV or a folder of ElasticFlow per-model CSVs")
      ->required();
  fit->add_option("--out", o->out, "fitted-parameter file to write (JSON)")->required();
  fit->callback([o] { cmd_fit(*o); });

  auto* gen = cmd->add_subcommand("generate",
                                  "Write DIR/<GPU>.csv (model,batch_size,gpus,iters_per_s for "
                                  "1..max GPUs, at most one GPU per sample) and DIR/<GPU>.json "
                                  "(placement assumption, link bandwidths, inputs)");
  common(gen);
  gen->add_option("--models", o->models,
                  "models (default: all in the catalogue, or all in --params)")
      ->delimiter(',');
  gen->add_option("--params", o->params,
                  "fitted-parameter JSON from `profile fit` (default: catalogue defaults)");
  gen->add_option("--batches", o->batches, "global batch sizes")
      ->delimiter(',')
      ->default_str("32,64,128,256");
  gen->add_option("--max-gpus", o->max_gpus, "largest GPU count")->default_val(64);
  gen->add_option("--out", o->out, "output folder")->required();
  gen->callback([o] { cmd_generate(*o); });

  auto* show = cmd->add_subcommand("show", "Print one model's table (power-of-two GPU counts)");
  common(show);
  show->add_option("--model", o->model, "model name")->required();
  show->add_option("--params", o->params, "fitted-parameter JSON (default: catalogue defaults)");
  show->add_option("--table", o->table, "print this measured table instead of the model");
  show->add_option("--batches", o->batches, "global batch sizes")
      ->delimiter(',')
      ->default_str("32,64,128,256");
  show->add_option("--max-gpus", o->max_gpus, "largest GPU count")->default_val(64);
  show->callback([o] { cmd_show(*o); });
});

}  // namespace
}  // namespace clustersim::cli
