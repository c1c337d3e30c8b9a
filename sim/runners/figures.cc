#include "sim/runners/figures.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"

extern char** environ;

namespace offloadsim::sim {

void draw_figures(const std::string& script, const std::filesystem::path& dir,
                  const std::vector<std::string>& options) {
  const std::filesystem::path path = std::filesystem::path(OFFLOADSIM_SOURCE_DIR) / "analysis" / script;
  std::vector<std::string> args = {OFFLOADSIM_PYTHON, path.string(), dir.string()};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The script gets its own process group: a Ctrl-C at the terminal reaches offloadsim alone, which
  // stops the script itself (SIGTERM) and cleans up after it, so no Python traceback is printed.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, args[0].c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    throw std::runtime_error(
        fmt::format("drawing figures failed (cannot start {}: {}); the run did not finish, so its "
                    "files in {} are removed: run it again with --no-figures to keep the tables",
                    args[0], std::strerror(spawned), dir.string()));
  }
  int status = 0;
  bool stopped = false;
  while (true) {
    if (interrupt_requested() && !stopped) {
      ::kill(pid, SIGTERM);
      stopped = true;
    }
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      throw std::runtime_error(fmt::format("drawing figures failed (waitpid: {})", std::strerror(errno)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  remove_partial_files(dir, fmt::format(".partial-{}", pid));  // what a stopped script left
  if (stopped) throw Interrupted();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                                              : fmt::format("was killed by signal {}", WTERMSIG(status));
    throw std::runtime_error(fmt::format(
        "drawing figures failed ({} {}); the run did not finish, so its files in {} are removed: run it again with "
        "--no-figures to keep the tables",
        script, how, dir.string()));
  }
}

}  // namespace offloadsim::sim
