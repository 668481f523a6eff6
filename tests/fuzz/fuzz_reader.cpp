#include "fuzz_reader.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "clustersim/core/error.hpp"

namespace clustersim::fuzz {

namespace fs = std::filesystem;

namespace {

// A private folder per process, on tmpfs when there is one (a fuzzer writes a file per input).
class Scratch {
 public:
  Scratch() {
    std::string base = fs::exists("/dev/shm") ? "/dev/shm" : fs::temp_directory_path().string();
    std::string tmpl = base + "/clustersim-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a scratch folder");
    dir_ = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

}  // namespace

std::vector<Reader>& readers() {
  static std::vector<Reader> list;
  return list;
}

bool add_reader(Reader reader) {
  readers().push_back(std::move(reader));
  return true;
}

const Reader* find_reader(const std::string& name) {
  for (const auto& r : readers())
    if (r.name == name) return &r;
  return nullptr;
}

bool feed(const Reader& reader, std::string_view bytes) {
  static const Scratch scratch;
  const fs::path path = scratch.dir() / reader.name / reader.file_name;
  fs::create_directories(path.parent_path());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
    throw std::runtime_error("cannot write the fuzz input to " + path.string());
  try {
    reader.read(path.string());
    return true;
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace clustersim::fuzz
