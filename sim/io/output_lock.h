// One writer per result directory. A run (or a sweep, or a collect) takes an exclusive lock on
// "<dir>/.offloadsim.lock" before it writes anything there and holds it until the process ends; a
// second run into the same directory is refused with the first one's pid instead of mixing its
// files with the first one's. The lock is flock(2): the kernel releases it when the holder dies,
// however it dies, so a killed run never leaves the directory locked.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace offloadsim::sim {

class DirectoryLock {
 public:
  // Creates `dir` if needed and locks it. Throws base::InputError naming the directory (and the
  // holder's pid) if another process holds the lock, or if the directory cannot be used.
  // `flag` names the option that chose the directory, for the message (e.g. "--out").
  DirectoryLock(const std::filesystem::path& dir, const std::string& flag);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  static constexpr const char* kFileName = ".offloadsim.lock";

 private:
  int fd_ = -1;
};

// Removes every file or directory directly inside `dir` whose name contains `tag`: by default what
// interrupted or killed writers left behind (AtomicFile's "<name>.partial-<pid>", the figure
// scripts' and checkpoints' temporaries) — call it so only while holding the directory's lock,
// when no writer can be at work there — or one stopped writer's (".partial-<its pid>").
// Returns the names removed.
std::vector<std::string> remove_partial_files(const std::filesystem::path& dir, const std::string& tag = ".partial");

}  // namespace offloadsim::sim
