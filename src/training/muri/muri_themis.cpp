// muri-themis: the Themis (finish-time fairness) baseline exactly as Muri's simulator runs it
// (`themis`). Progress, per-event restart overhead and yarn placement as muri-srtf. At every
// event with active jobs (n of them, N cluster GPUs):
//  1. per job: a_i = min(ceil(N / n) / g_i, 1) (the original's "isolated throughput", which is
//     really this allocation share), the cumulative isolated time C_i += (R_prev - R_i) / a_prev
//     since the job's previous event (0 at the first), E_i = C_i + R_i / a_i (R = remaining
//     iterations; iterations over a share, not seconds, as in the original), and
//     rho_i(x) = (now - submit_i + R_i * iteration_time_i / x) / E_i;
//  2. x = argmin max_i rho_i(x_i) s.t. 0 <= x <= 1, sum g_i x_i <= N (src/training/muri/
//     themis_lp.hpp; the point chosen when the optimum is not unique is muri.themis.optimum);
//  3. rank, descending and stable over the persistent job list, by (x_i * 1e9 if the job has
//     never run, else x_i / time run so far; then deficit = time it should have received
//     (sum of x_i * event gaps, before this event's term) - time run; then x_i);
//  4. walk that ranking with a tentative yarn placement on an empty cluster: the jobs that fit
//     are chosen; then place the chosen jobs for real with yarn in GPU-count-descending order
//     (stable; the list keeps this order for the next event): a chosen job that no longer fits
//     waits. Jobs not placed are preempted.
// Parameters: muri.themis.solver (exact | ipm: src/training/themis_ipm.hpp, an
// interior-point solve in ECOS's family whose stopping point replaces the rule below),
// muri.themis.optimum (center | minimal, for exact) plus the muri.overhead* keys.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/iteration_clock.hpp"
#include "training/muri/sim.hpp"
#include "training/muri/themis_lp.hpp"
#include "clustersim/training/policy.hpp"
#include "training/themis_ipm.hpp"

namespace clustersim {
namespace {

class MuriThemis final : public TrainingPolicy {
 public:
  explicit MuriThemis(const PolicyEnv& env) : yarn_(env.cluster), oh_(env.params) {
    optimum_ = env.params.get_string("muri.themis.optimum") == "center"
                   ? muri::ThemisOptimum::kCenter
                   : muri::ThemisOptimum::kMinimal;
    ipm_ = env.params.get_string("muri.themis.solver") == "ipm";
    calibration_ = env.params.get_double("muri.themis.calibration");
    if (!(calibration_ > 0)) throw InputError("muri.themis.calibration must be > 0");
  }

  /// Isolated iteration time with this run's calibration factor.
  double iteration_time(const Job& j) const {
    return muri::isolated_iteration_time(j) / muri::kIsolatedCalibration * calibration_;
  }

  EngineNeeds engine_needs() const override {
    return {.progress = "iteration-clock", .defaults = {}, .own_placement = true};
  }

  Decision schedule(const SchedulingContext& ctx) override {
    const double now = ctx.clock_s();
    for (int i : ctx.arrivals()) {
      if (st_.size() <= static_cast<std::size_t>(i)) st_.resize(i + 1);
      st_[i] = PerJob{};
      order_.push_back(i);
    }
    std::erase_if(order_, [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
    Decision d;
    const std::size_t n = order_.size();
    if (n > 0) {
      const int total = ctx.cluster().total_gpus();
      const double per_job = std::ceil(static_cast<double>(total) / static_cast<double>(n));
      std::vector<muri::ThemisJob> lp(n);
      for (std::size_t k = 0; k < n; ++k) {
        const int i = order_[k];
        const Job& j = ctx.job(i);
        auto& s = st_[i];
        const double rem = muri::remaining_iterations(ctx, i);
        const double a = std::min(per_job / j.gpus, 1.0);
        if (s.seen) s.cumulative += (s.prev_remaining - rem) / s.prev_share;
        s.seen = true;
        s.prev_remaining = rem;
        s.prev_share = a;
        lp[k] = {j.gpus, now - to_seconds(j.submit), rem * iteration_time(j),
                 s.cumulative + rem / a};
      }
      const auto x = ipm_ ? solve_ipm(lp, total) : muri::themis_shares(lp, total, optimum_);
      for (std::size_t k = 0; k < n; ++k) {
        const int i = order_[k];
        auto& s = st_[i];
        const double ran = clock_job(ctx, i).run_s;
        s.share = x[k];
        s.rank = ran == 0 ? x[k] * 1e9 : x[k] / ran;
        s.deficit = s.should_receive - ran;
        s.should_receive += x[k] * (now - last_event_);
      }
      std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
        const auto &p = st_[a], &q = st_[b];
        if (p.rank != q.rank) return p.rank > q.rank;
        if (p.deficit != q.deficit) return p.deficit > q.deficit;
        return p.share > q.share;
      });
      yarn_.reset();
      for (int i : order_)
        st_[i].chosen = yarn_.place(ctx.job(i).gpus).has_value();
      std::stable_sort(order_.begin(), order_.end(),
                       [&](int a, int b) { return ctx.job(a).gpus > ctx.job(b).gpus; });
      yarn_.reset();
      for (int i : order_) {
        if (!st_[i].chosen) continue;
        const Job& j = ctx.job(i);
        auto where = yarn_.place(j.gpus);
        if (!where) continue;
        Assignment as{i, j.gpus, std::move(*where)};
        plan_for<IterationClockPlan>(d).set(i, iteration_time(j), oh_.seconds(j.gpus, j.model));
        d.run.push_back(std::move(as));
      }
    }
    last_event_ = now;
    return d;
  }

 private:
  struct PerJob {
    bool seen = false;
    double cumulative = 0;  ///< C_i
    double prev_remaining = 0, prev_share = 1;
    double should_receive = 0;
    double share = 0, rank = 0, deficit = 0;
    bool chosen = false;
  };
  muri::YarnPlacer yarn_;
  muri::RestartOverheads oh_;
  muri::ThemisOptimum optimum_ = muri::ThemisOptimum::kCenter;
  bool ipm_ = false;

  static std::vector<double> solve_ipm(const std::vector<muri::ThemisJob>& lp, int total) {
    std::vector<themis::FairnessJob> jobs(lp.size());
    for (std::size_t k = 0; k < lp.size(); ++k)
      jobs[k] = {lp[k].gpus, lp[k].waited_s, lp[k].remaining_work, lp[k].isolated};
    return themis::solve_ipm(jobs, total).x;
  }
  double calibration_ = muri::kIsolatedCalibration;
  std::vector<int> order_;
  std::vector<PerJob> st_;
  double last_event_ = 0;
};

const bool registered = register_policy(
    "muri-themis",
    "Themis finish-time fairness as in Muri's simulator (min-max LP every event, yarn)",
    [](const PolicyEnv& env) { return std::make_unique<MuriThemis>(env); },
    [] {
      auto specs = muri::RestartOverheads::specs();
      specs.push_back(param::choice("muri.themis.optimum", "center", {"center", "minimal"},
                                    "where the min-max optimum is not unique: the analytic centre "
                                    "of the optimal face, or least shares"));
      specs.push_back(param::choice("muri.themis.solver", "exact", {"exact", "ipm"},
                                    "min-max program: exact, or an interior-point solve that "
                                    "stops near the optimal face's centre as ECOS does"));
      specs.push_back(param::real("muri.themis.calibration", muri::kIsolatedCalibration, "",
                                  "factor on the trace's isolated iteration time (the paper's "
                                  "runs used 1)"));
      return specs;
    }());

}  // namespace
}  // namespace clustersim
