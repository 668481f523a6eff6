#include "training/themis_ipm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "clustersim/core/error.hpp"

namespace clustersim::themis {

namespace {

using Real = long double;
using Vec3 = Eigen::Matrix<Real, 3, 1>;
using Mat3 = Eigen::Matrix<Real, 3, 3>;
using Vec2 = Eigen::Matrix<Real, 2, 1>;
using Mat2 = Eigen::Matrix<Real, 2, 2>;

// Jordan algebra of the 3-dimensional second-order cone (v0 >= ||(v1, v2)||).
Real det(const Vec3& v) {
  return v(0) * v(0) - v(1) * v(1) - v(2) * v(2);
}
// det(v) as (v0 - |v1|)(v0 + |v1|), accurate near the cone's boundary.
Real det_stable(const Vec3& v) {
  const Real n = std::hypot(v(1), v(2));
  return (v(0) - n) * (v(0) + n);
}
Vec3 jordan(const Vec3& a, const Vec3& b) {
  return {a.dot(b), a(0) * b(1) + b(0) * a(1), a(0) * b(2) + b(0) * a(2)};
}
// x with a o x = r.
Vec3 jordan_solve(const Vec3& a, const Vec3& r) {
  const Real x0 = (a(0) * r(0) - a(1) * r(1) - a(2) * r(2)) / det_stable(a);
  return {x0, (r(1) - x0 * a(1)) / a(0), (r(2) - x0 * a(2)) / a(0)};
}
// Largest alpha in [0, inf) keeping v + alpha d in the cone (inf if it never leaves).
Real cone_step(const Vec3& v, const Vec3& d) {
  // (v0 + a d0)^2 - |v1 + a d1|^2 >= 0 and v0 + a d0 >= 0.
  const Real qa = det(d), qb = 2 * (v(0) * d(0) - v(1) * d(1) - v(2) * d(2)), qc = det_stable(v);
  Real best = std::numeric_limits<Real>::infinity();
  if (d(0) < 0) best = -v(0) / d(0);
  if (qa == 0) {
    if (qb < 0) best = std::min(best, -qc / qb);
    return best;
  }
  const Real disc = qb * qb - 4 * qa * qc;
  if (disc < 0) return best;  // never crosses the boundary cone
  const Real r = std::sqrt(disc);
  for (Real a : {(-qb - r) / (2 * qa), (-qb + r) / (2 * qa)}) {
    if (a > 0 && (v(0) + a * d(0)) >= 0) best = std::min(best, a);
  }
  return best;
}
Real lp_step(Real v, Real d) {
  return d < 0 ? -v / d : std::numeric_limits<Real>::infinity();
}

// Iterate and problem data. Rows: LP [0,n) -x <= 0, [n,2n) x <= 1, 2n capacity, [2n+1,3n+1)
// epigraph; then n cones of 3. Variables: [0,n) x, [n,2n) u, 2n tau.
class Ipm {
 public:
  Ipm(const std::vector<FairnessJob>& jobs, int total_gpus) : n_(jobs.size()), cap_(total_gpus) {
    g_.resize(n_);
    c_.resize(n_);
    hd_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      const auto& j = jobs[i];
      if (j.gpus < 1 || j.gpus > total_gpus || !(j.isolated_s > 0))
        throw InvariantError("themis solve_ipm: bad job");
      g_[i] = j.gpus;
      c_[i] = std::max(j.work_s, 1e-12) / j.isolated_s;
      hd_[i] = -j.waited_s / j.isolated_s;
    }
    lp_ = 3 * n_ + 1;
  }

  IpmResult solve(const IpmSettings& st);

 private:
  std::size_t n_, lp_ = 0;
  Real cap_;
  std::vector<Real> g_, c_, hd_;
  // Scaling: LP rows d^2 = s / y (phi = y / s); cones W (symmetric), W^-1, lambda.
  std::vector<Real> phi_, d_;
  std::vector<Mat3> w_, winv_;
  // Per-job 2x2 blocks of G' Phi G on (x_i, u_i) (without the arrow and the rank one).
  // Per job: the inverse 2x2 block, its solve against the tau coupling, the cones' Phi; tau's
  // Schur complement; the block solve against the capacity row and g' of it.
  std::vector<Mat2> binv_;
  std::vector<Vec2> be_;
  std::vector<Mat3> phi3_;
  std::vector<Real> q_;
  Real den_ = 0, gq_ = 0;

  std::vector<Real> g_mul(const std::vector<Real>& z) const {
    std::vector<Real> out(lp_ + 3 * n_);
    Real cap = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      const Real x = z[i], u = z[n_ + i];
      out[i] = -x;
      out[n_ + i] = x;
      cap += g_[i] * x;
      out[2 * n_ + 1 + i] = c_[i] * u - z[2 * n_];
      out[lp_ + 3 * i] = -(x + u);
      out[lp_ + 3 * i + 1] = -(x - u);
      out[lp_ + 3 * i + 2] = 0;
    }
    out[2 * n_] = cap;
    return out;
  }
  std::vector<Real> gt_mul(const std::vector<Real>& y) const {
    std::vector<Real> out(2 * n_ + 1, 0.0);
    for (std::size_t i = 0; i < n_; ++i) {
      const Real y0 = y[lp_ + 3 * i], y1 = y[lp_ + 3 * i + 1];
      out[i] = -y[i] + y[n_ + i] + g_[i] * y[2 * n_] - (y0 + y1);
      out[n_ + i] = c_[i] * y[2 * n_ + 1 + i] - (y0 - y1);
      out[2 * n_] -= y[2 * n_ + 1 + i];
    }
    return out;
  }
  std::vector<Real> h() const {
    std::vector<Real> out(lp_ + 3 * n_, 0.0);
    for (std::size_t i = 0; i < n_; ++i) {
      out[n_ + i] = 1;
      out[2 * n_ + 1 + i] = hd_[i];
      out[lp_ + 3 * i + 2] = 2;
    }
    out[2 * n_] = cap_;
    return out;
  }
  // phi_ and the cones' Phi = W^-2 (identity for the least-squares start) -> the blocks.
  void build_blocks(bool identity);
  // Solves (G' Phi G) dz = r in O(n).
  std::vector<Real> solve_normal(const std::vector<Real>& r) const;
  std::vector<Real> solve_block(const std::vector<Real>& r) const;
  // (G' Phi ... ) helpers
  std::vector<Real> phi_mul(const std::vector<Real>& v) const;
  std::vector<Real> w_mul(const std::vector<Real>& v, bool inverse) const;
  void shift_into_cone(std::vector<Real>& v) const;
  void nt_scaling(const std::vector<Real>& s, const std::vector<Real>& y);
  // The linearised system G' dy = a, G dz + ds = b, ds + W^2 dy = c, through the normal matrix.
  void kkt(const std::vector<Real>& a, const std::vector<Real>& b, const std::vector<Real>& c,
           std::vector<Real>& oz, std::vector<Real>& os, std::vector<Real>& oy) const;
  void newton(const std::vector<Real>& rc, const std::vector<Real>& ry, const std::vector<Real>& rz,
              std::vector<Real>& dz, std::vector<Real>& ds, std::vector<Real>& dy) const;
  std::vector<Vec3> lam_;  // lambda = W y per cone, and per linear row
  std::vector<Real> lam_lp_;
  Real max_step(const std::vector<Real>& v, const std::vector<Real>& d) const;
};

void Ipm::build_blocks(bool identity) {
  binv_.resize(n_);
  be_.resize(n_);
  phi3_.resize(n_);
  den_ = 0;
  Eigen::Matrix<Real, 3, 2> p;  // P = [[1, 1], [1, -1], [0, 0]] (the cone rows are -P)
  p << 1, 1, 1, -1, 0, 0;
  for (std::size_t i = 0; i < n_; ++i) {
    phi3_[i] = identity ? Mat3::Identity() : Mat3(winv_[i] * winv_[i]);
    Mat2 b = p.transpose() * phi3_[i] * p;
    const Real pa = identity ? 1 : phi_[i], pb = identity ? 1 : phi_[n_ + i];
    const Real pd = identity ? 1 : phi_[2 * n_ + 1 + i];
    b(0, 0) += pa + pb;
    // tau's Schur term of this job, phi_d - phi_d^2 c^2 [B^-1]_uu, without cancellation:
    // phi_d det(B0) / det(B) with B0 the block before the epigraph row's phi_d c^2.
    const Real det0 = b(0, 0) * b(1, 1) - b(0, 1) * b(0, 1);
    b(1, 1) += pd * c_[i] * c_[i];
    const Real det = b(0, 0) * b(1, 1) - b(0, 1) * b(0, 1);
    binv_[i] << b(1, 1) / det, -b(0, 1) / det, -b(0, 1) / det, b(0, 0) / det;
    be_[i] = binv_[i] * Vec2(0, -pd * c_[i]);
    den_ += pd * det0 / det;
  }
  std::vector<Real> gv(2 * n_ + 1, 0.0);
  for (std::size_t i = 0; i < n_; ++i)
    gv[i] = g_[i];
  q_ = solve_block(gv);
  gq_ = 0;
  for (std::size_t i = 0; i < n_; ++i)
    gq_ += g_[i] * q_[i];
}

std::vector<Real> Ipm::solve_block(const std::vector<Real>& r) const {
  // Arrow: job i's (x_i, u_i) couple to tau through e_i = (0, -phi_d c_i).
  Real num = r[2 * n_];
  std::vector<Real> out(2 * n_ + 1);
  for (std::size_t i = 0; i < n_; ++i) {
    const Real pd = phi_.empty() ? 1 : phi_[2 * n_ + 1 + i];
    const Vec2 br = binv_[i] * Vec2(r[i], r[n_ + i]);
    out[i] = br(0);
    out[n_ + i] = br(1);
    num += pd * c_[i] * br(1);
  }
  const Real vt = num / den_;
  for (std::size_t i = 0; i < n_; ++i) {
    out[i] -= be_[i](0) * vt;
    out[n_ + i] -= be_[i](1) * vt;
  }
  out[2 * n_] = vt;
  return out;
}

std::vector<Real> Ipm::solve_normal(const std::vector<Real>& r) const {
  const Real pc = phi_.empty() ? 1 : phi_[2 * n_];
  auto p = solve_block(r);
  Real gp = 0;
  for (std::size_t i = 0; i < n_; ++i)
    gp += g_[i] * p[i];
  const Real f = pc * gp / (1 + pc * gq_);
  for (std::size_t k = 0; k < p.size(); ++k)
    p[k] -= f * q_[k];
  return p;
}

std::vector<Real> Ipm::phi_mul(const std::vector<Real>& v) const {
  std::vector<Real> out(v.size());
  for (std::size_t k = 0; k < lp_; ++k)
    out[k] = phi_[k] * v[k];
  for (std::size_t i = 0; i < n_; ++i) {
    const Vec3 r = phi3_[i] * Vec3(v[lp_ + 3 * i], v[lp_ + 3 * i + 1], v[lp_ + 3 * i + 2]);
    for (int k = 0; k < 3; ++k)
      out[lp_ + 3 * i + k] = r(k);
  }
  return out;
}

std::vector<Real> Ipm::w_mul(const std::vector<Real>& v, bool inverse) const {
  std::vector<Real> out(v.size());
  for (std::size_t k = 0; k < lp_; ++k)
    out[k] = inverse ? v[k] / d_[k] : v[k] * d_[k];
  for (std::size_t i = 0; i < n_; ++i) {
    const Vec3 x(v[lp_ + 3 * i], v[lp_ + 3 * i + 1], v[lp_ + 3 * i + 2]);
    const Vec3 r = (inverse ? winv_[i] : w_[i]) * x;
    for (int k = 0; k < 3; ++k)
      out[lp_ + 3 * i + k] = r(k);
  }
  return out;
}

void Ipm::shift_into_cone(std::vector<Real>& v) const {
  Real worst = std::numeric_limits<Real>::infinity();  // least eigenvalue
  for (std::size_t k = 0; k < lp_; ++k)
    worst = std::min(worst, v[k]);
  for (std::size_t i = 0; i < n_; ++i) {
    const Real* c = &v[lp_ + 3 * i];
    worst = std::min(worst, c[0] - std::hypot(c[1], c[2]));
  }
  const Real alpha = -worst;
  if (alpha < 0) return;
  for (std::size_t k = 0; k < lp_; ++k)
    v[k] += 1 + alpha;
  for (std::size_t i = 0; i < n_; ++i)
    v[lp_ + 3 * i] += 1 + alpha;
}

Real Ipm::max_step(const std::vector<Real>& v, const std::vector<Real>& d) const {
  Real a = std::numeric_limits<Real>::infinity();
  for (std::size_t k = 0; k < lp_; ++k)
    a = std::min(a, lp_step(v[k], d[k]));
  for (std::size_t i = 0; i < n_; ++i) {
    const std::size_t o = lp_ + 3 * i;
    a = std::min(a, cone_step(Vec3(v[o], v[o + 1], v[o + 2]), Vec3(d[o], d[o + 1], d[o + 2])));
  }
  return a;
}

Real norm(const std::vector<Real>& v) {
  Real s = 0;
  for (Real x : v)
    s += x * x;
  return std::sqrt(s);
}

void Ipm::nt_scaling(const std::vector<Real>& s, const std::vector<Real>& y) {
  for (std::size_t k = 0; k < lp_; ++k) {
    phi_[k] = y[k] / s[k];
    d_[k] = std::sqrt(s[k] / y[k]);
    lam_lp_[k] = std::sqrt(s[k] * y[k]);
  }
  for (std::size_t i = 0; i < n_; ++i) {
    const std::size_t o = lp_ + 3 * i;
    const Vec3 sv(s[o], s[o + 1], s[o + 2]), yv(y[o], y[o + 1], y[o + 2]);
    // W = beta (2 v v' - J), v = (wbar + e) / sqrt(2 (wbar_0 + 1)), wbar = (sbar + J ybar) /
    // (2 gamma): the symmetric W with W^2 y = s (Vandenberghe, CVXOPT's cone solvers, 4.3).
    const Real ns = std::sqrt(det_stable(sv)), ny = std::sqrt(det_stable(yv));
    const Vec3 sb = sv / ns, yb = yv / ny;
    const Real gamma = std::sqrt((1 + sb.dot(yb)) / 2);
    const Vec3 wb = Vec3(sb(0) + yb(0), sb(1) - yb(1), sb(2) - yb(2)) / (2 * gamma);
    const Vec3 v = Vec3(wb(0) + 1, wb(1), wb(2)) / std::sqrt(2 * (wb(0) + 1));
    const Vec3 jv(v(0), -v(1), -v(2));
    const Real beta = std::sqrt(ns / ny);
    const Mat3 jm = Vec3(1, -1, -1).asDiagonal();
    w_[i] = beta * (2 * v * v.transpose() - jm);
    winv_[i] = (2 * jv * jv.transpose() - jm) / beta;
    lam_[i] = w_[i] * yv;
  }
}

void Ipm::kkt(const std::vector<Real>& a, const std::vector<Real>& b, const std::vector<Real>& c,
              std::vector<Real>& oz, std::vector<Real>& os, std::vector<Real>& oy) const {
  const std::size_t nv = 2 * n_ + 1, m = lp_ + 3 * n_;
  std::vector<Real> t(m);
  for (std::size_t k = 0; k < m; ++k)
    t[k] = c[k] - b[k];
  const auto gpt = gt_mul(phi_mul(t));
  std::vector<Real> rhs(nv);
  for (std::size_t k = 0; k < nv; ++k)
    rhs[k] = a[k] - gpt[k];
  oz = solve_normal(rhs);
  auto gdz = g_mul(oz);
  for (std::size_t k = 0; k < m; ++k)
    gdz[k] += t[k];
  oy = phi_mul(gdz);
  os.resize(m);
  for (std::size_t k = 0; k < m; ++k)
    os[k] = b[k] - (gdz[k] - t[k]);  // the primal equation exactly
}

// Newton direction for the complementarity right-hand side rc (in lambda space).
void Ipm::newton(const std::vector<Real>& rc, const std::vector<Real>& ry,
                 const std::vector<Real>& rz, std::vector<Real>& dz, std::vector<Real>& ds,
                 std::vector<Real>& dy) const {
  const std::size_t nv = 2 * n_ + 1, m = lp_ + 3 * n_;
  std::vector<Real> rho(m);
  for (std::size_t k = 0; k < lp_; ++k)
    rho[k] = rc[k] / lam_lp_[k];
  for (std::size_t i = 0; i < n_; ++i) {
    const std::size_t o = lp_ + 3 * i;
    const Vec3 r = jordan_solve(lam_[i], Vec3(rc[o], rc[o + 1], rc[o + 2]));
    for (int k = 0; k < 3; ++k)
      rho[o + k] = r(k);
  }
  // The linearised system: G' dy = r1, G dz + ds = r2, ds + W^2 dy = r3 (= W rho), reduced
  // to (G' Phi G) dz = r1 - G' Phi (r3 - r2), dy = Phi (G dz + r3 - r2), ds = r3 - W^2 dy;
  // then iterative refinement on all three (the reduction is ill-conditioned near the end).
  const auto r3 = w_mul(rho, false);
  std::vector<Real> r1(nv), r2(m);
  for (std::size_t k = 0; k < nv; ++k)
    r1[k] = -rz[k];
  for (std::size_t k = 0; k < m; ++k)
    r2[k] = -ry[k];
  kkt(r1, r2, r3, dz, ds, dy);
  Real scale = 0, last = std::numeric_limits<Real>::infinity();
  for (Real v : r1)
    scale = std::max(scale, std::abs(v));
  for (std::size_t k = 0; k < m; ++k)
    scale = std::max({scale, std::abs(r2[k]), std::abs(r3[k])});
  for (int ref = 0; ref < 3; ++ref) {
    auto e1 = gt_mul(dy);
    auto e2 = g_mul(dz);
    const auto w2y = w_mul(w_mul(dy, false), false);
    std::vector<Real> e3(m);
    Real en = 0;
    for (std::size_t k = 0; k < nv; ++k) {
      e1[k] = r1[k] - e1[k];
      en = std::max(en, std::abs(e1[k]));
    }
    for (std::size_t k = 0; k < m; ++k) {
      e2[k] = r2[k] - e2[k] - ds[k];
      e3[k] = r3[k] - ds[k] - w2y[k];
      en = std::max({en, std::abs(e2[k]), std::abs(e3[k])});
    }
    if (en <= 1e-14 * scale || en >= 0.5 * last) break;  // accurate, or not improving
    last = en;
    std::vector<Real> cz, cs, cy;
    kkt(e1, e2, e3, cz, cs, cy);
    for (std::size_t k = 0; k < nv; ++k)
      dz[k] += cz[k];
    for (std::size_t k = 0; k < m; ++k) {
      ds[k] += cs[k];
      dy[k] += cy[k];
    }
  }
}

// One loop in ECOS's order: residuals and stopping test, scaling, predictor, corrector, step
// (over 80 lines: kept in one piece so that the order of the steps reads as ECOS's).
IpmResult Ipm::solve(const IpmSettings& st) {
  const std::size_t nv = 2 * n_ + 1, m = lp_ + 3 * n_;
  const auto hv = h();
  std::vector<Real> cv(nv, 0.0);
  cv[2 * n_] = 1;
  // Start (CVXOPT / ECOS): z = argmin |Gz - h|, s = h - Gz; y = G z' with G'G z' = -c; both
  // shifted into the cone.
  build_blocks(true);
  auto z = solve_normal(gt_mul(hv));
  auto gz = g_mul(z);
  std::vector<Real> s(m), y(m);
  for (std::size_t k = 0; k < m; ++k)
    s[k] = hv[k] - gz[k];
  {
    std::vector<Real> mc(nv);
    for (std::size_t k = 0; k < nv; ++k)
      mc[k] = -cv[k];
    y = g_mul(solve_normal(mc));
  }
  shift_into_cone(s);
  shift_into_cone(y);

  const Real hnorm = std::max<Real>(1, norm(hv)), cnorm = 1;
  const Real degree = static_cast<Real>(lp_ + n_);
  IpmResult out;
  phi_.assign(lp_, 0);
  d_.assign(lp_, 0);
  w_.assign(n_, Mat3::Identity());
  winv_.assign(n_, Mat3::Identity());
  lam_.assign(n_, Vec3::Zero());
  lam_lp_.assign(lp_, 0);
  std::vector<Real> prev_z = z;
  Real prev_pres = 0, prev_dres = 0;
  bool prev_inacc = false;
  for (int it = 0; it <= st.max_iterations; ++it) {
    gz = g_mul(z);
    std::vector<Real> ry(m), rz = gt_mul(y);
    for (std::size_t k = 0; k < m; ++k)
      ry[k] = gz[k] + s[k] - hv[k];
    for (std::size_t k = 0; k < nv; ++k)
      rz[k] += cv[k];
    Real gap = 0;
    for (std::size_t k = 0; k < m; ++k)
      gap += s[k] * y[k];
    Real pcost = z[2 * n_], dcost = 0;
    for (std::size_t k = 0; k < m; ++k)
      dcost -= hv[k] * y[k];
    const Real pres = norm(ry) / hnorm, dres = norm(rz) / cnorm;
    Real relgap = std::numeric_limits<Real>::infinity();
    if (pcost < 0)
      relgap = gap / -pcost;
    else if (dcost > 0)
      relgap = gap / dcost;
    out.iterations = it;
    if (pres <= st.feastol && dres <= st.feastol && (gap <= st.abstol || relgap <= st.reltol)) {
      out.converged = true;
      break;
    }
    // Numerical breakdown near the end (the scaling of nearly active cones loses its digits):
    // keep the previous iterate, as ECOS returns its last good one ("optimal_inaccurate" when
    // it met its reduced tolerances 1e-4 / 5e-5 / 5e-5).
    const bool broke = !std::isfinite(pres) || !std::isfinite(dres) || !std::isfinite(gap) ||
                       (it > 0 && (pres > std::max<Real>(10 * prev_pres, st.feastol) ||
                                   dres > std::max<Real>(10 * prev_dres, st.feastol)));
    if (broke) {
      z = prev_z;
      out.iterations = it - 1;
      out.converged = prev_inacc;
      out.reduced_accuracy = true;
      break;
    }
    prev_z = z;
    prev_pres = pres;
    prev_dres = dres;
    prev_inacc = pres <= 1e-4 && dres <= 1e-4 && (gap <= 5e-5 || relgap <= 5e-5);
    if (it == st.max_iterations) break;
    nt_scaling(s, y);
    build_blocks(false);
    const Real mu = gap / degree;
    std::vector<Real> rc(m);
    for (std::size_t k = 0; k < lp_; ++k)
      rc[k] = -lam_lp_[k] * lam_lp_[k];
    for (std::size_t i = 0; i < n_; ++i) {
      const Vec3 ll = -jordan(lam_[i], lam_[i]);
      for (int k = 0; k < 3; ++k)
        rc[lp_ + 3 * i + k] = ll(k);
    }
    std::vector<Real> dz, ds, dy;
    newton(rc, ry, rz, dz, ds, dy);
    const Real a_aff = std::min<Real>(1, std::min(max_step(s, ds), max_step(y, dy)));
    const Real sigma = std::clamp<Real>(std::pow(1 - a_aff, 3), 1e-4, 1);
    // Corrector: rc = -lambda o lambda - (W^-1 ds_a) o (W dy_a) + sigma mu e.
    const auto sa = w_mul(ds, true), ya = w_mul(dy, false);
    for (std::size_t k = 0; k < lp_; ++k)
      rc[k] += -sa[k] * ya[k] + sigma * mu;
    for (std::size_t i = 0; i < n_; ++i) {
      const std::size_t o = lp_ + 3 * i;
      const Vec3 corr =
          jordan(Vec3(sa[o], sa[o + 1], sa[o + 2]), Vec3(ya[o], ya[o + 1], ya[o + 2]));
      rc[o] += -corr(0) + sigma * mu;
      rc[o + 1] -= corr(1);
      rc[o + 2] -= corr(2);
    }
    newton(rc, ry, rz, dz, ds, dy);
    const Real amax = std::min(max_step(s, ds), max_step(y, dy));
    const Real alpha = std::min<Real>(1, Real(0.99) * amax);
    for (std::size_t k = 0; k < nv; ++k)
      z[k] += alpha * dz[k];
    for (std::size_t k = 0; k < m; ++k) {
      s[k] += alpha * ds[k];
      y[k] += alpha * dy[k];
    }
  }
  out.x.resize(n_);
  out.tau = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n_; ++i) {
    out.x[i] = static_cast<double>(std::clamp(z[i], Real{0}, Real{1}));
    const Real xi = std::max<Real>(out.x[i], 1e-300);
    out.tau = std::max(out.tau, static_cast<double>(-hd_[i] + c_[i] / xi));
  }
  return out;
}

}  // namespace

IpmResult solve_ipm(const std::vector<FairnessJob>& jobs, int total_gpus,
                    const IpmSettings& settings) {
  if (jobs.empty()) throw InvariantError("themis solve_ipm: no jobs");
  return Ipm(jobs, total_gpus).solve(settings);
}

}  // namespace clustersim::themis
