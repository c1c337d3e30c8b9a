// Helpers shared by the runner tests: read a result file, write a scenario into the test's
// temporary directory, and run a scenario file into a fresh result directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/io/interrupt.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim::fixtures {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `text` to <TempDir>/<name> and returns the path.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// Runs `file` (with --set style `sets`) into `dir` as it is, quietly and without figures; returns
// what the run printed.
inline std::string run_in_place(const std::string& file, const std::filesystem::path& dir,
                                const std::vector<std::string>& sets = {}) {
  const Scenario sc = load_scenario(file, sets);
  RunOptions opt;
  opt.out_dir = dir;
  opt.progress = false;
  opt.figures = false;
  std::ostringstream log;
  reset_interrupt();
  run_scenario(sc, opt, log);
  return log.str();
}

// Runs `file` into a fresh <TempDir>/<out>.
inline std::filesystem::path run_into(const std::string& file, const std::string& out,
                                      const std::vector<std::string>& sets = {}) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / out;
  std::filesystem::remove_all(dir);
  run_in_place(file, dir, sets);
  return dir;
}

}  // namespace offloadsim::sim::fixtures
