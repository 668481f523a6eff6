// Discretised LAS / 2D-LAS / 2D-Gittins of Tiresias (NSDI'19), as its simulator implements them
// (research/tiresias_muri.md §1.3-1.5). Registered names:
//   dlas                 attained service = wall-clock run time
//   dlas-gpu             attained service = run time x GPUs (Tiresias-L)
//   dlas-gpu-gittins     queues sorted by Gittins index of the GPU-time distribution (Tiresias-G)
// and the original's names as aliases: dlas-gpu-N = dlas-gpu with tiresias.promote_knob=N (N in
// 05 = 0.5, 1, 2, 4, 8, 10, 100, 1000); dlas-gpu-gittins-N = dlas-gpu-gittins with the knob N and
// tiresias.gittins_variant_bug=true, because the original runs these as plain dlas-gpu-N (a
// string comparison disables the Gittins steps).
// Parameters (declared below): queue limits, PROMOTEKNOB, the demotion wake-up formula
// (`original`: T + floor((limit - executed)/gpus), later than the real crossing, so demotion
// happens at the first event after it; `exact`: T + (limit - executed x gpus)/gpus), and for
// Gittins the GPU-time samples, the quantum and the variants' bug.
// At every scheduling point: completed jobs leave; arrivals join the end of Q0; running jobs bank
// run time and drop one queue when their attained service reaches the queue's limit; pending jobs
// that ran before bank waiting time and, with a knob, return to Q0 once waiting >= knob x run time
// since their last promotion (counted in the `promotions` column); queues are served in order,
// each in list order (or Gittins order), any job that fits runs (backfilling), running jobs left
// out are preempted; then, in each queue, pending jobs move behind the running ones. Times are
// handled in µs but truncated to whole seconds where the original uses int(), so integer-second
// traces reproduce it exactly. Placement is checked with the run's scheme on an emptied cluster
// (the original always counts GPUs, which the default `count` scheme does).
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/policy.hpp"
#include "training/tiresias/gittins.hpp"

namespace clustersim {
namespace {

struct DlasOptions {
  bool gpu_time = true;
  double knob = 0;
  bool gittins = false;
  std::vector<SimTime> limits;  // µs (or GPU-µs)
  bool exact_jump = false;
  std::optional<GittinsTable> table;
};

/// int(x) of the original for a non-negative time in µs: whole seconds, truncated.
SimTime trunc_s(double us) {
  return static_cast<SimTime>(std::trunc(us / kSecond)) * kSecond;
}
SimTime floor_div(SimTime a, SimTime b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
SimTime ceil_div(SimTime a, SimTime b) {
  return -floor_div(-a, b);
}

class Dlas final : public TrainingPolicy {
 public:
  explicit Dlas(DlasOptions o) : o_(std::move(o)), queues_(o_.limits.size() + 1) {}

  Decision schedule(const SchedulingContext& ctx) override {
    const SimTime now = ctx.now();
    const bool stale_wake =
        ctx.arrivals().empty() && ctx.completions().empty() && now != next_jump_;
    for (int i : ctx.completions())
      forget(i);
    for (int i : ctx.arrivals()) {
      ensure(i);
      auto& s = per_job_[i];
      s.queue = 0;
      s.last_check = ctx.job(i).submit;
      runnable_.push_back(i);
      queues_[0].push_back(i);
    }
    if (stale_wake) return keep_current(ctx);  // a wake-up the original no longer has: no event

    Decision d;
    // A jump at `now` itself (possible only with unusual thresholds) is another pass at the same
    // instant in the original; repeat the pass, as it does.
    for (int pass = 0; pass < 8; ++pass) {
      update(ctx, now, pass == 0);
      d = allocate(ctx);
      next_jump_ = next_jump(ctx, now);
      if (next_jump_ > now) break;
    }
    if (next_jump_ <= now) next_jump_ = kForever;
    d.wake_at = next_jump_;
    return d;
  }

  std::vector<JobColumn> extra_job_columns(std::size_t jobs) const override {
    JobColumn c{"promotions", std::vector<std::string>(jobs, "0")};
    for (std::size_t i = 0; i < per_job_.size() && i < jobs; ++i)
      c.values[i] = std::to_string(per_job_[i].promotions);
    return {c};
  }

 private:
  struct State {
    int queue = 0;
    SimTime executed = 0;        // run time since last entering Q0 (drives the queue)
    SimTime total_executed = 0;  // all run time
    SimTime last_pending = 0;    // waiting time since the last promotion, once it has run
    SimTime last_check = 0;
    double rank = 0;
    int promotions = 0;
    bool running = false;  // as decided at the last pass
  };
  DlasOptions o_;
  std::vector<std::vector<int>> queues_;
  std::vector<int> runnable_;  // arrival order
  std::vector<State> per_job_;
  SimTime next_jump_ = kForever;

  void ensure(int i) {
    if (static_cast<std::size_t>(i) >= per_job_.size()) per_job_.resize(i + 1);
  }
  int last_queue() const { return static_cast<int>(queues_.size()) - 1; }
  void move_to(int i, int q) {
    auto& from = queues_[per_job_[i].queue];
    from.erase(std::find(from.begin(), from.end(), i));
    queues_[q].push_back(i);
    per_job_[i].queue = q;
  }
  void forget(int i) {
    auto& q = queues_[per_job_[i].queue];
    q.erase(std::remove(q.begin(), q.end(), i), q.end());
    runnable_.erase(std::remove(runnable_.begin(), runnable_.end(), i), runnable_.end());
  }
  /// Attained service in µs (GPU-µs for the GPU-time variants).
  SimTime attained(const SchedulingContext& ctx, int i) const {
    return per_job_[i].executed * (o_.gpu_time ? ctx.job(i).gpus : 1);
  }
  double gittins_rank(const SchedulingContext& ctx, int i) const {
    return o_.table->index(attained(ctx, i) / kSecond);
  }

  Decision keep_current(const SchedulingContext& ctx) const {
    Decision d;
    for (int i : ctx.active()) {
      const auto& r = ctx.state(i);
      if (r.status == JobStatus::kRunning) d.run.push_back({i, r.gpus, r.nodes});
    }
    // The wake-up for next_jump_ is already scheduled by the decision that computed it.
    return d;
  }

  void update(const SchedulingContext& ctx, SimTime now, bool first_pass) {
    for (int i : runnable_) {
      auto& s = per_job_[i];
      const bool is_running = first_pass ? ctx.state(i).status == JobStatus::kRunning : s.running;
      const SimTime dt = now - s.last_check;
      s.last_check = now;
      if (is_running) {
        s.total_executed += dt;
        s.executed += dt;
        if (s.queue < last_queue() && attained(ctx, i) >= o_.limits[s.queue])
          move_to(i, s.queue + 1);
        if (o_.gittins) s.rank = gittins_rank(ctx, i);
      } else {
        if (s.executed > 0) s.last_pending += dt;
        if (o_.knob > 0 && s.queue > 0 && s.total_executed > 0 && s.executed > 0 &&
            s.last_pending >= trunc_s(static_cast<double>(s.executed) * o_.knob)) {
          s.executed = 0;
          s.last_pending = 0;
          move_to(i, 0);
          ++s.promotions;
        }
        if (o_.gittins) s.rank = gittins_rank(ctx, i);
      }
    }
  }

  Decision allocate(const SchedulingContext& ctx) {
    Decision d;
    ClusterState free = ClusterState::empty_of(ctx.cluster());
    for (auto& queue : queues_) {
      if (o_.gittins) {
        std::stable_sort(queue.begin(), queue.end(), [&](int a, int b) {
          const auto& sa = per_job_[a];
          const auto& sb = per_job_[b];
          if (sa.rank != sb.rank) return sa.rank > sb.rank;
          return ctx.job(a).submit < ctx.job(b).submit;  // higher -submit first
        });
      }
      for (int i : queue) {
        const Job& job = ctx.job(i);
        auto where = ctx.placement().place(job, job.gpus, free);
        per_job_[i].running = where.has_value();
        if (where) d.run.push_back({i, job.gpus, *where});
      }
    }
    for (auto& queue : queues_) {
      std::stable_partition(queue.begin(), queue.end(), [&](int i) { return per_job_[i].running; });
    }
    return d;
  }

  SimTime next_jump(const SchedulingContext& ctx, SimTime now) const {
    SimTime best = kForever;
    for (int i : runnable_) {
      const auto& s = per_job_[i];
      if (s.running) {
        if (s.queue >= last_queue()) continue;
        const SimTime limit = o_.limits[s.queue];
        const int g = o_.gpu_time ? ctx.job(i).gpus : 1;
        SimTime t;
        if (g == 1)
          t = now + limit - s.executed;
        else if (o_.exact_jump)
          t = now + ceil_div(limit - s.executed * g, g);
        else
          t = now + floor_div(limit - s.executed, g * kSecond) * kSecond;  // Python 2 int division
        best = std::min(best, t);
      } else if (o_.knob > 0 && s.queue > 0 && s.total_executed > 0 && s.executed > 0) {
        const SimTime diff = trunc_s(static_cast<double>(s.executed) * o_.knob -
                                     static_cast<double>(s.last_pending));
        if (diff > 0) best = std::min(best, now + diff);
      }
    }
    return best;
  }
};

DlasOptions read_options(const Params& p, bool gpu_time, bool gittins) {
  DlasOptions o;
  o.gpu_time = gpu_time;
  for (double l : p.get_doubles("tiresias.queue_limits")) {
    if (!(l > 0) || l > kMaxInputSeconds)
      throw InputError("tiresias.queue_limits: thresholds must be > 0");
    const SimTime us = static_cast<SimTime>(std::llround(l * kSecond));
    if (!o.limits.empty() && us <= o.limits.back())
      throw InputError("tiresias.queue_limits must be ascending");
    o.limits.push_back(us);
  }
  o.knob = p.get_double("tiresias.promote_knob");
  o.exact_jump = p.get_string("tiresias.jump_formula") == "exact";
  if (gittins) {
    o.gittins = !p.get_bool("tiresias.gittins_variant_bug");
    if (o.gittins) {
      const std::string file = p.get_string("tiresias.gittins_file");
      if (file.empty()) {
        throw InputError(
            "Gittins ordering needs the job GPU-time distribution: --set "
            "tiresias.gittins_file=PATH (e.g. the Tiresias artifact's yarn-gput1000.csv)");
      }
      o.table = GittinsTable::from_file(file, p.get_int("tiresias.gittins_delta"));
    }
  }
  return o;
}

ParamSpecs dlas_params(bool gittins) {
  ParamSpecs specs = {
      param::reals("tiresias.queue_limits", "3250,7200", "s or GPU-s",
                   "ascending queue thresholds; K = count + 1 queues", 0),
      param::real("tiresias.promote_knob", 0, "", "starvation promotion PROMOTEKNOB (0 = off)", 0),
      param::choice("tiresias.jump_formula", "original", {"original", "exact"},
                    "dlas-gpu demotion wake-up: the original's floor((limit - executed)/gpus) "
                    "or the exact crossing"),
  };
  if (gittins) {
    specs.push_back(param::path("tiresias.gittins_file",
                                "GPU-time samples (`duration` column) of the Gittins index "
                                "(required unless tiresias.gittins_variant_bug)"));
    specs.push_back(param::integer("tiresias.gittins_delta", 3250, "GPU-s", "Gittins quantum", 1));
    specs.push_back(param::flag("tiresias.gittins_variant_bug", false,
                                "the original's dlas-gpu-gittins-N bug: Gittins ordering "
                                "disabled (= dlas-gpu with the knob)"));
  }
  return specs;
}

void add(const std::string& name, const std::string& what, bool gpu_time, bool gittins) {
  register_policy(
      name, what,
      [=](const PolicyEnv& env) {
        return std::make_unique<Dlas>(read_options(env.params, gpu_time, gittins));
      },
      dlas_params(gittins));
}

const bool registered = [] {
  add("dlas", "Tiresias discretised LAS on run time (MLFQ, backfilling)", false, false);
  add("dlas-gpu", "Tiresias-L: discretised 2D-LAS on GPU time", true, false);
  add("dlas-gpu-gittins", "Tiresias-G: discretised 2D-Gittins (needs tiresias.gittins_file)", true,
      true);
  const std::pair<const char*, const char*> knobs[] = {
      {"05", "0.5"}, {"1", "1"},   {"2", "2"},     {"4", "4"},
      {"8", "8"},    {"10", "10"}, {"100", "100"}, {"1000", "1000"}};
  for (auto [suffix, k] : knobs)
    training_policies().add_alias(fmt::format("dlas-gpu-{}", suffix), "dlas-gpu",
                                  {{"tiresias.promote_knob", k}});
  for (const char* k : {"1", "2", "4", "8"}) {
    training_policies().add_alias(
        fmt::format("dlas-gpu-gittins-{}", k), "dlas-gpu-gittins",
        {{"tiresias.promote_knob", k}, {"tiresias.gittins_variant_bug", "true"}});
  }
  return true;
}();

}  // namespace
}  // namespace clustersim
