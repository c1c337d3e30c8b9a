// Child processes of a run (live mode's cloud and robots): started with posix_spawn in their own
// process group (a Ctrl-C reaches only the parent, which stops each child once), their output into
// a log file, and told to end with the parent (stop_with_parent, called by the child).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace offloadsim::sim {

class ChildProcess {
 public:
  // Starts args[0] (an absolute path) with args; stdout and stderr go to `log` (created).
  static ChildProcess start(const std::vector<std::string>& args, const std::string& log);
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), status_(o.status_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  // Kills (SIGKILL) and reaps a child still running: no orphan outlives its parent.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // The exit status once the child has ended (non-blocking): the exit code, or 128 + signal.
  std::optional<int> poll();
  // Waits at most `seconds`; nullopt if it is still running then.
  std::optional<int> wait_for(double seconds);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The executable of this process (/proc/self/exe).
std::string self_executable();

// In a child started by ChildProcess: end (SIGTERM) when the parent ends, even by SIGKILL.
void stop_with_parent();

}  // namespace offloadsim::sim
