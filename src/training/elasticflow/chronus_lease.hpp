// The lease-plan problem that the ElasticFlow artifact's Chronus baseline
// (chronus-scheduler/alg/scheduler/solver.py, MIPSolver.job_selection) hands to Gurobi at every
// lease boundary, and two ways to solve it.
//
// Demand j asks for r_j leases of g_j GPUs among the leases [0, m_j) that end by its deadline
// (lease 0 is the one starting now). Every lease has `capacity` GPUs. The MIP (one deadline
// alternative per job, as the artifact's trace converter writes, so the selection variables
// are fixed to 1) is
//   x_jt in {0,1};  sum_{t<m_j} x_jt = r_j;  sum_j g_j x_jt <= capacity for every t;
//   maximise (or minimise) sum_j g_j x_j0 (the artifact divides by the capacity: same argmax).
// Only lease 0 is in the objective; the rest of the plan is any feasible completion (the
// artifact's choice among optimal plans is Gurobi's and cannot be reproduced).
//
// `solve_lease_plan` is exact: a branch and bound over lease-0 sets that proves each candidate
// feasible or infeasible with a depth-first search over leases, using
//  * the prefix condition (necessary): for every deadline d, the GPU-leases that must fall
//    before d, sum_j g_j max(0, r_j - max(0, m_j - d)), fit in d leases; it is also sufficient
//    when all demands have the same g (a bipartite flow with nested windows);
//  * forced leases (r_j = m_j - t means every remaining lease of the window);
//  * maximal sets (adding a demand that fits to a lease never hurts feasibility);
//  * an exchange rule between demands of equal g (see chronus_lease.cpp);
//  * a memo of infeasible (lease, remaining demand) states.
// The bound for "maximise" is the largest subset sum of all g_j within the capacity (exact by
// largest-first when every g divides the larger ones, as powers of two do; otherwise the plain
// min(capacity, sum g)); for "minimise" the forced load and the prefix condition's lease-0 share.
// A feasible plan reaching the bound stops the search, which is the common case.
// `node_limit` caps the search (counted in LeasePlanResult::nodes); when it is hit the result
// is the best plan found and `proven` is false.
//
// `greedy_lease_plan` is the previous deterministic local improvement: keep a given feasible
// plan and move single lease-0 bits (maximise: a demand's latest lease into lease 0 while it has
// room, demands by window; minimise: a lease-0 bit to the latest lease of the window with room,
// demands by (-g, -m)). It never rearranges other demands, so it can miss the optimum.
#pragma once

#include <cstdint>
#include <vector>

namespace clustersim::chronus {

struct LeaseDemand {
  int g = 1;           // GPUs per lease (the artifact's convert_to_bin of the job's GPU count)
  std::int64_t r = 0;  // leases still needed (>= 1)
  std::int64_t m = 0;  // leases [0, m) end by the deadline
};

enum class LeaseObjective { kMaximize, kMinimize };

/// Which of the optimal plans to return (the MIP fixes only the lease-0 load).
/// kKeep: the witness with the greedy moves, or the plan the search found (default).
/// kEarliest: keep the optimal lease-0 set, then fill each later lease in turn with every
/// demand that fits, most urgent first (least slack, then larger g), backtracking only if that
/// runs into a dead end; leaves the late leases free for the next arrivals' admission test.
enum class LeaseCompletion { kKeep, kEarliest };

using LeaseBits = std::vector<std::vector<char>>;  // per demand, one bit per lease of [0, m)

struct LeasePlanResult {
  bool feasible = false;
  bool proven = false;      // optimality proven (false only when the node limit was hit)
  bool searched = false;    // the bound was not reached at once: branch and bound ran
  std::int64_t lease0 = 0;  // GPUs planned in lease 0 (the objective)
  std::int64_t nodes = 0;   // search nodes used
  LeaseBits bits;
};

/// True when `bits` is a feasible plan of `ds` (counts, windows, capacity).
bool lease_plan_valid(const std::vector<LeaseDemand>& ds, int capacity, const LeaseBits& bits);

/// GPUs of `bits` in lease 0.
std::int64_t lease0_load(const std::vector<LeaseDemand>& ds, const LeaseBits& bits);

/// Exact optimum of the lease MIP. `witness` (optional) is a feasible plan to start from; it is
/// moved from when it is valid.
LeasePlanResult solve_lease_plan(const std::vector<LeaseDemand>& ds, int capacity,
                                 LeaseObjective objective, LeaseBits* witness,
                                 std::int64_t node_limit,
                                 LeaseCompletion completion = LeaseCompletion::kKeep);

/// The greedy local improvement of a feasible `bits` (modified in place); `free` holds the
/// capacity left by other jobs per lease (at least max m entries) and is updated.
void greedy_lease_plan(const std::vector<LeaseDemand>& ds, LeaseObjective objective,
                       LeaseBits& bits, std::vector<std::int64_t>& free);

}  // namespace clustersim::chronus
