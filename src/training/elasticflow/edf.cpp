// edf: the ElasticFlow artifact's `edf` baseline (`one_queue_edf_sim_jobs`): at every scheduling
// point every live job is replanned in deadline order on a fresh free-GPU timeline; each job asks
// for its cap (min(64, batch, largest table level)) and takes it if free, else the largest level
// that fits, else waits (preemptive, elastic, no admission control, no overhead). Jobs without a
// deadline are planned last. Every started job keeps an end event in the artifact's list; when
// that list holds a single event, the next point comes at its time, not a slot later
// (Decision::unspaced_at). Parameters:
//   ef.slot_s (60)  the artifact's --scheduling_slot (timeline alignment and, through
//                   engine_needs, the spacing of scheduling points)
// Times must be whole seconds (ElasticFlow traces are).
#include <algorithm>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/policy.hpp"
#include "training/elasticflow/elasticflow_planner.hpp"

namespace clustersim {
namespace {

using ef::Sec;

class Edf final : public TrainingPolicy {
 public:
  explicit Edf(const PolicyEnv& env) : slot_(ef::slot_param(env.params)) {}

  // The artifact's EDF has no overheads: the run's overhead model (default none) applies.
  EngineNeeds engine_needs() const override {
    return ef::artifact_engine_needs(slot_, false, "rate");
  }

  Decision schedule(const SchedulingContext& ctx) override {
    const Sec now = to_sec(ctx.now());
    const int G = ctx.cluster().total_gpus();
    // The artifact's runnable list: arrivals appended in order, sorted in place by deadline at
    // points without arrivals; a point with arrivals plans runnable + arrivals sorted (stable).
    std::erase_if(order_, [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
    std::vector<int> plan_order = order_;
    for (int i : ctx.arrivals())
      plan_order.push_back(i);
    if (ddl_.empty()) ddl_.resize(ctx.job_count());
    for (int i : ctx.arrivals())
      ddl_[i] = ddl(ctx.job(i));
    auto by_ddl = [&](int a, int b) { return ddl_[a] < ddl_[b]; };
    if (!std::is_sorted(plan_order.begin(), plan_order.end(), by_ddl))
      std::stable_sort(plan_order.begin(), plan_order.end(), by_ddl);
    if (ctx.arrivals().empty())
      order_ = plan_order;
    else
      order_.insert(order_.end(), ctx.arrivals().begin(), ctx.arrivals().end());

    ef::FreeTimeline tl;
    tl.pts = {{now, G}};
    Decision d;
    if (started_.empty()) started_.resize(ctx.job_count());
    submits_.read(ctx);
    ends_.clear();
    for (int i : plan_order) {
      ef::PlanJob& pj = plan_job(ctx, i);
      auto plan = ef::edf_plan(pj, now, slot_, G, tl);
      if (plan.gpus_now > 0) {
        d.run.push_back({i, plan.gpus_now, {}});
        started_[i] = 1;
      }
      if (started_[i]) ends_.push_back(plan.end);  // a started job keeps an end event
    }
    d.unspaced_at = submits_.lone_event(now, ends_);
    return d;
  }

 private:
  Sec slot_;
  std::vector<int> order_;
  std::vector<ef::PlanJob> pj_;  // per job; levels and rates are looked up once
  std::vector<Sec> ddl_;         // per job
  std::vector<char> started_;    // per job: has held GPUs (has an end event in the artifact)
  ef::SubmitTimes submits_;
  std::vector<Sec> ends_;  // scratch

  static Sec to_sec(SimTime t) { return ef::whole_seconds(t, "edf"); }
  static Sec ddl(const Job& j) { return j.deadline ? to_sec(*j.deadline) : ef::kNoDeadline; }

  ef::PlanJob& plan_job(const SchedulingContext& ctx, int i) {
    if (pj_.empty()) pj_.resize(ctx.job_count());
    ef::PlanJob& pj = pj_[i];
    pj.iter_left = ctx.state(i).remaining();
    if (pj.job) return pj;
    const Job& job = ctx.job(i);
    pj.index = i;
    pj.job = &job;
    pj.ddl = ddl(job);
    pj.columns = ctx.throughput().levels(job);
    for (int g : pj.columns)
      pj.rates.push_back(ctx.throughput().rate(job, g, {}));
    pj.max_gpu = ef::max_gpu_for(job, pj.columns, false, "");
    return pj;
  }
};

const bool registered = register_policy(
    "edf",
    "ElasticFlow artifact's EDF: deadline order, greedy maximum share, elastic, no "
    "admission control",
    [](const PolicyEnv& env) { return std::make_unique<Edf>(env); }, {ef::slot_spec()});

}  // namespace
}  // namespace clustersim
