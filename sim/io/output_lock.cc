#include "sim/io/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "base/input_error.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

DirectoryLock::DirectoryLock(const fs::path& dir, const std::string& flag) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    throw base::InputError(dir.string(), 0, "",
                           fmt::format("cannot be used as the result directory ({}): {}", flag,
                                       ec ? ec.message() : std::string("a file of that name exists")));
  }
  const fs::path file = dir / kFileName;
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw base::InputError(dir.string(), 0, "",
                           fmt::format("cannot be used as the result directory ({}): cannot open {}: {}", flag,
                                       file.string(), std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    const std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      const std::string pid = holder.substr(0, holder.find_first_not_of("0123456789"));
      throw base::InputError(dir.string(), 0, "",
                             fmt::format("is in use by another offloadsim run{}; wait until it ends, or choose "
                                         "another directory with {}",
                                         pid.empty() ? "" : " (pid " + pid + ")", flag));
    }
    throw base::InputError(dir.string(), 0, "", fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)));
  }
  // The holder's pid, for the message a second run prints. The lock, not this text, is what counts.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

std::vector<std::string> remove_partial_files(const fs::path& dir, const std::string& tag) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find(tag) == std::string::npos) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
    if (!rm) removed.push_back(name);
  }
  return removed;
}

}  // namespace offloadsim::sim
