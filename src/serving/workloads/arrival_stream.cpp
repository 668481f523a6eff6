#include "arrival_stream.hpp"

#include "clustersim/core/error.hpp"

namespace clustersim::serving {

void AliasTable::build(const std::vector<double>& weights) {
  index_.clear();
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) {
      index_.push_back(static_cast<std::uint32_t>(i));
      total += weights[i];
    }
  }
  const std::size_t n = index_.size();
  prob_.assign(n, 0);
  alias_.assign(n, 0);
  if (n == 0) return;
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t k = 0; k < n; ++k) {
    scaled[k] = weights[index_[k]] * static_cast<double>(n) / total;
    (scaled[k] < 1 ? small : large).push_back(static_cast<std::uint32_t>(k));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1;
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (std::uint32_t k : large)
    prob_[k] = 1, alias_[k] = k;
  for (std::uint32_t k : small)  // rounding leftovers
    prob_[k] = 1, alias_[k] = k;
}

std::uint32_t AliasTable::sample(RngStream& rng) const {
  const std::uint64_t r = rng.next_u64();
  // High 32 bits pick the column, the low 32 bits are the coin (independent enough for 4k entries).
  const std::uint32_t k =
      static_cast<std::uint32_t>(((r >> 32) * static_cast<std::uint64_t>(index_.size())) >> 32);
  const double coin = static_cast<double>(r & 0xffffffffULL) * (1.0 / 4294967296.0);
  return index_[coin < prob_[k] ? k : alias_[k]];
}

PiecewisePoisson::PiecewisePoisson(RngStream rng, SimTime end,
                                   std::function<Segment(SimTime)> next_segment)
    : rng_(std::move(rng)), end_(end), next_segment_(std::move(next_segment)) {
  next_.time = kForever;
  if (end_ > 0) {
    enter(0);
    advance();
  }
}

void PiecewisePoisson::enter(SimTime start) {
  Segment s = next_segment_(start);
  if (s.end <= start) throw InvariantError("arrival segment ends before it starts");
  seg_start_ = start;
  seg_end_ = std::min(s.end, end_);
  alias_.build(s.weights);
  rate_per_us_ = alias_.empty() ? 0 : s.rps / kSecond;
  t_us_ = static_cast<double>(start);
}

void PiecewisePoisson::advance() {
  while (true) {
    if (rate_per_us_ > 0) {
      t_us_ += rng_.exponential(1.0 / rate_per_us_);
      if (t_us_ < static_cast<double>(seg_end_)) {
        next_.time = static_cast<SimTime>(t_us_);
        next_.model = alias_.sample(rng_);
        return;
      }
    }
    if (seg_end_ >= end_) {
      next_.time = kForever;
      return;
    }
    enter(seg_end_);
  }
}

Arrival PiecewisePoisson::pop() {
  Arrival a = next_;
  advance();
  return a;
}

}  // namespace clustersim::serving
