// `offloadsim reproduce`: every experiment of the paper that offloadsim reproduces, one part after
// the other into one directory, then REPORT.md and report.html beside them (every published number
// next to ours, with its status and the doc that explains it; analysis/reproduction_report.py).
//
// Parts (each a child `offloadsim run` or `offloadsim sweep` with its output in logs/<part>.log):
//   fig2_lidar        scenarios/ros_lidar_study.yaml            the ROS LIDAR bandwidth study
//   fig5_paper_code   scenarios/paper_code_protocol.yaml        Fig. 5 as the paper's code computes it
//   fig5_way_between  scenarios/paper_code_way_between.yaml     from its protocol to ours, switch by switch
//   fig5_rl           scenarios/paper_rl.yaml                   RL trained and evaluated with our protocol
//   hardware          scenarios/paper_hardware.yaml             the real-video experiment
// A part is done when its provenance.json (a sweep: collected/summary.csv) exists; a new run skips
// done parts and continues an interrupted RL training from its checkpoint.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace offloadsim::sim {

struct ReproducePart {
  std::string id;
  std::string scenario;  // relative to the scenarios directory
  bool sweep = false;
  std::string what;
};

const std::vector<ReproducePart>& reproduce_parts();

struct ReproduceOptions {
  std::filesystem::path out_dir = "results/reproduction";
  std::vector<std::string> only;  // part ids; empty: all
  bool report_only = false;       // write the report from the parts already done
};

// Returns the exit code (0: every part done and the report written).
int reproduce_main(const ReproduceOptions& opt, std::ostream& out);

}  // namespace offloadsim::sim
