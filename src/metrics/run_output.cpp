#include "clustersim/metrics/run_output.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim {

namespace {
std::string reason() {
  return std::generic_category().message(errno);
}
}  // namespace

CsvStream::CsvStream(std::string path, std::string tmp_path, const std::string& header)
    : path_(std::move(path)), tmp_(std::move(tmp_path)) {
  if (!tmp_.empty()) {
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_) throw InputError(path_, 0, "cannot create output file: " + reason());
    buffer_.resize(1 << 20);
    std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
  }
  row(header);
}

CsvStream::~CsvStream() {
  if (f_) std::fclose(f_);
}

void CsvStream::row(const std::string& line) {
  if (!f_) {
    if (tmp_.empty()) text_ += line + "\n";
    return;
  }
  std::fwrite(line.data(), 1, line.size(), f_);
  std::fputc('\n', f_);
}

void CsvStream::close() {
  if (!f_) return;
  const bool ok = std::fflush(f_) == 0 && !std::ferror(f_);
  std::fclose(f_);
  f_ = nullptr;
  if (!ok) throw InputError(path_, 0, "cannot write output file");
}

RunOutput::RunOutput(std::string dir) : dir_(std::move(dir)) {}

RunOutput::RunOutput(RunOutput&&) noexcept = default;
RunOutput& RunOutput::operator=(RunOutput&&) noexcept = default;

RunOutput::~RunOutput() {
  if (committed_) return;
  for (auto& [name, s] : streams_) {
    if (!s || s->tmp_path().empty()) continue;
    s->close();  // never throws here: only a flush error would, and the file goes anyway
    std::remove(s->tmp_path().c_str());
  }
}

void RunOutput::add_metric(const std::string& key, nlohmann::json value) {
  if (summary.contains(key)) throw InvariantError("summary key written twice: " + key);
  summary[key] = std::move(value);
}

void RunOutput::add_file(const std::string& name, std::string content) {
  if (files_.count(name)) throw InvariantError("output file added twice: " + name);
  files_[name] = std::move(content);
}

void RunOutput::make_dir() const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw InputError(dir_, 0, "cannot create output folder: " + ec.message());
}

namespace {

// Temporaries `NAME.tmp.PID` of runs that were killed (no process PID any more); a run that is
// still writing into the same folder keeps its own.
void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto at = name.rfind(".tmp.");
    if (at == std::string::npos) continue;
    const auto pid = parse_int(name.substr(at + 5));
    if (!pid || *pid <= 0 || *pid > INT32_MAX || *pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(*pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    std::filesystem::remove(it->path(), ignored);
  }
}

}  // namespace

CsvStream& RunOutput::stream(const std::string& name, const std::string& header) {
  std::string path, tmp;
  if (!dir_.empty()) {
    make_dir();
    path = dir_ + "/" + name;
    tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  }
  streams_.emplace_back(name, std::make_unique<CsvStream>(path, tmp, header));
  return *streams_.back().second;
}

bool RunOutput::has_file(const std::string& name) const {
  if (files_.count(name)) return true;
  for (auto& [n, s] : streams_)
    if (n == name) return true;
  return false;
}

std::string RunOutput::file(const std::string& name) const {
  if (auto it = files_.find(name); it != files_.end()) return it->second;
  for (auto& [n, s] : streams_)
    if (n == name) return s->text();
  throw InvariantError("no output file " + name);
}

void RunOutput::commit() {
  if (dir_.empty()) {
    committed_ = true;
    return;
  }
  make_dir();
  remove_stale_temporaries(dir_);
  for (auto& [name, s] : streams_)
    s->close();
  // Every temporary is complete before anything is renamed; the old summary.json goes first and
  // the new one comes last, so a folder with a summary.json always holds one complete result.
  std::vector<std::pair<std::string, std::string>> renames;  // (tmp, final)
  for (auto& [name, s] : streams_)
    renames.emplace_back(s->tmp_path(), s->path());
  files_["summary.json"] = summary.dump(2) + "\n";
  auto write_tmp = [&](const std::string& name) {
    const std::string path = dir_ + "/" + name;
    const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw InputError(path, 0, "cannot create output file: " + reason());
    const std::string& content = files_[name];
    const bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    if (std::fclose(f) != 0 || !written) {
      std::remove(tmp.c_str());
      throw InputError(path, 0, "cannot write output file");
    }
    renames.emplace_back(tmp, path);
  };
  try {
    for (auto& [name, content] : files_)
      if (name != "summary.json") write_tmp(name);
    write_tmp("summary.json");
  } catch (...) {
    for (std::size_t i = streams_.size(); i < renames.size(); ++i)
      std::remove(renames[i].first.c_str());
    throw;
  }
  std::remove((dir_ + "/summary.json").c_str());
  committed_ = true;
  for (std::size_t i = 0; i < renames.size(); ++i) {
    if (std::rename(renames[i].first.c_str(), renames[i].second.c_str()) != 0) {
      const std::string why = reason();
      for (std::size_t j = i; j < renames.size(); ++j)
        std::remove(renames[j].first.c_str());
      throw InputError(renames[i].second, 0,
                       "cannot rename temporary output file into place: " + why);
    }
  }
}

}  // namespace clustersim
