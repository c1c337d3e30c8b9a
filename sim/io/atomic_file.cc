#include "sim/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/io/run_journal.h"

namespace offloadsim::sim {

AtomicFile::AtomicFile(std::filesystem::path final_path)
    : final_(std::move(final_path)),
      temp_(final_.string() + ".partial-" + std::to_string(::getpid())),
      out_(temp_, std::ios::binary | std::ios::trunc) {
  if (!out_) {
    throw std::runtime_error("cannot create " + temp_.string() + ": " + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  const int write_errno = errno;  // the failed write's reason (ENOSPC on a full disk)
  out_.close();
  const int close_errno = errno;
  if (!ok || out_.fail()) {
    const int err = !ok ? write_errno : close_errno;
    throw std::runtime_error(fmt::format("cannot write {}: {}", final_.string(),
                                         err != 0 ? std::strerror(err) : "the write failed, reason unknown"));
  }
  RunJournal::note(final_);  // before it appears: a run killed right after the rename still knows it
  std::error_code ec;
  std::filesystem::rename(temp_, final_, ec);
  if (ec) throw std::runtime_error("cannot rename " + temp_.string() + " to " + final_.string() + ": " + ec.message());
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  AtomicFile f(path);
  f.stream() << content;
  f.commit();
}

}  // namespace offloadsim::sim
