#include <fmt/format.h>

#include "clustersim/training/overhead.hpp"
#include "clustersim/training/placement.hpp"
#include "clustersim/training/policy.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

template <typename R>
void print_registry(const char* title, const R& registry) {
  fmt::print("{}:\n", title);
  for (const auto* e : registry.entries())
    fmt::print("  {:<22}{}\n", e->name, e->description);
}

const bool registered = register_command(20, [](CLI::App& root) {
  auto* cmd =
      root.add_subcommand("list", "List policies, trace formats, placements and overhead models");
  cmd->callback([] {
    print_registry("training policies", training_policies());
    print_registry("trace formats", trace_formats());
    print_registry("placement schemes (--set placement=NAME)", placement_schemes());
    print_registry("overhead models (--set overhead=NAME)", overhead_models());
  });
});

}  // namespace
}  // namespace clustersim::cli
