#include "sim/runners/reproduce.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/runners/figures.h"

#ifndef OFFLOADSIM_DATA_DIR
#error "OFFLOADSIM_DATA_DIR must be defined by the build"
#endif

namespace offloadsim::sim {

namespace fs = std::filesystem;

const std::vector<ReproducePart>& reproduce_parts() {
  static const std::vector<ReproducePart> parts = {
      {"fig2_lidar", "ros_lidar_study.yaml", false, "Fig. 2: the ROS LIDAR bandwidth study (ns-3)"},
      {"fig5_paper_code", "paper_code_protocol.yaml", false, "Fig. 5 as the paper's code computes it"},
      {"fig5_way_between", "paper_code_way_between.yaml", true, "Fig. 5: from the paper code's protocol to ours"},
      {"fig5_rl", "paper_rl.yaml", false, "Fig. 5/6: RL trained and evaluated with our protocol"},
      {"hardware", "paper_hardware.yaml", false, "§V-B: the real-video experiment"},
  };
  return parts;
}

namespace {

bool part_done(const fs::path& dir, const ReproducePart& p) {
  return fs::exists(p.sweep ? dir / "collected" / "summary.csv" : dir / "provenance.json");
}

// The last progress line of a child's log (progress lines end in \r or \n).
std::string last_line(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - 4096);
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::replace(tail.begin(), tail.end(), '\r', '\n');
  std::istringstream lines(tail);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

std::string elapsed(double s) {
  return s < 60 ? fmt::format("{:.0f} s", s)
                : fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60));
}

// Runs one part as a child process, printing its progress every few seconds; returns its status.
int run_part(const ReproducePart& p, const fs::path& root, std::ostream& out) {
  const fs::path dir = root / p.id;
  const fs::path log = root / "logs" / (p.id + ".log");
  const std::string scenario = (fs::path(OFFLOADSIM_DATA_DIR).parent_path() / p.scenario).string();
  std::vector<std::string> args = {self_executable(), p.sweep ? "sweep" : "run", scenario, "--out", dir.string()};
  if (p.sweep) args.push_back("--jobs=2");
  if (!p.sweep && fs::exists(dir / "checkpoint" / "trainer.json")) {
    args.insert(args.end(), {"--resume", (dir / "checkpoint").string()});
    fmt::print(out, "  continuing the training from {}\n", (dir / "checkpoint").string());
  }
  std::string shown;
  for (const auto& a : args) shown += (shown.empty() ? "" : " ") + a;
  fmt::print(out, "  $ {}\n  (log: {})\n", shown, log.string());
  out.flush();
  ChildProcess child = ChildProcess::start(args, log.string());
  const auto start = std::chrono::steady_clock::now();
  std::string reported;
  bool stopping = false;
  while (true) {
    if (const auto rc = child.wait_for(1.0)) {
      if (stopping) throw Interrupted();
      return *rc;
    }
    if (interrupt_requested() && !stopping) {
      child.signal(SIGINT);  // the part stops at its next clean point (rl-train saves its checkpoint)
      stopping = true;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string line = last_line(log);
    if (static_cast<long>(s) % 15 == 0 && line != reported) {
      fmt::print(out, "  [{}] {}\n", elapsed(s), line);
      out.flush();
      reported = line;
    }
  }
}

}  // namespace

int reproduce_main(const ReproduceOptions& opt, std::ostream& out) {
  for (const auto& id : opt.only) {
    const auto& parts = reproduce_parts();
    if (std::none_of(parts.begin(), parts.end(), [&](const ReproducePart& p) { return p.id == id; })) {
      std::string names;
      for (const auto& p : parts) names += (names.empty() ? "" : ", ") + p.id;
      throw std::invalid_argument(fmt::format("--only: no part '{}'; the parts are {}", id, names));
    }
  }
  fs::create_directories(opt.out_dir / "logs");
  const DirectoryLock lock(opt.out_dir, "--out");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> failed;
  const auto& parts = reproduce_parts();
  for (size_t i = 0; i < parts.size() && !opt.report_only; ++i) {
    const ReproducePart& p = parts[i];
    if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), p.id) == opt.only.end()) continue;
    const fs::path dir = opt.out_dir / p.id;
    if (part_done(dir, p)) {
      fmt::print(out, "[{}/{}] {}: done already ({})\n", i + 1, parts.size(), p.id, dir.string());
      continue;
    }
    fmt::print(out, "[{}/{}] {}: {}\n", i + 1, parts.size(), p.id, p.what);
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = run_part(p, opt.out_dir, out);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rc != 0 || !part_done(dir, p)) {
      fmt::print(out, "  FAILED (exit status {}) after {}: see {}\n", rc, elapsed(s),
                 (opt.out_dir / "logs" / (p.id + ".log")).string());
      failed.push_back(p.id);
    } else {
      fmt::print(out, "  done in {}\n", elapsed(s));
    }
    out.flush();
  }
  fmt::print(out, "writing the report: {} and {}\n", (opt.out_dir / "REPORT.md").string(),
             (opt.out_dir / "report.html").string());
  draw_figures("reproduction_report.py", opt.out_dir);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!failed.empty()) {
    std::string names;
    for (const auto& f : failed) names += (names.empty() ? "" : ", ") + f;
    fmt::print(out, "reproduce: {} part{} failed ({}) in {}; the report marks what is missing; run again to retry\n",
               failed.size(), failed.size() == 1 ? "" : "s", names, elapsed(total));
    return 1;
  }
  fmt::print(out, "reproduce: done in {}\n", elapsed(total));
  return 0;
}

}  // namespace offloadsim::sim
