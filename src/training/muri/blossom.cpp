// Weighted general matching (Edmonds' blossom, primal-dual, O(n^3)), floating-point weights.
// Vertices 1..n are real, n+1.. are blossoms; dist(e) = lab[u] + lab[v] - 2 w(e) is the slack.
// Every step follows Muri's matching.py in the same order (ties!); only the data structures
// differ (flat arrays, reused FIFO buffers, a compact weight matrix for the real vertices).
#include <algorithm>
#include <cmath>
#include <limits>

#include "clustersim/core/error.hpp"
#include "training/muri/grouping.hpp"

namespace clustersim::muri {
namespace {

// Muri's comparison helper: "not greater" unless x > y beyond a relative 1e-5.
bool not_greater(double x, double y) {
  if (std::fabs(x - y) <= 1e-5 * std::max(std::fabs(x), std::fabs(y))) return true;
  return !(x > y);
}
// not_greater(x, 0): |x| <= 1e-5 |x| only holds for x == 0, so this is exactly !(x > 0).
bool not_positive(double x) {
  return !(x > 0);
}

// The algorithm reached a state that a correct run never reaches (Muri's code would then loop
// forever or fail an assertion): thrown to restart with symmetric weights.
struct Breakdown {};

// FIFO over a reusable vector (no per-use allocation).
template <class T>
class Fifo {
 public:
  void clear() {
    v_.clear();
    head_ = 0;
  }
  bool empty() const { return head_ == v_.size(); }
  void push(T x) { v_.push_back(x); }
  T pop() { return v_[head_++]; }

 private:
  std::vector<T> v_;
  std::size_t head_ = 0;
};

struct Workspace {
  struct Edge {
    int u = 0, v = 0;
    double w = 0;
  };
  std::vector<Edge> edges;
  std::vector<double> sld;  // sld[x] = dist(edge(slack[x], x)) when slack[x] != 0, see Blossom
  std::vector<double> wr;   // real-vertex weights, (n+1) x (n+1)
  std::vector<int> ff, match, pa, st, vis, S, slack;
  std::vector<unsigned> seen;
  std::vector<int> best;
  std::vector<std::vector<int>> flower;
  std::vector<double> lab;
  Fifo<int> q, tmp;
  Fifo<std::pair<int, int>> work;
};

class Blossom {
  using Edge = Workspace::Edge;

 public:
  Blossom(int n, const std::vector<double>& w, bool symmetric, Workspace& ws)
      : n_(n), nx_(n), cap_(2 * n + 2), inited_(n), ws_(ws) {
    // Blossom rows and columns start as {0, 0, 0}, as Muri appends them; they are cleared when
    // the index is first used (add_blossom), real rows here.
    ws.edges.resize(static_cast<std::size_t>(cap_) * cap_);
    ws.sld.resize(cap_);
    ws.wr.assign(static_cast<std::size_t>(n + 1) * (n + 1), 0.0);
    wr_ = ws.wr.data();
    ws.ff.resize(static_cast<std::size_t>(cap_) * (n + 1));
    std::fill(ws.ff.begin(), ws.ff.begin() + static_cast<std::ptrdiff_t>(n + 1) * (n + 1), 0);
    ws.match.assign(cap_, 0);
    ws.pa.assign(cap_, 0);
    ws.st.resize(cap_);
    for (int i = 0; i < cap_; ++i)
      ws.st[i] = i <= n ? i : 0;
    if (ws.flower.size() < static_cast<std::size_t>(cap_)) ws.flower.resize(cap_);
    for (int i = 0; i < cap_; ++i)
      ws.flower[i].clear();
    ws.lab.assign(cap_, 0);
    ws.vis.assign(cap_, 0);
    ws.S.assign(cap_, -1);
    ws.slack.assign(cap_, 0);
    ws.seen.assign(cap_, 0);
    bind();
    double wmax = 0;
    for (int u = 0; u <= n; ++u) {
      for (int v = 0; v <= n; ++v) {
        double x = 0;
        if (u > 0 && v > 0)
          x = symmetric ? w[(std::min(u, v) - 1) * n + (std::max(u, v) - 1)]
                        : w[(u - 1) * n + (v - 1)];
        edge(u, v) = {u, v, x};
        wr_[u * (n + 1) + v] = x;
        wmax = std::max(wmax, x);
      }
      flower_from(u, u) = u;
    }
    for (int i = 0; i <= n; ++i)
      lab_[i] = wmax;
    // Bound on the loop steps, against endless loops (runs that end take < n^2 steps on Muri's
    // graphs; this allows > 256 n^2).
    max_steps_ = 64L * cap_ * cap_ + 4096;
  }

  std::vector<int> solve() {
    while (augment_once()) {
    }
    std::vector<int> mate(n_, -1);
    for (int u = 1; u <= n_; ++u) {
      const int v = match_[u];
      if (v > 0 && match_[v] == u) mate[u - 1] = v - 1;
    }
    return mate;
  }

 private:
  int n_, nx_, cap_, t_ = 0, inited_;
  Workspace& ws_;
  Edge* edges_ = nullptr;
  // Slack distances cached: edge(slack_[x], x) has real (or 0) endpoints and does not change
  // while x exists, and real labels change only in the dual update, after which all are
  // recomputed; the same sums as dist(), so the same values.
  double* sld_ = nullptr;
  double* wr_ = nullptr;
  int *match_, *pa_, *st_, *vis_, *S_, *slack_;
  // Scanning u, update_slack(u, B) for a blossom B is a no-op after its first call for B (same
  // edge, same labels) until an edge is found (which may reset slacks): seen_[B] == epoch_.
  unsigned* seen_;
  unsigned epoch_ = 0;
  double* lab_;
  std::vector<int>* flower_;
  int* ff_ = nullptr;
  long steps_ = 0, max_steps_ = 0;

  void bind() {
    auto& ws = ws_;
    edges_ = ws.edges.data();
    sld_ = ws.sld.data();
    ff_ = ws.ff.data();
    match_ = ws.match.data();
    pa_ = ws.pa.data();
    st_ = ws.st.data();
    vis_ = ws.vis.data();
    S_ = ws.S.data();
    slack_ = ws.slack.data();
    seen_ = ws.seen.data();
    lab_ = ws.lab.data();
    flower_ = ws.flower.data();
  }
  // Blossom indices are only reused once expanded, so they can outrun 2n + 1 (Muri's lists just
  // grow): double the capacity, keeping every entry; new entries are zero as Muri appends them.
  void grow() {
    const int old = cap_, cap = 2 * cap_;
    auto& ws = ws_;
    std::vector<Edge> e(static_cast<std::size_t>(cap) * cap);
    for (int u = 0; u < old; ++u)
      std::copy_n(edges_ + static_cast<std::size_t>(u) * old, old,
                  e.begin() + static_cast<std::ptrdiff_t>(u) * cap);
    ws.edges = std::move(e);
    ws.sld.resize(cap);
    ws.ff.resize(static_cast<std::size_t>(cap) * (n_ + 1), 0);
    for (auto* v : {&ws.match, &ws.pa, &ws.st, &ws.vis, &ws.slack})
      v->resize(cap, 0);
    ws.seen.resize(cap, 0);
    ws.S.resize(cap, -1);
    ws.lab.resize(cap, 0.0);
    if (ws.flower.size() < static_cast<std::size_t>(cap)) ws.flower.resize(cap);
    for (int i = old; i < cap; ++i)
      ws.flower[i].clear();
    cap_ = cap;
    bind();
  }
  Edge& edge(int u, int v) { return edges_[static_cast<std::size_t>(u) * cap_ + v]; }
  int& flower_from(int b, int x) { return ff_[static_cast<std::size_t>(b) * (n_ + 1) + x]; }
  void step() {
    if (++steps_ > max_steps_) throw Breakdown{};
  }

  double dist(const Edge& e) const { return lab_[e.u] + lab_[e.v] - e.w * 2.0; }
  void update_slack(int u, int x) {
    const double du = dist(edge(u, x));
    if (slack_[x] == 0 || du < sld_[x]) {
      slack_[x] = u;
      sld_[x] = du;
    }
  }
  void set_slack(int x) {
    slack_[x] = 0;
    for (int u = 1; u <= n_; ++u) {
      // (Muri tests the weight first; these reads have no side effects, and edge(u, x) is a
      // strided column read, so it comes last.)
      if (S_[st_[u]] == 0 && st_[u] != x && edge(u, x).w > 0) update_slack(u, x);
    }
  }
  void q_push(int x) {
    if (x <= n_) {
      ws_.q.push(x);
      return;
    }
    // Breadth-first over nested blossoms, as Muri's queue-based version.
    auto& tmp = ws_.tmp;
    tmp.clear();
    tmp.push(x);
    while (!tmp.empty()) {
      step();
      const int y = tmp.pop();
      if (y <= n_)
        ws_.q.push(y);
      else
        for (int i : flower_[y])
          tmp.push(i);
    }
  }
  void set_st(int x, int b, int depth = 0) {
    if (depth > cap_) throw Breakdown{};
    st_[x] = b;
    if (x <= n_) return;
    for (int i : flower_[x])
      set_st(i, b, depth + 1);
  }
  int get_pr(int b, int xr) {
    auto& f = flower_[b];
    const auto it = std::find(f.begin(), f.end(), xr);
    if (it == f.end()) throw Breakdown{};  // Muri: assertion failure
    const int pr = static_cast<int>(it - f.begin());
    if (pr % 2 == 1) {
      std::reverse(f.begin() + 1, f.end());
      return static_cast<int>(f.size()) - pr;
    }
    return pr;
  }
  void set_match(int u0, int v0) {
    auto& work = ws_.work;
    work.clear();
    work.push({u0, v0});
    while (!work.empty()) {
      step();
      auto [u, v] = work.pop();
      match_[u] = edge(u, v).v;
      if (u <= n_) continue;
      const Edge e = edge(u, v);
      const int xr = flower_from(u, e.u);
      const int pr = get_pr(u, xr);
      auto& f = flower_[u];
      for (int i = 0; i < pr; ++i)
        work.push({f[i], f[i ^ 1]});
      work.push({xr, v});
      std::rotate(f.begin(), f.begin() + pr, f.end());
    }
  }
  void augment(int u, int v) {
    // A path from the root has at most nx_ steps; more means it cycles (Muri's loop never ends).
    for (int it = 0;; ++it) {
      if (it > 2 * nx_ + 4) throw Breakdown{};
      step();
      const int xnv = st_[match_[u]];
      set_match(u, v);
      if (xnv == 0) return;
      set_match(xnv, st_[pa_[xnv]]);
      u = st_[pa_[xnv]];
      v = xnv;
    }
  }
  int get_lca(int u, int v) {
    ++t_;
    while (u != 0 || v != 0) {
      step();
      if (u != 0) {
        if (vis_[u] == t_) return u;
        vis_[u] = t_;
        u = st_[match_[u]];
        if (u != 0) u = st_[pa_[u]];
      }
      std::swap(u, v);
    }
    return 0;
  }
  // Over 80 lines: see augment_once.
  void add_blossom(int u, int lca, int v) {
    int b = n_ + 1;
    while (b <= nx_ && st_[b] != 0)
      ++b;
    if (b > nx_) ++nx_;
    if (nx_ >= cap_) grow();
    // First use of this index: Muri appends a zero row and column. The column's rows 1..nx_ are
    // all rewritten below (read only as edge(xs, b), handled there); later rows are zeroed when
    // their index is first used.
    const bool fresh = b > inited_;
    if (fresh) {
      std::fill_n(&edge(b, 0), cap_, Edge{});
      edge(0, b) = Edge{};
      std::fill_n(ff_ + static_cast<std::size_t>(b) * (n_ + 1), n_ + 1, 0);
      inited_ = b;
    }
    lab_[b] = 0;
    S_[b] = 0;
    match_[b] = match_[lca];
    auto& f = flower_[b];
    f.assign(1, lca);
    for (int x = u, y; x != lca; x = st_[pa_[y]]) {
      step();
      f.push_back(x);
      y = st_[match_[x]];
      f.push_back(y);
      q_push(y);
    }
    std::reverse(f.begin() + 1, f.end());
    for (int x = v, y; x != lca; x = st_[pa_[y]]) {
      step();
      f.push_back(x);
      y = st_[match_[x]];
      f.push_back(y);
      q_push(y);
    }
    set_st(b, b);
    // Muri zeroes row and column b, then for every member xs and x copies edge(xs, x) into
    // edge(b, x) and edge(x, xs) into edge(x, b) when xs offers a smaller slack. Column b is
    // strided, so its copies are deferred to the end (best[x] = the last xs copied): nothing in
    // the loop reads column b except edge(xs, b) at x == b, rebuilt from best[xs] below.
    auto& best = ws_.best;
    best.assign(nx_ + 1, 0);
    for (int x = 1; x <= nx_; ++x)
      edge(b, x).w = 0;
    for (int x = 1; x <= n_; ++x)
      flower_from(b, x) = 0;
    Edge* rb = &edge(b, 0);
    for (int xs : f) {
      const Edge* rxs = &edge(xs, 0);
      for (int x = 1; x <= nx_; ++x) {
        Edge e = rxs[x];
        if (x == b) {  // edge(xs, b): column b as Muri has it at this point
          if (best[xs] != 0)
            e = edge(xs, best[xs]);
          else if (fresh)
            e = Edge{};
          else
            e.w = 0;
        }
        if (rb[x].w <= 0 || dist(e) < dist(rb[x])) {
          rb[x] = e;
          if (x == b)
            rb[b] = rb[xs];  // edge(x, b) = edge(x, xs) with x == b
          else
            best[x] = xs;
        }
      }
      if (xs <= n_) {  // a real vertex's row holds only flower_from(xs, xs) = xs
        flower_from(b, xs) = xs;
      } else {
        for (int x = 1; x <= n_; ++x) {
          if (flower_from(xs, x) != 0) flower_from(b, x) = xs;
        }
      }
    }
    for (int x = 1; x <= nx_; ++x) {
      if (x == b) continue;
      if (best[x] != 0)
        edge(x, b) = edge(x, best[x]);
      else if (fresh)
        edge(x, b) = Edge{};
      else
        edge(x, b).w = 0;
    }
    set_slack(b);
  }
  void expand_blossom(int b) {
    for (int i : flower_[b])
      set_st(i, i);
    const int xr = flower_from(b, edge(b, pa_[b]).u);
    const int pr = get_pr(b, xr);
    const auto& f = flower_[b];
    for (int i = 0; i < pr; i += 2) {
      const int xs = f[i], xns = f[i + 1];
      pa_[xs] = edge(xns, xs).u;
      S_[xs] = 1;
      S_[xns] = 0;
      slack_[xs] = 0;
      set_slack(xns);
      q_push(xns);
    }
    S_[xr] = 1;
    pa_[xr] = pa_[b];
    for (std::size_t i = pr + 1; i < f.size(); ++i) {
      const int xs = f[i];
      S_[xs] = -1;
      set_slack(xs);
    }
    st_[b] = 0;
  }
  bool on_found_edge(const Edge& e) {
    const int u = st_[e.u], v = st_[e.v];
    if (S_[v] == -1) {
      pa_[v] = e.u;
      S_[v] = 1;
      const int nu = st_[match_[v]];
      slack_[v] = slack_[nu] = 0;
      S_[nu] = 0;
      q_push(nu);
    } else if (S_[v] == 0) {
      const int lca = get_lca(u, v);
      if (lca == 0) {
        augment(u, v);
        augment(v, u);
        return true;
      }
      add_blossom(u, lca, v);
    }
    return false;
  }
  // Over 80 lines (with add_blossom): kept as in Muri's matching.py step by step, so that the
  // tie-breaking order can be checked against it line by line.
  bool augment_once() {
    std::fill(S_, S_ + nx_ + 1, -1);
    std::fill(slack_, slack_ + nx_ + 1, 0);
    auto& q = ws_.q;
    q.clear();
    for (int x = 1; x <= nx_; ++x) {
      if (st_[x] == x && match_[x] <= 0) {
        pa_[x] = 0;
        S_[x] = 0;
        q_push(x);
      }
    }
    if (q.empty()) return false;
    const int stride = n_ + 1;
    while (true) {
      step();
      while (!q.empty()) {
        const int u = q.pop();
        if (S_[st_[u]] == 1) continue;
        step();
        ++epoch_;
        // Real vertices: edge(u, v) is {u, v, w(u, v)} until the end, see the constructor. (st_[u]
        // changes when an edge found here closes a blossom; labels do not change in this loop.)
        const double* wu = wr_ + static_cast<std::size_t>(u) * stride;
        const double lu = lab_[u];
        for (int v = 1; v <= n_; ++v) {
          const double w = wu[v];
          if (!(w > 0)) continue;
          const int sv = st_[v];
          if (st_[u] == sv) continue;
          const double duv = lu + lab_[v] - w * 2.0;
          if (not_positive(duv)) {
            ++epoch_;
            if (on_found_edge(edge(u, v))) return true;
          } else if (sv == v) {
            // update_slack(u, v) on real edges: the same sums, from the compact matrix.
            if (slack_[v] == 0 || duv < sld_[v]) {
              slack_[v] = u;
              sld_[v] = duv;
            }
          } else if (seen_[sv] != epoch_) {
            seen_[sv] = epoch_;
            update_slack(u, sv);
          }
        }
      }
      double d = std::numeric_limits<double>::infinity();
      for (int b = n_ + 1; b <= nx_; ++b) {
        if (st_[b] == b && S_[b] == 1) d = std::min(d, lab_[b] / 2.0);
      }
      for (int x = 1; x <= nx_; ++x) {
        if (st_[x] == x && slack_[x] != 0) {
          if (S_[x] == -1)
            d = std::min(d, sld_[x]);
          else if (S_[x] == 0)
            d = std::min(d, sld_[x] / 2.0);
        }
      }
      for (int u = 1; u <= n_; ++u) {
        if (S_[st_[u]] == 0) {
          if (not_greater(lab_[u], d)) return false;
          lab_[u] -= d;
        } else if (S_[st_[u]] == 1) {
          lab_[u] += d;
        }
      }
      for (int b = n_ + 1; b <= nx_; ++b) {
        if (st_[b] == b) {
          if (S_[st_[b]] == 0)
            lab_[b] += d * 2;
          else if (S_[st_[b]] == 1)
            lab_[b] -= d * 2;
        }
      }
      for (int x = 1; x <= nx_; ++x) {
        if (slack_[x] != 0) sld_[x] = dist(edge(slack_[x], x));
      }
      q.clear();
      // Up to the blossoms that exist now: Muri's range() is fixed before a found edge can add
      // one (a new blossom's tight slack edge waits for the next pass).
      for (int x = 1, nx = nx_; x <= nx; ++x) {
        if (st_[x] == x && slack_[x] != 0 && st_[slack_[x]] != x && not_positive(sld_[x])) {
          if (on_found_edge(edge(slack_[x], x))) return true;
        }
      }
      for (int b = n_ + 1; b <= nx_; ++b) {
        if (st_[b] == b && S_[b] == 1 && not_positive(lab_[b])) expand_blossom(b);
      }
    }
  }
};

}  // namespace

std::vector<int> max_weight_matching(int n, const std::vector<double>& w) {
  bool any = false;
  for (double x : w)
    any = any || x > 0;
  if (n <= 1 || !any) return std::vector<int>(n, -1);
  static thread_local Workspace ws;
  try {
    return Blossom(n, w, false, ws).solve();
  } catch (const Breakdown&) {
  }
  try {
    return Blossom(n, w, true, ws).solve();
  } catch (const Breakdown&) {
    throw InvariantError("max_weight_matching: blossom algorithm broke down on symmetric weights");
  }
}

std::vector<int> max_weight_matching(int n,
                                     const std::vector<std::tuple<int, int, double>>& edges) {
  std::vector<double> w(static_cast<std::size_t>(n) * n, 0.0);
  for (const auto& [u, v, x] : edges)
    w[u * n + v] = w[v * n + u] = x;
  return max_weight_matching(n, w);
}

}  // namespace clustersim::muri
