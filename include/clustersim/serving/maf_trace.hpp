// Azure Functions 2019 invocation counts ("MAF", Shahrad et al., ATC'20), one day per file:
//   HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
// one row per function, 1440 invocation counts per minute. Clockwork's workloads use only the
// counts (research/clockwork.md 2.1). The reader keeps the first `keep_minutes` minutes of every
// row (a 10-minute replay needs 1.9 MB instead of 267 MB) and the daily total of all 1440.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clustersim::serving {

inline constexpr int kMafMinutes = 1440;

struct MafFunction {
  std::string owner, app, function, trigger;
  std::uint64_t total = 0;            ///< invocations over the whole day
  std::vector<std::uint32_t> counts;  ///< invocations in minutes 0 .. minutes_kept-1
};

struct MafTrace {
  std::string source;  ///< file path, or "generated: ..." for the generator
  int minutes_kept = kMafMinutes;
  std::vector<MafFunction> functions;  ///< file order
};

/// Reads one day. Bad input (a header other than the format's, a row without exactly 1444
/// columns, a count that is not an integer >= 0 or does not fit 32 bits) stops with
/// `file:line: what is wrong`.
MafTrace read_maf_trace(const std::string& path, int keep_minutes = kMafMinutes);

/// The file content of a whole day (all 1440 minutes must be kept).
std::string maf_csv(const MafTrace& trace);

/// Function indexes by daily total, largest first, as Clockwork's reader orders them
/// (azure.h: ascending sort of (total, index) pairs, then reversed: ties put the later row first).
std::vector<std::size_t> maf_order_by_total(const MafTrace& trace);

}  // namespace clustersim::serving
