#include "sim/io/run_journal.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>

#include "sim/io/provenance.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

std::mutex g_mutex;
std::vector<fs::path> g_open;  // the directories of the open journals, outermost first

// `path` relative to `dir` when it lies inside it; empty otherwise.
fs::path inside(const fs::path& dir, const fs::path& path) {
  const fs::path rel = fs::absolute(path).lexically_normal().lexically_relative(dir);
  if (rel.empty() || rel.is_absolute() || *rel.begin() == ".." || *rel.begin() == ".") return {};
  return rel;
}

bool remove_entry(const fs::path& target) {
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(target, ec))) return fs::remove_all(target, ec) > 0;
  return fs::remove(target, ec);
}

// The first component of a relative name ("opencv/summary.csv" → "opencv").
std::string top(const fs::path& rel) {
  return rel.begin() == rel.end() ? std::string() : rel.begin()->string();
}

// Whether one relative path lies within the other (or they are the same); "checkpoint/" and
// "checkpoint" are the same.
bool nested(const fs::path& a, const fs::path& b) {
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (ia->empty() || ib->empty()) break;  // a trailing separator
    if (*ia != *ib) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> clean_unfinished_run(const fs::path& dir_in) {
  const fs::path dir = fs::absolute(dir_in).lexically_normal();
  std::vector<std::string> removed;
  std::ifstream in(dir / RunJournal::kFileName);
  if (!in) return removed;
  std::vector<fs::path> written, kept;  // kept: left on purpose, with all they hold
  std::set<std::string> tops;            // the top-level names written
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 3 || (line[0] != 'w' && line[0] != 'k') || line[1] != ' ') continue;
    const fs::path rel = inside(dir, line.substr(2));
    if (rel.empty()) continue;  // never anything outside the directory
    if (line[0] == 'w') {
      written.push_back(rel);
      tops.insert(top(rel));
    } else {
      kept.push_back(rel);
    }
  }
  in.close();
  // Nothing that holds, or lies within, a kept path is removed.
  const auto is_kept = [&](const fs::path& rel) {
    return std::any_of(kept.begin(), kept.end(), [&](const fs::path& k) { return nested(rel, k); });
  };
  for (const fs::path& rel : written) {
    if (!is_kept(rel) && remove_entry(dir / rel)) removed.push_back(rel.string());
  }
  // An earlier finished run whose files were overwritten is no longer whole: its remaining files go.
  const std::vector<std::string> old = provenance_outputs(dir);
  const bool overlap =
      std::any_of(old.begin(), old.end(), [&](const std::string& n) { return tops.count(top(fs::path(n))) > 0; });
  if (overlap) {
    for (const std::string& name : old) {
      const fs::path rel = inside(dir, dir / name);
      if (!rel.empty() && !is_kept(rel) && remove_entry(dir / rel)) removed.push_back(rel.string());
    }
    if (remove_entry(dir / "provenance.json")) removed.push_back("provenance.json");
  }
  std::error_code ec;
  fs::remove(dir / RunJournal::kFileName, ec);
  return removed;
}

RunJournal::RunJournal(fs::path dir, std::vector<std::string>* removed)
    : dir_(fs::absolute(dir).lexically_normal()), path_(dir_ / kFileName) {
  std::vector<std::string> gone = clean_unfinished_run(dir_);
  if (removed != nullptr) *removed = std::move(gone);
  std::ofstream(path_, std::ios::trunc);  // an empty journal: this run has written nothing yet
  if (const char* env = std::getenv(kEnvironment)) {
    had_env_ = true;
    previous_env_ = env;
  }
  ::setenv(kEnvironment, path_.c_str(), 1);
  const std::lock_guard<std::mutex> lock(g_mutex);
  g_open.push_back(dir_);
}

RunJournal::~RunJournal() {
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_open.erase(std::find(g_open.begin(), g_open.end(), dir_));
  }
  if (had_env_) {
    ::setenv(kEnvironment, previous_env_.c_str(), 1);
  } else {
    ::unsetenv(kEnvironment);
  }
  if (!finished_) clean_unfinished_run(dir_);
}

void RunJournal::finish() {
  finished_ = true;
  std::error_code ec;
  fs::remove(path_, ec);
}

namespace {
void append(char tag, const fs::path& path) {
  const std::string line = std::string(1, tag) + ' ' + fs::absolute(path).lexically_normal().string() + '\n';
  const std::lock_guard<std::mutex> lock(g_mutex);
  bool noted = false;
  for (const fs::path& dir : g_open) {
    if (inside(dir, path).empty()) continue;
    std::ofstream(dir / RunJournal::kFileName, std::ios::app) << line;
    noted = true;
  }
  // A process a run started (a live robot, the cloud) writes into the run's directory too: it
  // inherits the journal through the environment.
  const char* env = std::getenv(RunJournal::kEnvironment);
  if (!noted && env != nullptr && *env != '\0') {
    const fs::path journal = fs::absolute(env).lexically_normal();
    std::error_code ec;
    if (journal.filename() == RunJournal::kFileName && fs::exists(journal, ec) &&
        !inside(journal.parent_path(), path).empty()) {
      std::ofstream(journal, std::ios::app) << line;
    }
  }
}
}  // namespace

void RunJournal::note(const fs::path& final_path) {
  append('w', final_path);
}

void RunJournal::keep(const fs::path& path) {
  append('k', path);
}

}  // namespace offloadsim::sim
