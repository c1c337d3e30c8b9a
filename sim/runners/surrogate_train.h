// kind: surrogate-train — the paper's A2C + LSTM trained inside the congestion surrogate
// (docs/congestion.md): every round, robots of every cell of the traces grid (each cell fitted on
// surrogate.traces), in whole copies of the grid up to train.num_envs robots, play training
// episodes with the closed loop's rules, price and grant; with loop.network_features the policy
// sees the network, without it the paper's state. Writes policy.pt + policy.json (for
// {rl: policy.pt} in closed-loop, surrogate-check and live) and training.csv.
#pragma once

#include <ostream>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

void check_surrogate_train(const Scenario& sc);
void run_surrogate_train(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
