// The `rate` progress model (progress.hpp), also the base of `planned-end`.
#pragma once

#include <cmath>

#include "clustersim/training/policy.hpp"

namespace clustersim {

class RateProgress : public ProgressModel {
 public:
  explicit RateProgress(ProgressHost& host) : host_(host) {}

  void bank(int i) override {
    auto& r = host_.runtime(i);
    if (r.status != JobStatus::kRunning) return;
    const SimTime from = std::max(r.last_update, r.overhead_until);
    const SimTime to = progress_cap(i, host_.now());
    if (to > from) r.work_done += r.rate * to_seconds(to - from);
  }
  // A job whose group changes gets its rate again (a kept plain job keeps its rate).
  void keep(int i, const Assignment& a) override {
    auto& r = host_.runtime(i);
    if (a.group < 0 && r.group < 0) return;
    const double rate = rate_of(i, a.gpus);
    if (rate != r.rate) {
      r.rate = rate;
      reschedule(i);
    }
  }
  void start(int i, const Assignment& a, SimTime overhead_window) override {
    auto& r = host_.runtime(i);
    r.overhead_until = host_.now() + overhead_window;
    r.rate = rate_of(i, a.gpus);
    reschedule(i);
  }
  void post_apply(const Decision&) override {}
  double clock_s() const override { return to_seconds(host_.now()); }

 protected:
  ProgressHost& host_;

  /// Where a running job's progress stops (planned-end caps it).
  virtual SimTime progress_cap(int /*job*/, SimTime now) const { return now; }

  double rate_of(int i, int gpus) const {
    const auto& r = host_.runtime(i);
    const double rate = host_.throughput().rate(host_.job(i), gpus, r.nodes);
    if (!(rate > 0))
      host_.policy_bug(fmt::format("job {} has no throughput on {} GPUs", host_.job(i).id, gpus));
    return rate;
  }
  /// Time the remaining work needs at the current rate, after the overhead window: whole
  /// seconds (engine.whole_seconds) or rounded up to the microsecond.
  SimTime work_time(int i) const {
    const auto& r = host_.runtime(i);
    const double secs = r.remaining() / r.rate;
    return host_.whole_seconds() ? from_seconds(std::ceil(secs)) : ceil_seconds(secs);
  }
  virtual void reschedule(int i) {
    const auto& r = host_.runtime(i);
    if (r.rate <= 0) return host_.set_completion(i, kForever);
    host_.set_completion(i, std::max(host_.now(), r.overhead_until) + work_time(i));
  }
};

}  // namespace clustersim
