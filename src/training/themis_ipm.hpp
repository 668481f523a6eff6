// An interior-point solve of the Themis finish-time-fairness program, as both originals solve it
// (cvxpy + ECOS, a primal-dual interior-point method): the `ipm` choice of `themis.solver`
// (ElasticFlow's `themis`) and `muri.themis.solver` (Muri's `muri-themis`).
//
// The program, for jobs i = 1..n with GPU demand g_i on N GPUs:
//   minimise max_i (w_i + a_i / x_i) / E_i   s.t.   0 <= x_i <= 1,   sum_i g_i x_i <= N
// (w_i = time since submission or the artifact's stale equivalent, a_i = remaining work in
// seconds at a full share, E_i > 0 = the originals' "expected isolated time"). Its optimal value
// is unique, its optimal x often is not; the exact solvers (muri/themis_lp.hpp, themis.cpp) pick
// a point by rule, an interior-point method stops wherever its iterates are when the gap closes.
//
// Formulated as cvxpy hands it to ECOS: variables z = (x, u, tau), u_i >= inv_pos(x_i) as the
// 3-dimensional second-order cone (x_i + u_i, x_i - u_i, 2), the max as the epigraph rows
// (w_i + a_i u_i) / E_i <= tau, and the rows -x <= 0, x <= 1, g'x <= N (3n + 1 linear rows, n
// cones). Solved by a primal-dual path-following method in ECOS's family: CVXOPT/ECOS initial
// point (least-squares primal and dual, shifted into the cone), Nesterov-Todd scaling, Mehrotra
// predictor-corrector with sigma = (1 - alpha_aff)^3 clamped to [1e-4, 1], steps of 0.99 x the
// distance to the boundary, and ECOS 2.0's default stopping rule: primal and dual residuals
// <= feastol (1e-8, relative to max(1, ||h||) and max(1, ||c||)) and the gap s'y <= abstol (1e-8)
// or relative to |objective| <= reltol (1e-8), at most 100 iterations. Not reproduced: ECOS's
// homogeneous self-dual embedding, its Ruiz equilibration of the data, its iterative refinement
// and cvxpy's exact variable order and scaling; these move the stopping point along the free
// directions of a non-unique optimum (docs/muri_baselines.md, docs/elasticflow.md). Each Newton
// system is solved in O(n) (per-job 2x2 blocks, an arrow on tau, a rank-one capacity term).
#pragma once

#include <vector>

namespace clustersim::themis {

struct FairnessJob {
  int gpus = 1;           ///< g_i >= 1
  double waited_s = 0;    ///< w_i
  double work_s = 0;      ///< a_i > 0 (clamped to 1e-12)
  double isolated_s = 1;  ///< E_i > 0
};

struct IpmSettings {
  double feastol = 1e-8, abstol = 1e-8, reltol = 1e-8;
  int max_iterations = 100;
};

struct IpmResult {
  std::vector<double> x;  ///< shares, clamped to [0, 1]
  double tau = 0;         ///< max_i rho_i(x) at the returned x
  int iterations = 0;
  /// The stopping rule held; or, with reduced_accuracy, the iterate before a numerical
  /// breakdown met ECOS's reduced tolerances (1e-4 residuals, 5e-5 gap); else the last iterate.
  bool converged = false;
  bool reduced_accuracy = false;
};

/// Requires n >= 1 and every g_i <= total_gpus (InvariantError otherwise).
IpmResult solve_ipm(const std::vector<FairnessJob>& jobs, int total_gpus,
                    const IpmSettings& settings = {});

}  // namespace clustersim::themis
