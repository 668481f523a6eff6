// Result files and statistics. Every file is written to a temporary name in the same folder and
// renamed, so a killed run never leaves a half-written file.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim {

/// Writes `content` to `path` via `path.tmp.<pid>` and rename(2). Throws InputError on failure.
void write_file_atomically(const std::string& path, const std::string& content);
/// Writes several files as one unit: every temporary file is written first, and only when all
/// succeeded are they renamed into place (in the given order), so a failure leaves every earlier
/// file as it was. Throws InputError on failure.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

/// Seconds with up to 6 decimals and no trailing zeros ("12", "12.5", "0.000001").
std::string format_seconds(SimTime t);

/// 64-bit FNV-1a of a file's bytes, as 16 hex digits (the input hash in summary.json).
std::string file_hash(const std::string& path);

/// Statistics of a sample; the percentile convention is the artifacts': element int(q·n) of the
/// ascending list (so p99 of 60 values is element 59).
double mean(const std::vector<double>& v);
double median(std::vector<double> v);
double percentile_index(std::vector<double> v, double q);

}  // namespace clustersim
