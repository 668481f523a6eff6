// `clustersim maf generate` and `clustersim maf inspect`: Azure Functions 2019 days (the serving
// family's traces). generate writes a synthetic day in the MAF format from the calibrated
// generator (maf.* settings, serving/maf_generator.hpp); inspect prints the statistics the
// generator is calibrated against (research/maf2019_stats.md), for a real or generated day.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/serving/maf_generator.hpp"
#include "clustersim/serving/maf_trace.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "clustersim/serving/workload.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

using namespace clustersim::serving;

struct GenerateOptions {
  std::string out;
  std::uint64_t seed = 1, run = 0;
  std::vector<std::string> sets;
};

void generate(const GenerateOptions& o) {
  if (o.out.empty()) throw InputError("no output file given (--out)");
  Params p;
  for (const auto& s : o.sets)
    p.set_from_string(s);
  p.declare(maf_generator_params(), "maf generator");
  p.validate();
  const MafGeneratorSettings s = maf_generator_settings(p, o.seed, o.run);
  const MafTrace t = generate_maf_day(s);
  write_file_atomically(o.out, maf_csv(t));
  fmt::print("wrote {} functions to {} ({})\n", t.functions.size(), o.out, t.source);
}

struct InspectOptions {
  std::string file, zoo;
  int minutes = 10;
  int copies = 66;
};

void inspect(const InspectOptions& o) {
  const MafTrace t = read_maf_trace(o.file, kMafMinutes);
  const std::size_t F = t.functions.size();
  std::map<std::string, std::uint64_t> app_total;
  std::map<std::string, int> app_functions;
  std::map<std::string, std::pair<int, std::uint64_t>> triggers;
  std::uint64_t total = 0;
  for (const auto& f : t.functions) {
    app_total[f.owner + f.app] += f.total;
    ++app_functions[f.owner + f.app];
    auto& tr = triggers[f.trigger];
    ++tr.first;
    tr.second += f.total;
    total += f.total;
  }
  const double apps = static_cast<double>(app_total.size());
  int hourly = 0, minutely = 0, secondly = 0, single = 0, upto10 = 0;
  std::uint64_t minutely_calls = 0;
  for (const auto& [app, n] : app_total) {
    hourly += n <= 24;
    minutely += n <= 1440;
    secondly += n > 86400;
    if (n >= 1440) minutely_calls += n;
  }
  for (const auto& [app, n] : app_functions) {
    single += n == 1;
    upto10 += n <= 10;
  }
  fmt::print("{:<40}{}\n", "trace", t.source);
  fmt::print("{:<40}{}\n", "functions", F);
  fmt::print("{:<40}{}\n", "apps", app_total.size());
  fmt::print("{:<40}{} ({:.0f} req/s)\n", "invocations over the day", total, total / 86400.0);
  fmt::print("{:<40}{:.1f} % (paper: 54 %)\n", "apps with one function", 100 * single / apps);
  fmt::print("{:<40}{:.1f} % (paper: 95 %)\n", "apps with <= 10 functions", 100 * upto10 / apps);
  fmt::print("{:<40}{:.1f} % (paper: 45 %)\n", "apps invoked <= once an hour", 100 * hourly / apps);
  fmt::print("{:<40}{:.1f} % (paper: 81 %)\n", "apps invoked <= once a minute",
             100 * minutely / apps);
  fmt::print("{:<40}{:.1f} % (paper: ~3 %)\n", "apps invoked > once a second",
             100 * secondly / apps);
  fmt::print("{:<40}{:.2f} % (paper: 99.6 %)\n", "calls of apps >= once a minute",
             total ? 100.0 * static_cast<double>(minutely_calls) / static_cast<double>(total) : 0);
  fmt::print("triggers (functions %, invocations %):\n");
  for (const auto& [name, v] : triggers)
    fmt::print("  {:<16}{:>6.1f} {:>6.1f}\n", name, 100.0 * v.first / static_cast<double>(F),
               total ? 100.0 * static_cast<double>(v.second) / static_cast<double>(total) : 0);
  const auto order = maf_order_by_total(t);
  fmt::print(
      "{:<40}{:.2f} %\n", "top function's share of the day",
      total ? 100.0 * static_cast<double>(t.functions[order[0]].total) / static_cast<double>(total)
            : 0);
  fmt::print("req/s at scale 1 in the first minutes:");
  for (int m = 0; m < o.minutes && m < kMafMinutes; ++m) {
    std::uint64_t c = 0;
    for (const auto& f : t.functions)
      c += f.counts[static_cast<std::size_t>(m)];
    fmt::print(" {:.0f}", static_cast<double>(c) / 60.0);
  }
  fmt::print("\n");
  if (o.zoo.empty()) return;
  // Clockwork's mapping (azure_scalability_exp): share of the first minutes' requests per zoo
  // model, and the GPU time a request costs at the largest batch size allowed in Fig. 11.
  const ModelZoo zoo = read_model_zoo(o.zoo);
  const auto names = zoo_name_order(zoo);
  const std::size_t M = names.size() * static_cast<std::size_t>(o.copies);
  std::vector<double> per_zoo(zoo.models.size(), 0.0);
  double all = 0;
  for (std::size_t i = 0; i < F; ++i) {
    const auto& f = t.functions[order[i]];
    double c = 0;
    for (int m = 0; m < o.minutes && m < kMafMinutes; ++m)
      c += f.counts[static_cast<std::size_t>(m)];
    per_zoo[static_cast<std::size_t>(names[(M * i) / F / static_cast<std::size_t>(o.copies)])] += c;
    all += c;
  }
  fmt::print("requests of minutes [0, {}) per zoo model ({} copies each):\n", o.minutes, o.copies);
  double gpu_ms = 0;
  for (int z : names) {
    const auto& m = zoo.models[static_cast<std::size_t>(z)];
    const double share = all > 0 ? per_zoo[static_cast<std::size_t>(z)] / all : 0;
    const double b8 = m.exec_us[3] <= 25000 ? m.exec_us[3] / 8.0 : m.exec_us[2] / 4.0;
    gpu_ms += share * b8 / 1000.0;
    if (share >= 0.001)
      fmt::print("  {:<32}{:>7.2f} %  {:.3f} ms/request at b8\n", m.name, 100 * share, b8 / 1000.0);
  }
  fmt::print("{:<40}{:.3f} ms ({:.0f} req/s per GPU at full batches)\n",
             "mean GPU time per request", gpu_ms, gpu_ms > 0 ? 1000.0 / gpu_ms : 0.0);
}

const bool registered = register_command(40, [](CLI::App& root) {
  auto* maf = root.add_subcommand(
      "maf", "Generate or inspect Azure Functions 2019 days (serving workloads)");
  maf->require_subcommand(1);

  auto g = std::make_shared<GenerateOptions>();
  auto* gen = maf->add_subcommand("generate", "Write a synthetic day (fully seeded)");
  gen->add_option("--out", g->out, "file to write (MAF format: 4 ids and 1440 minutes)");
  gen->add_option("--seed", g->seed, "random seed")->default_val(1);
  gen->add_option("--run", g->run, "replication index")->default_val(0);
  gen->add_option("--set", g->sets,
                  "generator setting maf.KEY=VALUE (`clustersim list --params "
                  "--family serving`)");
  gen->callback([g] { generate(*g); });

  auto i = std::make_shared<InspectOptions>();
  auto* ins = maf->add_subcommand("inspect", "Statistics of a day, against the paper's");
  ins->add_option("file", i->file, "MAF day file")->required();
  ins->add_option("--minutes", i->minutes, "first minutes to report")->default_val(10);
  ins->add_option("--zoo", i->zoo, "model zoo: also show Clockwork's requests per zoo model");
  ins->add_option("--copies", i->copies, "copies per zoo model for --zoo")->default_val(66);
  ins->callback([i] { inspect(*i); });
});

}  // namespace
}  // namespace clustersim::cli
