// Figures are drawn by the Python scripts in analysis/, from a result directory's CSVs alone.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace offloadsim::sim {

// Runs analysis/<script> on `dir` (then `options`, for the script's own flags); throws (saying the
// CSVs are complete) if it fails.
void draw_figures(const std::string& script, const std::filesystem::path& dir,
                  const std::vector<std::string>& options = {});

}  // namespace offloadsim::sim
