// libFuzzer entry point of one target: the reader registered by the one targets/<name>.cpp
// linked in. Only InputError is an acceptable way to refuse input; anything else aborts, which
// libFuzzer records as a crash (with the exception's message on stderr).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto& reader = [] {
    const auto& all = clustersim::fuzz::readers();
    if (all.size() != 1) {
      std::fprintf(stderr, "a fuzz target must register exactly one reader (%zu)\n", all.size());
      std::abort();
    }
    return all.front();
  }();
  try {
    clustersim::fuzz::feed(reader, {reinterpret_cast<const char*>(data), size});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: not an InputError: %s\n", reader.name.c_str(), e.what());
    std::abort();
  }
  return 0;
}
