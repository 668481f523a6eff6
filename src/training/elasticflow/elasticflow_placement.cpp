// The artifact's `elastic` placement (cluster.elastic_placement), replayed only to number each
// job's GPU ranks as its log does (ElasticNodeSets in elasticflow_planner.hpp).
#include <algorithm>

#include "clustersim/core/error.hpp"
#include "training/elasticflow/elasticflow_planner.hpp"

namespace clustersim::ef {

namespace {
constexpr int kGroupKeys[] = {1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 88, 128, 256};
}

ElasticNodeSets::ElasticNodeSets(int nodes, int gpus_per_node)
    : nodes_(nodes), gpn_(gpus_per_node) {
  for (int k : kGroupKeys)
    groups_.push_back({k, {}});
}

std::vector<int>& ElasticNodeSets::group(int key) {
  for (auto& [k, v] : groups_) {
    if (k == key) return v;
  }
  throw InvariantError("elastic placement: no node group for this GPU count");
}

void ElasticNodeSets::sort_group(int key) {
  auto& g = group(key);
  std::stable_sort(g.begin(), g.end(),
                   [this](int a, int b) { return sets_[a].util < sets_[b].util; });
}

std::vector<int> ElasticNodeSets::place(const std::vector<std::pair<int, int>>& jobs) {
  sets_.clear();
  free_.clear();
  for (int i = 0; i < nodes_; ++i)
    free_.push_back(i);
  for (auto& [k, v] : groups_)
    v.clear();
  std::vector<int> gpus(jobs.size());
  for (std::size_t p = 0; p < jobs.size(); ++p)
    gpus[p] = jobs[p].second;
  std::vector<char> ok(jobs.size(), 0);
  for (std::size_t p = 0; p < jobs.size(); ++p)
    ok[p] = place_one(static_cast<int>(p), gpus[p]);
  // Number the ranks as log.scheduling_result does: nodes in order; a node of a multi-node
  // set holds its one job; a small set lists its jobs in order.
  std::vector<int> first(jobs.size(), -1);
  std::vector<char> free_node(nodes_, 0);
  for (int n : free_)
    free_node[n] = 1;
  std::vector<char> recorded(jobs.size(), 0);
  int pos = 0;
  for (int node = 0; node < nodes_; ++node) {
    if (free_node[node]) {
      pos += gpn_;
      continue;
    }
    bool found = false;
    for (auto& [key, ids] : groups_) {
      for (int sid : ids) {
        const Set& s = sets_[sid];
        if (std::find(s.nodes.begin(), s.nodes.end(), node) == s.nodes.end()) continue;
        if (key >= gpn_) {
          const int j0 = s.jobs.front();
          if (!recorded[j0]) {
            first[j0] = pos;
            recorded[j0] = 1;
          }
          pos += gpn_;
        } else {
          int used = 0;
          for (int j : s.jobs) {
            first[j] = pos;
            pos += gpus[j];
            used += gpus[j];
          }
          pos += gpn_ - used;
        }
        found = true;
        break;
      }
      if (found) break;
    }
    if (!found) throw InvariantError("elastic placement: node in no set");
  }
  for (std::size_t p = 0; p < jobs.size(); ++p) {
    if (!ok[p]) first[p] = -1;
  }
  return first;
}

// After adding a job to set `sid`: file the set under the largest size class dividing its free
// GPUs (the artifact's "move to a new node list"); false if it has no free GPUs.
bool ElasticNodeSets::file_by_free(Set& s, int sid, int n_group, int /*job_pos*/) {
  const int free = static_cast<int>(s.nodes.size()) * gpn_ - s.util;
  if (free <= 0) return false;
  for (auto it = std::rbegin(kGroupKeys); it != std::rend(kGroupKeys); ++it) {
    const int each = *it;
    if (each > free) continue;
    if (free % each == 0) {
      s.num_gpus = each;
      group(each).push_back(sid);
      sort_group(n_group);
      sort_group(each);
      return true;
    }
  }
  return false;
}

bool ElasticNodeSets::place_one(int pos, int n) {
  auto& list = group(n);
  if (!list.empty()) {
    const int sid = list.front();
    list.erase(list.begin());
    Set& s = sets_[sid];
    if (s.util + n <= s.capacity) {
      s.util += n;
      s.jobs.push_back(pos);
      if (file_by_free(s, sid, n, pos)) return true;
      list.push_back(sid);
      sort_group(n);
      return true;
    }
    list.push_back(sid);
  }
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it) {
    if (it->first <= n) break;
    auto& other = it->second;
    if (other.empty()) continue;
    const int sid = other.front();
    other.erase(other.begin());
    Set& s = sets_[sid];
    if (s.util + n <= s.capacity) {
      s.util += n;
      s.jobs.push_back(pos);
      if (file_by_free(s, sid, n, pos)) return true;
      group(n).push_back(sid);
      sort_group(n);
      return true;
    }
    other.push_back(sid);
  }
  const int need = (n + gpn_ - 1) / gpn_;
  if (need > static_cast<int>(free_.size())) return false;
  Set s;
  s.capacity = need * gpn_;
  s.num_gpus = n;
  s.util = n;
  s.jobs.push_back(pos);
  s.nodes.assign(free_.begin(), free_.begin() + need);
  free_.erase(free_.begin(), free_.begin() + need);
  sets_.push_back(std::move(s));
  const int sid = static_cast<int>(sets_.size()) - 1;
  if (!file_by_free(sets_[sid], sid, n, pos)) {
    group(n).push_back(sid);
    sort_group(n);
  }
  return true;
}

}  // namespace clustersim::ef
