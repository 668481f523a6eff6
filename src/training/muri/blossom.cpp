// Weighted general matching (Edmonds' blossom, primal-dual, O(n^3)), floating-point weights.
// Vertices 1..n are real, n+1.. are blossoms; dist(e) = lab[u] + lab[v] - 2 w(e) is the slack.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "clustersim/training/muri/grouping.hpp"

namespace clustersim::muri {
namespace {

// Muri's comparison helper: "not greater" unless x > y beyond a relative 1e-5.
bool not_greater(double x, double y) {
  if (std::fabs(x - y) <= 1e-5 * std::max(std::fabs(x), std::fabs(y))) return true;
  return !(x > y);
}

class Blossom {
 public:
  explicit Blossom(int n, const std::vector<double>& w) : n_(n), nx_(n), cap_(2 * n + 2) {
    // Rows/columns of blossoms are always written by add_blossom before they are read.
    static thread_local std::vector<Edge> storage;
    storage.resize(static_cast<std::size_t>(cap_) * cap_);
    edges_ = storage.data();
    double wmax = 0;
    for (int u = 0; u <= n; ++u) {
      for (int v = 0; v <= n; ++v) {
        const double x = u > 0 && v > 0 ? w[(u - 1) * n + (v - 1)] : 0.0;
        edge(u, v) = {u, v, x};
        wmax = std::max(wmax, x);
      }
    }
    match_.assign(cap_, 0);
    pa_.assign(cap_, 0);
    st_.resize(cap_);
    for (int i = 0; i < cap_; ++i)
      st_[i] = i <= n ? i : 0;
    flower_.assign(cap_, {});
    static thread_local std::vector<int> ff;
    ff.resize(static_cast<std::size_t>(cap_) * (n + 1));
    std::fill(ff.begin(), ff.begin() + static_cast<std::ptrdiff_t>(n + 1) * (n + 1), 0);
    ff_ = ff.data();
    for (int u = 0; u <= n; ++u)
      flower_from(u, u) = u;
    lab_.assign(cap_, 0);
    for (int i = 0; i <= n; ++i)
      lab_[i] = wmax;
    vis_.assign(cap_, 0);
    S_.assign(cap_, -1);
    slack_.assign(cap_, 0);
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
  struct Edge {
    int u = 0, v = 0;
    double w = 0;
  };
  int n_, nx_, cap_, t_ = 0;
  Edge* edges_ = nullptr;
  Edge& edge(int u, int v) { return edges_[static_cast<std::size_t>(u) * cap_ + v]; }
  const Edge& edge(int u, int v) const { return edges_[static_cast<std::size_t>(u) * cap_ + v]; }
  std::vector<int> match_, pa_, st_, vis_, S_, slack_;
  std::vector<std::vector<int>> flower_;
  int* ff_ = nullptr;
  int& flower_from(int b, int x) { return ff_[static_cast<std::size_t>(b) * (n_ + 1) + x]; }
  std::vector<double> lab_;
  std::deque<int> q_;

  double dist(const Edge& e) const { return lab_[e.u] + lab_[e.v] - e.w * 2.0; }
  void update_slack(int u, int x) {
    if (slack_[x] == 0 || dist(edge(u, x)) < dist(edge(slack_[x], x))) slack_[x] = u;
  }
  void set_slack(int x) {
    slack_[x] = 0;
    for (int u = 1; u <= n_; ++u) {
      if (edge(u, x).w > 0 && st_[u] != x && S_[st_[u]] == 0) update_slack(u, x);
    }
  }
  void q_push(int x) {
    if (x <= n_) {
      q_.push_back(x);
      return;
    }
    // Breadth-first over nested blossoms, as Muri's queue-based version.
    std::deque<int> tmp{x};
    while (!tmp.empty()) {
      int y = tmp.front();
      tmp.pop_front();
      if (y <= n_)
        q_.push_back(y);
      else
        for (int i : flower_[y])
          tmp.push_back(i);
    }
  }
  void set_st(int x, int b) {
    st_[x] = b;
    if (x <= n_) return;
    for (int i : flower_[x])
      set_st(i, b);
  }
  int get_pr(int b, int xr) {
    auto& f = flower_[b];
    int pr = static_cast<int>(std::find(f.begin(), f.end(), xr) - f.begin());
    if (pr % 2 == 1) {
      std::reverse(f.begin() + 1, f.end());
      return static_cast<int>(f.size()) - pr;
    }
    return pr;
  }
  void set_match(int u0, int v0) {
    std::deque<std::pair<int, int>> work{{u0, v0}};
    while (!work.empty()) {
      auto [u, v] = work.front();
      work.pop_front();
      match_[u] = edge(u, v).v;
      if (u <= n_) continue;
      const Edge e = edge(u, v);
      const int xr = flower_from(u, e.u);
      const int pr = get_pr(u, xr);
      for (int i = 0; i < pr; ++i)
        work.emplace_back(flower_[u][i], flower_[u][i ^ 1]);
      work.emplace_back(xr, v);
      std::rotate(flower_[u].begin(), flower_[u].begin() + pr, flower_[u].end());
    }
  }
  void augment(int u, int v) {
    while (true) {
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
  void add_blossom(int u, int lca, int v) {
    int b = n_ + 1;
    while (b <= nx_ && st_[b] != 0)
      ++b;
    if (b > nx_) ++nx_;
    lab_[b] = 0;
    S_[b] = 0;
    match_[b] = match_[lca];
    flower_[b] = {lca};
    for (int x = u, y; x != lca; x = st_[pa_[y]]) {
      flower_[b].push_back(x);
      y = st_[match_[x]];
      flower_[b].push_back(y);
      q_push(y);
    }
    std::reverse(flower_[b].begin() + 1, flower_[b].end());
    for (int x = v, y; x != lca; x = st_[pa_[y]]) {
      flower_[b].push_back(x);
      y = st_[match_[x]];
      flower_[b].push_back(y);
      q_push(y);
    }
    set_st(b, b);
    for (int x = 1; x <= nx_; ++x)
      edge(b, x).w = edge(x, b).w = 0;
    for (int x = 1; x <= n_; ++x)
      flower_from(b, x) = 0;
    for (int xs : flower_[b]) {
      for (int x = 1; x <= nx_; ++x) {
        if (edge(b, x).w <= 0 || dist(edge(xs, x)) < dist(edge(b, x))) {
          edge(b, x) = edge(xs, x);
          edge(x, b) = edge(x, xs);
        }
      }
      for (int x = 1; x <= n_; ++x) {
        if (flower_from(xs, x) != 0) flower_from(b, x) = xs;
      }
    }
    set_slack(b);
  }
  void expand_blossom(int b) {
    for (int i : flower_[b])
      set_st(i, i);
    const int xr = flower_from(b, edge(b, pa_[b]).u);
    const int pr = get_pr(b, xr);
    for (int i = 0; i < pr; i += 2) {
      const int xs = flower_[b][i], xns = flower_[b][i + 1];
      pa_[xs] = edge(xns, xs).u;
      S_[xs] = 1;
      S_[xns] = 0;
      slack_[xs] = 0;
      set_slack(xns);
      q_push(xns);
    }
    S_[xr] = 1;
    pa_[xr] = pa_[b];
    for (std::size_t i = pr + 1; i < flower_[b].size(); ++i) {
      const int xs = flower_[b][i];
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
  bool augment_once() {
    std::fill(S_.begin(), S_.begin() + nx_ + 1, -1);
    std::fill(slack_.begin(), slack_.begin() + nx_ + 1, 0);
    q_.clear();
    for (int x = 1; x <= nx_; ++x) {
      if (st_[x] == x && match_[x] <= 0) {
        pa_[x] = 0;
        S_[x] = 0;
        q_push(x);
      }
    }
    if (q_.empty()) return false;
    while (true) {
      while (!q_.empty()) {
        const int u = q_.front();
        q_.pop_front();
        if (S_[st_[u]] == 1) continue;
        for (int v = 1; v <= n_; ++v) {
          if (edge(u, v).w > 0 && st_[u] != st_[v]) {
            if (not_greater(dist(edge(u, v)), 0.0)) {
              if (on_found_edge(edge(u, v))) return true;
            } else {
              update_slack(u, st_[v]);
            }
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
            d = std::min(d, dist(edge(slack_[x], x)));
          else if (S_[x] == 0)
            d = std::min(d, dist(edge(slack_[x], x)) / 2.0);
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
      q_.clear();
      for (int x = 1; x <= nx_; ++x) {
        if (st_[x] == x && slack_[x] != 0 && st_[slack_[x]] != x &&
            not_greater(dist(edge(slack_[x], x)), 0.0)) {
          if (on_found_edge(edge(slack_[x], x))) return true;
        }
      }
      for (int b = n_ + 1; b <= nx_; ++b) {
        if (st_[b] == b && S_[b] == 1 && not_greater(lab_[b], 0.0)) expand_blossom(b);
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
  return Blossom(n, w).solve();
}

std::vector<int> max_weight_matching(int n,
                                     const std::vector<std::tuple<int, int, double>>& edges) {
  std::vector<double> w(static_cast<std::size_t>(n) * n, 0.0);
  for (const auto& [u, v, x] : edges)
    w[u * n + v] = w[v * n + u] = x;
  return max_weight_matching(n, w);
}

}  // namespace clustersim::muri
