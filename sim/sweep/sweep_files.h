// What the parts of sweep_runner (manifest, local backend, Slurm backend, collect) share inside
// sim/sweep. Internal: nothing outside this folder includes it.
#pragma once

#include <filesystem>
#include <string>

namespace offloadsim::sim::sweep_files {

// This host's name ("unknown-host" if it has none): .running entries and failure notes carry it.
std::string host_name();
// A CSV cell, quoted when it holds a comma, quote or line break (swept list values do).
std::string csv_cell(const std::string& s);
// A file's whole content ("" if it cannot be read).
std::string read_text(const std::filesystem::path& p);

}  // namespace offloadsim::sim::sweep_files
