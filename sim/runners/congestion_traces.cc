#include "sim/runners/congestion_traces.h"

#include <cmath>
#include <iterator>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_run.h"

namespace offloadsim::sim {

std::vector<CongestionCondition> congestion_conditions(const Scenario& sc) {
  std::vector<CongestionCondition> out;
  for (const std::string& network : sc.texts("traces.networks")) {
    for (double robots : sc.numbers("traces.robots")) {
      for (double bg : sc.numbers("traces.background_mbps")) {
        out.push_back({network, static_cast<int>(robots), bg});
      }
    }
  }
  return out;
}

Scenario condition_scenario(const Scenario& sc, const CongestionCondition& c) {
  std::vector<std::string> sets = sc.overrides();
  sets.push_back("network.type=" + c.network);
  sets.push_back(fmt::format("robots.count={}", c.robots));
  if (c.background_mbps > 0) {
    sets.insert(sets.end(), {"background.flows=1", "background.kind=cbr", "background.direction=download",
                             fmt::format("background.rate_mbps={}", c.background_mbps)});
  } else {
    sets.push_back("background.flows=0");
  }
  return load_scenario(sc.file(), sets);
}

std::string condition_cells(const CongestionCondition& c) {
  return fmt::format("{},{},{}", c.network, c.robots, c.background_mbps);
}

void check_congestion_traces(const Scenario& sc) {
  for (double robots : sc.numbers("traces.robots")) {
    if (robots != std::floor(robots) || robots < 1) {
      throw sc.error("traces.robots", fmt::format("{} is not a whole number of robots ≥ 1", robots));
    }
  }
  // Every condition must be a valid closed-loop scenario; check them all before hours of simulation.
  for (const CongestionCondition& c : congestion_conditions(sc)) check_closed_loop(condition_scenario(sc, c));
}

void run_congestion_traces(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const std::vector<CongestionCondition> conditions = congestion_conditions(sc);
  std::string csv = kCongestionTracesHeader, probes = kCongestionProbesHeader;
  std::unique_ptr<Progress> bar;
  if (opt.progress) bar = std::make_unique<Progress>("congestion-traces (conditions)", conditions.size());
  for (const CongestionCondition& c : conditions) {
    const Scenario csc = condition_scenario(sc, c);
    ClosedLoopExperiment experiment(csc, false);
    experiment.spec().network.stop_requested = interrupt_requested;
    std::size_t rows = 0, queries = 0, on_time = 0;
    for (std::size_t p = 0; p < experiment.policies(); ++p) {
      const ClosedLoopResult r = experiment.run(p);
      check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
      for (const std::string& e : r.errors) fmt::print(out, "warning: {}: {}\n", experiment.policy_name(p), e);
      append_congestion_traces(csv, condition_cells(c), experiment.policy_name(p), r);
      append_congestion_probes(probes, condition_cells(c), experiment.policy_name(p), r);
      for (const agents::ScoredFrame& f : r.frames) {
        ++rows;
        if (f.sent_s >= 0) {
          ++queries;
          on_time += f.on_time ? 1 : 0;
        }
      }
    }
    fmt::print(out, "{:<6} {:>3} robots, background {:>6.1f} Mbps: {} frames, {} queries, {:.1f}% answered in time\n",
               c.network, c.robots, c.background_mbps, rows, queries,
               queries ? 100.0 * static_cast<double>(on_time) / static_cast<double>(queries) : 0.0);
    if (bar) bar->advance();
  }
  if (bar) bar->finish();
  write_file_atomically(opt.out_dir / "congestion_traces.csv", csv);
  write_file_atomically(opt.out_dir / "congestion_probes.csv", probes);
  rec.outputs.insert(rec.outputs.end(), {"congestion_traces.csv", "congestion_probes.csv"});
}

}  // namespace offloadsim::sim
