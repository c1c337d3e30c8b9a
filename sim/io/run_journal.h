// What a run has put under final names, written down as it goes, so that a run that does not finish
// (an error, Ctrl-C during figures, a full disk, even a kill) leaves no result under a final name.
//
// A run into a directory opens a journal there (".offloadsim-unfinished"): every file about to be
// renamed into its final name — by AtomicFile, or by a figure script, told through the environment
// variable OFFLOADSIM_RUN_JOURNAL — is appended to it first ("w <path>"; "k <path>" for what the run
// keeps on purpose). A run that finishes deletes the journal;
// one that fails removes every file the journal lists. A run killed outright leaves the journal, and
// the next run into the directory removes what it lists before writing anything. If the unfinished
// run overwrote a file of an earlier, finished run, that run's remaining results no longer form a
// whole: they are removed with their provenance.json.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace offloadsim::sim {

class RunJournal {
 public:
  // Call while holding the directory's lock. `removed` receives the names of what an earlier
  // unfinished run left (removed now).
  RunJournal(std::filesystem::path dir, std::vector<std::string>* removed);
  // Not finished: removes what the run wrote (see above).
  ~RunJournal();
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;

  // The run is complete: its files stay and the journal goes.
  void finish();

  // Notes a file about to appear under `final_path`, in every open journal whose directory holds it
  // (a run inside another run's directory writes into both). No journal open: nothing happens.
  static void note(const std::filesystem::path& final_path);
  // Notes a file or folder the run leaves on purpose even when it fails (rl-train's checkpoint/,
  // for --resume): it is never removed as the run's, nor as an earlier run's.
  static void keep(const std::filesystem::path& path);

  static constexpr const char* kFileName = ".offloadsim-unfinished";
  static constexpr const char* kEnvironment = "OFFLOADSIM_RUN_JOURNAL";

 private:
  std::filesystem::path dir_, path_;
  std::string previous_env_;
  bool had_env_ = false;
  bool finished_ = false;
};

// Removes what the journal at `dir`/RunJournal::kFileName lists, and the journal; returns the names
// removed (relative to `dir`). No journal: nothing. Used by RunJournal; public for the sweep's points.
std::vector<std::string> clean_unfinished_run(const std::filesystem::path& dir);

}  // namespace offloadsim::sim
