#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario.h"

// One YAML document read from a file, within the size limit, refused when the file holds two.

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

// The line where a second YAML document starts in `file`, or 0: a "---" marker at the start of a
// line after content, or content after a "..." end marker. (A "---" before any content only opens
// the first document; comments, blank lines and "%" directives are not content.)
int second_document_line(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  bool content = false, ended = false;
  auto marker = [](const std::string& l, const char* m) {
    return l.compare(0, 3, m) == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
  };
  for (int n = 1; std::getline(in, line); ++n) {
    if (marker(line, "---")) {
      if (content || ended) return n;
      continue;
    }
    if (marker(line, "...")) {
      ended = true;
      continue;
    }
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#' || (!content && line[0] == '%')) continue;
    if (ended) return n;
    content = true;
  }
  return 0;
}

}  // namespace

YAML::Node load_yaml_document(const std::string& file, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw ScenarioError(file, 0, "", "is a directory, not a " + what);
  if (!fs::is_regular_file(file, ec)) throw ScenarioError(file, 0, "", what + " not found");
  if (const std::uintmax_t size = fs::file_size(file, ec); !ec && size > kMaxYamlFileBytes) {
    throw ScenarioError(
        file, 0, "", fmt::format("is {} bytes; a {} may be at most {} bytes (1 MiB)", size, what, kMaxYamlFileBytes));
  }
  // A second document is found in the text: yaml-cpp 0.7's LoadAll loops forever on some malformed
  // input (a lone ",": found by tests/fuzz), so only the first document is ever parsed.
  if (const int line = second_document_line(file); line > 0) {
    throw ScenarioError(file, line, "", fmt::format("a second YAML document begins here; a {} is one document", what));
  }
  try {
    return YAML::LoadFile(file);
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(file, e.mark.is_null() ? 0 : e.mark.line + 1, "", "not valid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(file, 0, "", std::string("cannot read: ") + e.what());
  }
}

}  // namespace offloadsim::sim
