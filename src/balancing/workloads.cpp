// Workloads: a batch released at once (aiVLE, MP4), open Poisson arrivals (the theory checks),
// the --trace file replayed, and a closed loop of clients (EvalPro's maximum-throughput test).
// Demands come from the run's service distribution (random stream "service") unless the trace
// carries them; arrivals and think times use the streams "arrivals" and "think".
#include <fmt/format.h>

#include "clustersim/balancing/components.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {

Registry<WorkloadFactory>& workloads() {
  static Registry<WorkloadFactory> r("workload", "balancing");
  return r;
}

namespace {

int origin_of(const WorkloadEnv& env) {
  const std::string name = env.params.get_string("workload.origin");
  if (name.empty()) return -1;
  const int node = env.cluster.find(name);
  if (node < 0) throw InputError(fmt::format("parameter workload.origin: no node '{}'", name));
  return node;
}

class Batch final : public Workload {
 public:
  explicit Batch(const WorkloadEnv& env)
      : service_(*env.service),
        rng_(env.seed, env.run, "service"),
        n_(static_cast<std::uint64_t>(env.params.get_int("workload.tasks"))),
        at_(from_seconds(env.params.get_double("workload.at_s"))),
        origin_(origin_of(env)) {}
  bool next(Task& t) override {
    if (i_ >= n_) return false;
    t = Task{};
    t.id = static_cast<std::int64_t>(i_++);
    t.arrival = at_;
    t.work_s = service_.draw(rng_);
    t.origin = origin_;
    return true;
  }
  std::uint64_t expected() const override { return n_; }

 private:
  ServiceModel& service_;
  RngStream rng_;
  std::uint64_t n_, i_ = 0;
  SimTime at_;
  int origin_;
};

// Exponential inter-arrival times accumulate in double seconds and are rounded once per task,
// so the rate carries no rounding bias.
class Poisson final : public Workload {
 public:
  explicit Poisson(const WorkloadEnv& env)
      : service_(*env.service),
        srng_(env.seed, env.run, "service"),
        arng_(env.seed, env.run, "arrivals"),
        n_(static_cast<std::uint64_t>(env.params.get_int("workload.tasks"))) {
    double rate = env.params.get_double("workload.rate_per_s");
    if (rate <= 0) {
      double capacity = 0;  // tasks per second the cluster serves without contention
      for (const auto& node : env.cluster.nodes)
        capacity += node.slots * node.speed * node.throttle / service_.mean();
      rate = env.params.get_double("workload.load") * capacity;
    }
    if (!(rate > 0))
      throw InputError("workload=poisson needs workload.rate_per_s or workload.load > 0");
    mean_gap_ = 1.0 / rate;
  }
  bool next(Task& t) override {
    if (i_ >= n_) return false;
    clock_s_ += arng_.exponential(mean_gap_);
    if (!(clock_s_ <= kMaxInputSeconds))
      throw InputError(fmt::format(
          "workload=poisson: task {} would arrive at {:.6g} s, beyond the clock (about 292,000 "
          "years); raise workload.rate_per_s or workload.load",
          i_, clock_s_));
    t = Task{};
    t.id = static_cast<std::int64_t>(i_++);
    t.arrival = from_seconds(clock_s_);
    t.work_s = service_.draw(srng_);
    return true;
  }
  std::uint64_t expected() const override { return n_; }

 private:
  ServiceModel& service_;
  RngStream srng_, arng_;
  std::uint64_t n_, i_ = 0;
  double mean_gap_ = 1, clock_s_ = 0;
};

class Replay final : public Workload {
 public:
  explicit Replay(const WorkloadEnv& env)
      : trace_(*env.trace), service_(env.service), rng_(env.seed, env.run, "service") {}
  bool next(Task& t) override {
    if (i_ >= trace_.tasks.size()) return false;
    t = trace_.tasks[i_++];
    if (service_) t.work_s = service_->draw(rng_);
    return true;
  }
  std::uint64_t expected() const override { return trace_.tasks.size(); }

 private:
  const TaskTrace& trace_;
  ServiceModel* service_;
  RngStream rng_;
  std::size_t i_ = 0;
};

class Closed final : public Workload {
 public:
  explicit Closed(const WorkloadEnv& env)
      : service_(*env.service),
        srng_(env.seed, env.run, "service"),
        trng_(env.seed, env.run, "think"),
        clients_(static_cast<int>(env.params.get_int("workload.clients"))),
        think_s_(env.params.get_double("workload.think_s")),
        exp_think_(env.params.get_string("workload.think") == "exponential"),
        until_(from_seconds(env.params.get_double("workload.duration_s"))),
        limit_(static_cast<std::uint64_t>(env.params.get_int("workload.tasks"))) {
    if (until_ == 0 && limit_ == 0)
      throw InputError("workload=closed needs workload.duration_s or workload.tasks > 0");
  }
  bool next(Task&) override { return false; }
  int clients() const override { return clients_; }
  bool next_of(int client, SimTime now, Task& t) override {
    if (limit_ > 0 && issued_ >= limit_) return false;
    const double think = exp_think_ ? trng_.exponential(think_s_) : think_s_;
    if (!(think < kMaxInputSeconds - to_seconds(now)))
      throw InputError(fmt::format(
          "workload=closed: client {} would think {:.6g} s after t = {:.6g} s, beyond the clock",
          client, think, to_seconds(now)));
    const SimTime at =
        now + (issued_ < static_cast<std::uint64_t>(clients_) ? 0 : from_seconds(think));
    if (until_ > 0 && at >= until_) return false;
    t = Task{};
    t.id = static_cast<std::int64_t>(issued_++);
    t.arrival = at;
    t.work_s = service_.draw(srng_);
    t.client = client;
    return true;
  }
  std::uint64_t expected() const override { return limit_; }

 private:
  ServiceModel& service_;
  RngStream srng_, trng_;
  int clients_;
  double think_s_;
  bool exp_think_;
  SimTime until_;
  std::uint64_t limit_, issued_ = 0;
};

const bool registered = [] {
  auto& r = workloads();
  r.add("batch", "workload.tasks tasks released together at workload.at_s",
        [](const WorkloadEnv& env) { return std::make_unique<Batch>(env); },
        {param::integer("workload.tasks", 100, "tasks", "tasks in the batch", 1, 1e12),
         param::real("workload.at_s", 0, "s", "release time", 0, kMaxInputSeconds),
         param::text("workload.origin", "",
                     "node that owns every task on arrival (origin dispatch, MP4); empty = none")});
  r.add("poisson",
        "open Poisson arrivals at workload.rate_per_s, or at workload.load times the cluster's "
        "service capacity",
        [](const WorkloadEnv& env) { return std::make_unique<Poisson>(env); },
        {param::integer("workload.tasks", 100000, "tasks", "tasks to generate", 1, 1e12),
         param::real("workload.rate_per_s", 0, "1/s", "arrival rate (0 = from workload.load)", 0),
         param::real("workload.load", 0.7, "",
                     "arrival rate as a fraction of sum(slots x speed x throttle) / mean service",
                     0, 100)});
  r.add("trace", "the --trace file (demands from the trace, else from the service distribution)",
        [](const WorkloadEnv& env) { return std::make_unique<Replay>(env); });
  r.add("closed",
        "workload.clients clients, each submitting its next task workload.think_s after its "
        "previous one completes",
        [](const WorkloadEnv& env) { return std::make_unique<Closed>(env); },
        {param::integer("workload.clients", 16, "clients", "clients in the loop", 1, 1e7),
         param::real("workload.think_s", 0, "s", "mean think time", 0, kMaxInputSeconds),
         param::choice("workload.think", "exponential", {"exponential", "constant"},
                       "think-time distribution"),
         param::real("workload.duration_s", 0, "s",
                     "no submission at or after this time (0 = none)", 0, kMaxInputSeconds),
         param::integer("workload.tasks", 0, "tasks", "stop after this many tasks (0 = no limit)",
                        0, 1e12)});
  return true;
}();

}  // namespace
}  // namespace clustersim::balancing
