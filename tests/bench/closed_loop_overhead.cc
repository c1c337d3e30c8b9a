// The closed loop's overhead over the traffic it makes, and its cost per simulated second.
//
//   closed_loop_overhead SCENARIO [--policy NAME] [--repeat N] [--set key=value ...]
//   closed_loop_overhead SCENARIO --record FILE  [...]   one closed-loop run; its requests into FILE
//   closed_loop_overhead SCENARIO --replay FILE  [...]   one open-loop run of FILE's requests
//
// The last two make one simulation per process, so that an instruction counter (valgrind's
// cachegrind) can measure each alone: same start-up, one run with agents, one without.
// Runs one policy of a closed-loop scenario (default: the one listed first) with its agents, then
// replays the requests that run sent — the same bytes at the same times, probes included — open
// loop on the same network, with no agent code in the run. Prints the wall time per simulated second
// of both (the median of N repeats, default 3) and their ratio: the loop's overhead. The replay
// carries the same traffic only up to feedback: with no agent, nothing reacts to a late reply, which
// in a congested run changes nothing of what is sent (every send is replayed at its recorded time).
// docs/benchmarks.md gives the figures.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/runners/closed_loop_run.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/scenario.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace offloadsim::sim;
  if (argc < 2) {
    std::cerr << "usage: closed_loop_overhead SCENARIO [--policy NAME] [--repeat N] [--set key=value ...]\n";
    return 2;
  }
  std::string policy, record, replay;
  int repeat = 3;
  std::vector<std::string> sets;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--policy" && i + 1 < argc) {
      policy = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--record" && i + 1 < argc) {
      record = argv[++i];
    } else if (a == "--replay" && i + 1 < argc) {
      replay = argv[++i];
    } else if (a == "--set" && i + 1 < argc) {
      sets.push_back(argv[++i]);
    } else {
      std::cerr << "closed_loop_overhead: unknown argument " << a << "\n";
      return 2;
    }
  }
  try {
    const Scenario sc = load_scenario(argv[1], sets);
    check_scenario(sc);
    ClosedLoopExperiment experiment(sc);
    std::size_t p = 0;
    if (!policy.empty()) {
      while (p < experiment.policies() && experiment.policy_name(p) != policy) ++p;
      if (p == experiment.policies()) {
        std::cerr << "closed_loop_overhead: no policy " << policy << " in eval.policies\n";
        return 2;
      }
    }
    if (!record.empty()) {
      const ClosedLoopResult r = experiment.run(p);
      std::ofstream f(record);
      for (const QueryRecord& q : r.queries) {
        f << q.robot << ' ' << q.id << ' ' << q.probe << ' ' << q.frame << ' ' << q.bytes << ' '
          << fmt::format("{:.9f}", q.sent_s) << '\n';
      }
      fmt::print("recorded {} requests of {} into {}\n", r.queries.size(), experiment.policy_name(p), record);
      return 0;
    }
    if (!replay.empty()) {
      std::ifstream f(replay);
      std::vector<QueryRecord> queries;
      QueryRecord q;
      while (f >> q.robot >> q.id >> q.probe >> q.frame >> q.bytes >> q.sent_s) queries.push_back(q);
      const ClosedLoopResult r = experiment.replay(queries);
      fmt::print("replayed {} requests\n", r.queries.size());
      return 0;
    }
    const double simulated = experiment.spec().network.duration_s;
    std::vector<double> loop_s, replay_s;
    ClosedLoopResult recorded;
    std::size_t queries = 0;
    for (int k = 0; k < repeat; ++k) {
      loop_s.push_back(seconds([&] { recorded = experiment.run(p); }));
      queries = recorded.queries.size();
      replay_s.push_back(seconds([&] { experiment.replay(recorded.queries); }));
    }
    const double loop = median(loop_s) / simulated, open = median(replay_s) / simulated;
    fmt::print("{} · {} · {} robots · {} requests · {} s simulated\n", argv[1], experiment.policy_name(p),
               experiment.spec().network.robots, queries, simulated);
    fmt::print("closed loop: {:.3f} s wall per simulated s; replayed open loop: {:.3f}; overhead {:+.1f}%\n", loop,
               open, 100 * (loop / open - 1));
  } catch (const std::exception& e) {
    std::cerr << "closed_loop_overhead: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
