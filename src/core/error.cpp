#include "clustersim/core/error.hpp"

#include <fmt/format.h>

namespace clustersim {

InputError::InputError(std::string file, long line, const std::string& message)
    : std::runtime_error(line > 0 ? fmt::format("{}:{}: {}", file, line, message)
                                  : fmt::format("{}: {}", file, message)),
      file_(std::move(file)),
      line_(line) {}

InputError::InputError(const std::string& message) : std::runtime_error(message) {}

}  // namespace clustersim
