// The per-frame trace CSV: the one format every input stream can be exported to and loaded
// from, so the MDP, the baselines, the oracle and learners run on any source.
//
//   trace,frame,true_label,robot_prediction,robot_confidence,cloud_prediction,cloud_confidence,phi_<name>...
//
// One row per frame; a file holds one or more traces, each a contiguous block of rows whose
// `frame` runs 0, 1, 2, … Labels are integer class ids; confidences lie in [0, 1]; each further
// feature φ is a column named phi_<feature name>. Numbers are written in the shortest form that
// reads back to the same double, so export → import is exact. See docs/trace-format.md.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

void write_traces_csv(std::ostream& out, const std::vector<Trace>& traces);

// Throws base::InputError naming the file, line and column of the first problem.
std::vector<Trace> read_traces_csv(const std::string& path);

}  // namespace offloadsim::agents
