#include "clustersim/training/overhead.hpp"

#include <map>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim {

Registry<OverheadFactory>& overhead_models() {
  static Registry<OverheadFactory> registry("overhead model", "training");
  return registry;
}

namespace {

class NoOverhead final : public OverheadModel {
 public:
  SimTime charge(const Job&, const AllocationChange&) const override { return 0; }
};

class ConstantOverhead final : public OverheadModel {
 public:
  explicit ConstantOverhead(SimTime t) : t_(t) {}
  SimTime charge(const Job&, const AllocationChange&) const override { return t_; }

 private:
  SimTime t_;
};

class TableOverhead final : public OverheadModel {
 public:
  TableOverhead(const std::string& path, SimTime fallback) : fallback_(fallback) {
    CsvReader csv(path);
    const auto m = csv.require({"model_name", "model"}), g = csv.require({"num_gpu", "gpus"}),
               s = csv.require({"restart_overhead_s", "seconds"});
    while (csv.next()) {
      auto gpus = csv.get_int(g);
      if (gpus < 1 || gpus > (1 << 20)) csv.fail("GPU count must be in 1..1048576");
      table_[{csv.field(m), static_cast<int>(gpus)}] = csv.get_time(s);
    }
    if (table_.empty()) throw InputError(path, 1, "overhead table has no rows");
  }
  SimTime charge(const Job& j, const AllocationChange& c) const override {
    auto it = table_.find({j.model, c.new_gpus});
    return it == table_.end() ? fallback_ : it->second;
  }

 private:
  std::map<std::pair<std::string, int>, SimTime> table_;
  SimTime fallback_;
};

SimTime seconds_param(const Params& p, const std::string& key) {
  return from_seconds(p.get_double(key));
}

const bool registered = [] {
  auto& r = overhead_models();
  r.add("none", "no preemption or resize overhead",
        [](const Params&) { return std::make_unique<NoOverhead>(); });
  r.add("constant", "overhead.seconds on every start, resume and resize",
        [](const Params& p) {
          return std::make_unique<ConstantOverhead>(seconds_param(p, "overhead.seconds"));
        },
        {param::real("overhead.seconds", 10, "s", "overhead of every start, resume and resize", 0,
                     kMaxInputSeconds)});
  r.add("table", "per (model, GPUs) seconds from overhead.table (Muri's restart table)",
        [](const Params& p) {
          auto path = p.get_string("overhead.table");
          if (path.empty())
            throw InputError("overhead model 'table' needs --set overhead.table=FILE");
          return std::make_unique<TableOverhead>(path, seconds_param(p, "overhead.default_s"));
        },
        {param::path("overhead.table", "CSV model_name,num_gpu,restart_overhead_s (required)"),
         param::real("overhead.default_s", 10, "s", "overhead of pairs not in the table", 0,
                     kMaxInputSeconds)});
  return true;
}();

}  // namespace
}  // namespace clustersim
