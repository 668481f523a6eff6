// Simulated time: an integer count of microseconds. Inputs in seconds or milliseconds are
// converted once, at the reader; nothing in the simulator keeps a floating-point clock.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace clustersim {

using SimTime = std::int64_t;  ///< microseconds since the trace's time origin

inline constexpr SimTime kMicrosecond = 1;
inline constexpr SimTime kMillisecond = 1'000;
inline constexpr SimTime kSecond = 1'000'000;
inline constexpr SimTime kForever = std::numeric_limits<SimTime>::max();
/// Largest input time in seconds that still converts exactly (about 292,000 years).
inline constexpr double kMaxInputSeconds = 9.2e12;

inline constexpr SimTime seconds(std::int64_t s) {
  return s * kSecond;
}
inline constexpr double to_seconds(SimTime t) {
  return static_cast<double>(t) / kSecond;
}
/// Rounds to the nearest microsecond; callers validate the range first.
inline SimTime from_seconds(double s) {
  return static_cast<SimTime>(std::llround(s * kSecond));
}
/// Smallest whole microsecond count >= s seconds (tolerates 1 ns of rounding noise).
inline SimTime ceil_seconds(double s) {
  return static_cast<SimTime>(std::ceil(s * static_cast<double>(kSecond) - 1e-3));
}

}  // namespace clustersim
