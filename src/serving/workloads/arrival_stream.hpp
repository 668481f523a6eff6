// A Poisson process with a piecewise-constant total rate whose arrivals are marked with a model
// drawn from per-segment weights (Vose's alias table): the superposition of independent Poisson
// sources (one per function or model) without one pending arrival per source. At a segment
// boundary the residual gap is dropped and a fresh one drawn (memorylessness), so arrivals are
// exactly those of the independent sources. Times are kept in double microseconds and emitted
// rounded down.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "clustersim/core/rng.hpp"
#include "clustersim/core/time.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {

class AliasTable {
 public:
  /// Builds the table of `weights` (>= 0); a zero total makes an empty table.
  void build(const std::vector<double>& weights);
  bool empty() const { return index_.empty(); }
  std::uint32_t sample(RngStream& rng) const;

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
  std::vector<std::uint32_t> index_;  ///< positive-weight entries
};

class PiecewisePoisson {
 public:
  /// A segment: from `start` until the next segment's start, rate `rps` (requests/s) over the
  /// models of `weights`.
  struct Segment {
    SimTime end = kForever;
    double rps = 0;
    std::vector<double> weights;
  };
  /// `next_segment(start)` describes the segment starting at `start` (called lazily, in order);
  /// generation stops at `end`.
  PiecewisePoisson(RngStream rng, SimTime end, std::function<Segment(SimTime)> next_segment);

  SimTime peek() const { return next_.time; }
  Arrival pop();

 private:
  RngStream rng_;
  SimTime end_;
  std::function<Segment(SimTime)> next_segment_;
  SimTime seg_start_ = 0, seg_end_ = 0;
  double rate_per_us_ = 0;
  double t_us_ = 0;
  AliasTable alias_;
  Arrival next_;
  void advance();
  void enter(SimTime start);
};

}  // namespace clustersim::serving
