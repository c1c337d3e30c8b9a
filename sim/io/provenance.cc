#include "sim/io/provenance.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>

#include <fmt/format.h>
#include <CLI/Version.hpp>

#include "sim/io/machine.h"

namespace offloadsim::sim {

std::string offloadsim_version() {
  return OFFLOADSIM_VERSION;
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json provenance_json(const RunRecord& run) {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  nlohmann::json j;
  j["offloadsim_version"] = offloadsim_version();
  j["git_revision"] = git_revision();
  j["scenario_file"] = run.scenario_file;
  j["scenario_name"] = run.scenario_name;
  j["kind"] = run.kind;
  j["seed"] = run.seed;
  j["overrides"] = run.overrides;
  j["command_line"] = run.command_line;
  j["start_time_utc"] = iso_utc(run.start);
  j["end_time_utc"] = iso_utc(run.end);
  j["wall_seconds"] = std::chrono::duration<double>(run.end - run.start).count();
  j["host"] = host;
  const MachineInfo machine = machine_info();
  j["machine"] = {{"cpu", machine.cpu}, {"cores", machine.cores}, {"memory_gib", machine.memory_gib}};
  j["outputs"] = run.outputs;
  if (!run.notes.empty()) j["notes"] = run.notes;
  j["build"] = {{"type", OFFLOADSIM_BUILD_TYPE},
                {"compiler",
#ifdef __clang__
                 fmt::format("{}", __VERSION__)
#else
                 fmt::format("GCC {}", __VERSION__)
#endif
                },
                // What serves malloc in this process (linked or preloaded): its speed is ns-3's.
                {"allocator", ::dlsym(RTLD_DEFAULT, "mallctl") != nullptr ? "jemalloc" : "system"}};
  j["libraries"] = {
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"yaml-cpp", OFFLOADSIM_YAML_CPP_VERSION},
      {"CLI11", CLI11_VERSION},
      {"LibTorch", OFFLOADSIM_TORCH_VERSION},
      {"nlohmann_json",
       fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
  };
  return j;
}

std::vector<std::string> provenance_outputs(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::ifstream in(dir / "provenance.json");
  if (!in) return names;
  const nlohmann::json old = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!old.is_object() || !old.contains("outputs") || !old["outputs"].is_array()) return names;
  for (const auto& entry : old["outputs"]) {
    if (entry.is_string()) names.push_back(entry.get<std::string>());
  }
  return names;
}

std::vector<std::string> remove_stale_outputs(const std::filesystem::path& dir,
                                              const std::vector<std::string>& outputs) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  for (const std::string& name : provenance_outputs(dir)) {
    if (std::find(outputs.begin(), outputs.end(), name) != outputs.end()) continue;
    // Only a plain name inside the directory: never a path that leads out of it.
    const fs::path rel = fs::path(name).lexically_normal();
    const std::string first = rel.begin() == rel.end() ? "" : rel.begin()->string();
    if (rel.empty() || rel.is_absolute() || first == ".." || first == ".") continue;
    std::error_code ec;
    const fs::path target = dir / rel;
    if (fs::is_directory(target, ec) ? fs::remove_all(target, ec) > 0 : fs::remove(target, ec)) removed.push_back(name);
  }
  return removed;
}

}  // namespace offloadsim::sim
