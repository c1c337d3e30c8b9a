// What the fuzz targets share: each input is written to a file (the loaders read files), in a
// private directory beside links to the shipped scenarios and their data, so that a mutated
// scenario's relative paths (`data/...`, a sweep's `base: quickstart.yaml`) resolve as they do in
// scenarios/ and the fuzzer reaches past "file not found".
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace offloadsim::fuzz {

inline std::filesystem::path input_dir() {
  static const std::filesystem::path dir = [] {
    namespace fs = std::filesystem;
    const fs::path d = fs::temp_directory_path() / ("offloadsim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    const fs::path scenarios = fs::path(OFFLOADSIM_SOURCE_DIR) / "scenarios";
    for (const auto& e : fs::directory_iterator(scenarios)) {
      std::error_code ec;
      fs::create_symlink(e.path(), d / e.path().filename(), ec);
    }
    return d;
  }();
  return dir;
}

// Writes the input to "<input_dir>/input.<ext>" and returns that path.
inline std::string write_input(const std::uint8_t* data, std::size_t size, const std::string& ext) {
  const std::string path = (input_dir() / ("input." + ext)).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace offloadsim::fuzz
