// The MP4 transfer rules of Group 09 (CS423 Spring 2015, adaptor.py; research/loadbalancing.md
// 2.3), shared by the sender, receiver and symmetric migration policies. Node `self`, on
// receiving `peer`'s queue length q_p (stale), with its own exact q_s:
//   sender   (MAX): if q_s > MAX and q_p < MAX: send min(q_s - MAX, MAX - q_p)
//   receiver (MIN): if q_p < MIN and q_s > MIN: send min(q_s - MIN, MIN - q_p)
// The receiver rule is evaluated by the loaded node when it sees the peer below MIN (a push, as
// MP4 implements it), not by the underloaded node asking (Eager et al.'s pull).
#pragma once

#include <algorithm>

namespace clustersim::balancing::mp4 {

inline int sender_rule(int q_self, int q_peer, int max) {
  return q_self > max && q_peer < max ? std::min(q_self - max, max - q_peer) : 0;
}

inline int receiver_rule(int q_self, int q_peer, int min) {
  return q_peer < min && q_self > min ? std::min(q_self - min, min - q_peer) : 0;
}

}  // namespace clustersim::balancing::mp4
