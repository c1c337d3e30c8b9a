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

// Runs `file` (with --set style `sets`) into <TempDir>/<out>, quietly and without figures.
inline std::filesystem::path run_into(const std::string& file, const std::string& out,
                                      const std::vector<std::string>& sets = {}) {
  const Scenario sc = load_scenario(file, sets);
  RunOptions opt;
  opt.out_dir = std::filesystem::path(::testing::TempDir()) / out;
  std::filesystem::remove_all(opt.out_dir);
  opt.progress = false;
  opt.figures = false;
  std::ostringstream log;
  reset_interrupt();
  run_scenario(sc, opt, log);
  return opt.out_dir;
}

}  // namespace offloadsim::sim::fixtures
