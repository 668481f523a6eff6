// `clustersim sweep run`: the local runner (sweep_runner.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/sweep/run_dir.hpp"
#include "sweep_runner.hpp"

namespace clustersim::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string duration_text(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600)
    return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02d}m", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
}

// Counts, the bar on a terminal (redrawn at most 10 times a second) and the lines above it.
class Display {
 public:
  Display(std::size_t total, std::size_t skipped, bool quiet)
      : tty_(::isatty(STDERR_FILENO) == 1), quiet_(quiet), total_(total), skipped_(skipped) {}

  std::size_t done = 0, failed = 0, running = 0;

  void line(const std::string& text) {
    clear();
    std::fprintf(stderr, "%s\n", text.c_str());
    draw(true);
  }
  void finished(const std::string& dir, double seconds) {
    ++done;
    if (!tty_ && !quiet_) {
      std::fprintf(stderr, "done %zu/%zu %s (%.2f s)\n", skipped_ + done + failed, total_,
                   dir.c_str(), seconds);
    }
    draw(false);
  }
  void draw(bool force) {
    if (!tty_) return;
    const double now = since(start_);
    if (!force && now - drawn_ < 0.1) return;
    drawn_ = now;
    const std::size_t finished = skipped_ + done + failed;
    const double rate = now > 0 ? static_cast<double>(done + failed) / now : 0;
    const std::size_t left = total_ - finished;
    const int width = 24;
    const int fill = total_ ? static_cast<int>(width * finished / total_) : width;
    std::string bar(static_cast<std::size_t>(fill), '=');
    if (fill < width) bar += '>' + std::string(static_cast<std::size_t>(width - fill - 1), ' ');
    std::string text = fmt::format("[{}] {}/{} done, {} running, {} failed, {:.1f} runs/s", bar,
                                   finished, total_, running, failed, rate);
    if (rate > 0 && left) text += ", ETA " + duration_text(static_cast<double>(left) / rate);
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 && text.size() >= ws.ws_col)
      text.resize(ws.ws_col - 1);
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  void clear() {
    if (tty_ && shown_) std::fputs("\r\033[K", stderr);
  }
  double elapsed() const { return since(start_); }

 private:
  bool tty_, quiet_;
  std::size_t total_, skipped_;
  Clock::time_point start_ = Clock::now();
  double drawn_ = -1;
  bool shown_ = false;
};

std::string log_tail(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);)
    all.push_back(l);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "    " + all[i] + "\n";
  return out.empty() ? "    (empty log)\n" : out;
}

struct Child {
  std::size_t point;
  Clock::time_point start;
};

class Runner {
 public:
  Runner(const sweep::Manifest& m, const LocalRunOptions& o) : m_(m), o_(o) {}
  int run();

 private:
  const sweep::Manifest& m_;
  const LocalRunOptions& o_;
  sweep::ManifestFile file_;
  std::map<pid_t, Child> children_;
  sigset_t watched_{}, old_mask_{};

  std::string dir_of(std::size_t i) const { return o_.out + "/" + m_.points[i].dir; }
  void launch(std::size_t i);
  void reap(Display& d);
  int interrupt(int sig, Display& d);
};

// Child: dies with the runner (PR_SET_PDEATHSIG, so a SIGKILLed sweep leaves no orphan writing
// results nobody waits for), default signal mask, output into log.txt, then exec of this binary.
void Runner::launch(std::size_t i) {
  const std::string dir = dir_of(i);
  sweep::prepare_run(dir, sweep::run_json_text(m_.points[i]));
  const std::string config = dir + "/run.json", log = dir + "/log.txt";
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0) ::_exit(127);
    ::dup2(null, STDIN_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    const char* argv[] = {"clustersim", "run", "--config", config.c_str(), "-q", nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  children_[pid] = {i, Clock::now()};
}

void Runner::reap(Display& d) {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    auto it = children_.find(pid);
    if (it == children_.end()) continue;
    const Child c = it->second;
    children_.erase(it);
    d.running = children_.size();
    const auto& p = m_.points[c.point];
    const std::string dir = dir_of(c.point);
    const bool ok =
        WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        sweep::check_run(dir, file_.rows[c.point].config_hash).state == sweep::RunState::kComplete;
    if (ok) {
      d.finished(p.dir, since(c.start));
      continue;
    }
    ++d.failed;
    sweep::remove_temporaries(dir);
    const std::string how = WIFEXITED(status)     ? fmt::format("exit {}", WEXITSTATUS(status))
                            : WIFSIGNALED(status) ? fmt::format("signal {}", WTERMSIG(status))
                                                  : "stopped";
    d.line(fmt::format("FAILED {} ({}), {}/log.txt:\n{}", p.dir, how, dir,
                       log_tail(dir + "/log.txt", 20)));
  }
}

// Kills the children (SIGTERM, SIGKILL after 2 s), waits for them and removes what they left
// half-written. A run's own outputs are renamed into place, so only temporaries can be left.
int Runner::interrupt(int sig, Display& d) {
  d.clear();
  for (auto& [pid, c] : children_)
    ::kill(pid, SIGTERM);
  const auto t0 = Clock::now();
  timespec tick{0, 50'000'000};
  while (!children_.empty()) {
    if (since(t0) > 2) {
      for (auto& [pid, c] : children_)
        ::kill(pid, SIGKILL);
    }
    ::sigtimedwait(&watched_, nullptr, &tick);
    int status;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = children_.find(pid);
      if (it == children_.end()) continue;
      sweep::remove_temporaries(dir_of(it->second.point));
      children_.erase(it);
    }
  }
  std::fprintf(stderr,
               "sweep: interrupted by %s after %zu runs done, %zu failed; run the same command "
               "again to resume\n",
               ::strsignal(sig), d.done, d.failed);
  return 128 + sig;
}

int Runner::run() {
  fs::create_directories(o_.out);
  sweep::SweepLock lock(o_.out);
  file_ = sweep::manifest_file(m_);
  sweep::write_manifest(o_.out, file_);
  std::vector<std::size_t> pending;
  std::vector<std::string> reruns;
  for (std::size_t i = 0; i < m_.points.size(); ++i) {
    auto c = sweep::check_run(dir_of(i), file_.rows[i].config_hash);
    if (c.state == sweep::RunState::kComplete) continue;
    pending.push_back(i);
    if (c.state == sweep::RunState::kIncomplete)
      reruns.push_back(fmt::format("rerun {}: {}", m_.points[i].dir, c.reason));
  }
  const std::size_t skipped = m_.points.size() - pending.size();
  for (std::size_t k = 0; k < reruns.size() && k < 10; ++k)
    std::fprintf(stderr, "%s\n", reruns[k].c_str());
  if (reruns.size() > 10) std::fprintf(stderr, "... and %zu more reruns\n", reruns.size() - 10);
  std::fprintf(stderr, "sweep: %zu runs, %zu complete, %zu to run on %d processes\n",
               m_.points.size(), skipped, pending.size(), o_.jobs);

  sigemptyset(&watched_);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP})
    sigaddset(&watched_, s);
  ::sigprocmask(SIG_BLOCK, &watched_, &old_mask_);
  Display d(m_.points.size(), skipped, o_.quiet);
  std::size_t next = 0;
  int stop = 0;
  timespec tick{0, 100'000'000};
  while (true) {
    while (!stop && children_.size() < static_cast<std::size_t>(o_.jobs) && next < pending.size())
      launch(pending[next++]);
    d.running = children_.size();
    d.draw(false);
    if (children_.empty() || stop) break;
    const int sig = ::sigtimedwait(&watched_, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) stop = sig;
    reap(d);
  }
  int code = stop ? interrupt(stop, d) : 0;
  ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  if (stop) return code;
  d.draw(true);
  d.clear();
  const double wall = d.elapsed();
  std::fprintf(stderr, "sweep: %zu runs: %zu were complete, %zu done, %zu failed (%.2f s%s)\n",
               m_.points.size(), skipped, d.done, d.failed, wall,
               d.done ? fmt::format(", {:.1f} runs/s", d.done / wall).c_str() : "");
  if (d.failed) {
    std::fprintf(stderr,
                 "sweep: summary.csv not written: %zu runs failed (see their log.txt above); "
                 "fix them and run the same command again (complete runs are kept)\n",
                 d.failed);
    return static_cast<int>(std::min<std::size_t>(d.failed, 125));
  }
  if (o_.merge) {
    auto r = sweep::merge(o_.out, false);
    if (!r.written) {  // a result changed under us (another process in the folder)
      std::fprintf(stderr, "sweep: summary.csv not written: %zu runs are incomplete now\n",
                   r.incomplete.size());
      return 1;
    }
    std::fprintf(stderr, "sweep: wrote %s/summary.csv (%zu runs)\n", o_.out.c_str(), r.merged);
  }
  return 0;
}

}  // namespace

int run_sweep_locally(const sweep::Manifest& manifest, const LocalRunOptions& options) {
  return Runner(manifest, options).run();
}

}  // namespace clustersim::cli
