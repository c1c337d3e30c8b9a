// A file that appears under its final name only when complete: it is written to
// "<name>.partial-<pid>" and renamed on commit(). If the writer fails, throws or is
// interrupted before commit(), the partial file is removed and the final name is untouched.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace offloadsim::sim {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  // Flushes, checks every write succeeded, and renames into place. Throws on failure.
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace offloadsim::sim
