#include "sim/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

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
  out_.close();
  if (!ok || out_.fail()) throw std::runtime_error("write failed: " + temp_.string());
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
