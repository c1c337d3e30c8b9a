#include "sim/runners/figures.h"

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace offloadsim::sim {

void draw_figures(const std::string& script, const std::filesystem::path& dir) {
  const std::filesystem::path path = std::filesystem::path(OFFLOADSIM_SOURCE_DIR) / "analysis" / script;
  const std::string cmd = fmt::format("'{}' '{}' '{}'", OFFLOADSIM_PYTHON, path.string(), dir.string());
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    throw std::runtime_error(fmt::format(
        "drawing figures failed ({} exited with status {}); the CSVs in {} are complete", script, rc, dir.string()));
  }
}

}  // namespace offloadsim::sim
