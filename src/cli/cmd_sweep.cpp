// `clustersim sweep expand|run|merge|emit`: parameter grids (docs/sweeps.md).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/sweep/emit.hpp"
#include "clustersim/sweep/run_dir.hpp"
#include "command.hpp"
#include "sweep_runner.hpp"

namespace clustersim::cli {
namespace {

namespace fs = std::filesystem;

struct GridArgs {
  std::string grid;
  std::vector<std::string> vars;
  std::vector<std::string> only;
  std::vector<std::string> set;
};

void add_grid_args(CLI::App* cmd, GridArgs& a) {
  cmd->add_option("GRID", a.grid, "grid file (JSON, see docs/sweeps.md)")->required();
  cmd->add_option("--var", a.vars, "NAME=VALUE: override one of the grid's vars (repeatable)");
  cmd->add_option("--only", a.only,
                  "KEY=VALUE: keep only the points with this value of column KEY (repeatable; "
                  "values of one key add up)");
  cmd->add_option("--set", a.set,
                  "KEY=VALUE: a parameter for every run, added to the grid's base \"set\" "
                  "(repeatable; an axis of the same key still varies it)");
}

std::pair<std::string, std::string> split_assignment(const std::string& s, const char* option) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(fmt::format("{} expects NAME=VALUE, got '{}'", option, s));
  return {s.substr(0, eq), s.substr(eq + 1)};
}

sweep::Manifest expand(const GridArgs& a) {
  sweep::GridOptions opt;
  for (const auto& v : a.vars)
    opt.vars.insert(split_assignment(v, "--var"));
  for (const auto& o : a.only)
    opt.only.push_back(split_assignment(o, "--only"));
  for (const auto& kv : a.set)
    opt.set.push_back(split_assignment(kv, "--set"));
  opt.check_param = sweep::check_declared_param;
  auto m = sweep::expand_grid(a.grid, opt);
  for (const auto& n : m.notes)
    std::fprintf(stderr, "sweep: %s\n", n.c_str());
  if (m.points.empty()) throw InputError(a.grid, 0, "the grid has no points left to run");
  return m;
}

std::string absolute(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

std::string self_binary() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot read /proc/self/exe");
  return p.string();
}

void setup_expand(CLI::App* sweep) {
  struct Opts {
    GridArgs grid;
    std::string output;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = sweep->add_subcommand("expand", "Print the manifest of a grid: one line per run");
  add_grid_args(cmd, o->grid);
  cmd->add_option("-o,--output", o->output, "write the manifest to FILE instead of stdout");
  cmd->add_flag("--json", o->json, "one JSON object per run (folder, columns, run.json)");
  cmd->callback([o] {
    const auto m = expand(o->grid);
    std::string text;
    if (o->json) {
      for (const auto& p : m.points) {
        nlohmann::json j, cols = nlohmann::json::object();
        for (std::size_t c = 0; c < m.columns.size(); ++c)
          cols[m.columns[c]] = p.values[c];
        j["run"] = p.dir;
        j["columns"] = cols;
        j["config"] = p.config;
        text += j.dump() + "\n";
      }
    } else {
      text = sweep::manifest_text(sweep::manifest_file(m));
    }
    if (o->output.empty())
      std::fwrite(text.data(), 1, text.size(), stdout);
    else
      write_file_atomically(o->output, text);
  });
}

void setup_run(CLI::App* sweep) {
  struct Opts {
    GridArgs grid;
    LocalRunOptions run;
    bool no_merge = false;
  };
  auto o = std::make_shared<Opts>();
  o->run.jobs = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  auto* cmd = sweep->add_subcommand(
      "run", "Run a grid on local processes; rerunning resumes (complete runs are kept)");
  add_grid_args(cmd, o->grid);
  cmd->add_option("--out", o->run.out, "sweep folder: manifest.tsv, runs/<id>/, summary.csv")
      ->required();
  cmd->add_option("-j,--jobs", o->run.jobs, "runs at a time (default: the number of CPUs)")
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("-q,--quiet", o->run.quiet, "no line per finished run when not on a terminal");
  cmd->add_flag("--no-merge", o->no_merge, "do not write summary.csv at the end");
  cmd->callback([o] {
    const auto m = expand(o->grid);
    LocalRunOptions r = o->run;
    r.out = absolute(r.out);
    r.merge = !o->no_merge;
    const int code = run_sweep_locally(m, r);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

void setup_merge(CLI::App* sweep) {
  struct Opts {
    std::string dir;
    bool partial = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = sweep->add_subcommand(
      "merge", "Write <DIR>/summary.csv from the complete runs of a sweep folder");
  cmd->add_option("DIR", o->dir, "sweep folder (the --out of sweep run or emit)")->required();
  cmd->add_flag("--partial", o->partial, "merge the complete runs even if some are not");
  cmd->callback([o] {
    auto r = sweep::merge(o->dir, o->partial);
    for (std::size_t k = 0; k < r.incomplete.size() && k < 20; ++k) {
      std::fprintf(stderr, "incomplete: %s: %s\n", r.incomplete[k].first.c_str(),
                   r.incomplete[k].second.c_str());
    }
    if (r.incomplete.size() > 20)
      std::fprintf(stderr, "... and %zu more incomplete\n", r.incomplete.size() - 20);
    if (r.written) {
      std::fprintf(stderr, "wrote %s/summary.csv (%zu runs%s)\n", o->dir.c_str(), r.merged,
                   r.incomplete.empty()
                       ? ""
                       : fmt::format(", {} incomplete left out", r.incomplete.size()).c_str());
    } else {
      std::fprintf(stderr,
                   "summary.csv not written: %zu of %zu runs are incomplete (finish them, or "
                   "--partial)\n",
                   r.incomplete.size(), r.incomplete.size() + r.merged);
      throw CLI::RuntimeError(1);
    }
  });
}

void setup_emit(CLI::App* sweep) {
  struct Opts {
    GridArgs grid;
    std::string out;
    bool parallel = false, slurm = false;
    std::size_t chunk = 0, throttle = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = sweep->add_subcommand(
      "emit", "Prepare the runs of a grid for GNU parallel or a Slurm job array");
  add_grid_args(cmd, o->grid);
  cmd->add_option("--out", o->out, "sweep folder (on a file system every host sees)")->required();
  auto* par = cmd->add_flag("--parallel", o->parallel,
                            "write <out>/parallel/jobs.txt, one command per run");
  auto* slu = cmd->add_flag("--slurm", o->slurm, "write <out>/slurm/sweep.sbatch, a job array");
  par->excludes(slu);
  cmd->add_option("--chunk", o->chunk,
                  "runs per Slurm array task (default: 1, more when that would exceed 1000 "
                  "tasks)");
  cmd->add_option("--throttle", o->throttle, "at most this many Slurm array tasks at once");
  cmd->callback([o] {
    if (!o->parallel && !o->slurm) throw InputError("sweep emit needs --parallel or --slurm");
    const auto m = expand(o->grid);
    const std::string out = absolute(o->out);
    fs::create_directories(out);
    sweep::SweepLock lock(out);
    const auto file = sweep::manifest_file(m);
    sweep::write_manifest(out, file);
    sweep::EmitSpec spec{self_binary(), out, {}, absolute(o->grid.grid)};
    for (std::size_t i = 0; i < m.points.size(); ++i) {
      const std::string dir = out + "/" + m.points[i].dir;
      if (sweep::check_run(dir, file.rows[i].config_hash).state == sweep::RunState::kComplete)
        continue;
      sweep::prepare_run(dir, sweep::run_json_text(m.points[i]));
      spec.run_dirs.push_back(dir);
    }
    const std::size_t n = spec.run_dirs.size();
    std::fprintf(stderr, "sweep: %zu runs, %zu complete, %zu to run\n", m.points.size(),
                 m.points.size() - n, n);
    if (n == 0) {
      std::fprintf(stderr, "sweep: nothing to run; merge with: clustersim sweep merge %s\n",
                   out.c_str());
      return;
    }
    if (o->parallel) {
      fs::create_directories(out + "/parallel");
      write_file_atomically(out + "/parallel/jobs.txt", sweep::parallel_jobs(spec));
      std::printf(
          "%s/parallel/jobs.txt: %zu commands. Run them with e.g.\n"
          "  parallel --jobs 2 --joblog %s/parallel/joblog --resume-failed -a "
          "%s/parallel/jobs.txt\n"
          "  (add --sshlogin 8/host1,8/host2 for other hosts sharing this folder)\n"
          "then: clustersim sweep merge %s\n",
          out.c_str(), n, out.c_str(), out.c_str(), out.c_str());
    } else {
      fs::create_directories(out + "/slurm");
      std::string runs;
      for (const auto& d : spec.run_dirs)
        runs += d + "\n";
      write_file_atomically(out + "/slurm/runs.txt", runs);
      write_file_atomically(
          out + "/slurm/sweep.sbatch",
          sweep::slurm_script(spec, out + "/slurm/runs.txt", o->chunk, o->throttle));
      std::printf(
          "%s/slurm/sweep.sbatch: %zu array tasks of %zu runs. Submit with\n"
          "  sbatch %s/slurm/sweep.sbatch\n"
          "then, when the array is done: clustersim sweep merge %s\n",
          out.c_str(), sweep::slurm_tasks(n, o->chunk), sweep::slurm_chunk(n, o->chunk),
          out.c_str(), out.c_str());
    }
  });
}

const bool registered = register_command(15, [](CLI::App& root) {
  auto* cmd = root.add_subcommand("sweep", "Parameter grids: expand, run, merge, emit");
  cmd->require_subcommand(1);
  setup_expand(cmd);
  setup_run(cmd);
  setup_merge(cmd);
  setup_emit(cmd);
});

}  // namespace
}  // namespace clustersim::cli
