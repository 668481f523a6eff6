#include <fmt/format.h>

#include "rate_progress.hpp"

namespace clustersim {

Registry<ProgressKind>& progress_models() {
  static Registry<ProgressKind> registry("progress model", "training");
  return registry;
}

namespace {

const bool registered = [] {
  progress_models().add(
      "rate", "work at the throughput model's rate, none during the overhead model's window",
      {[](ProgressHost& host, const Params&) { return std::make_unique<RateProgress>(host); }});
  return true;
}();

}  // namespace
}  // namespace clustersim
