// kind: rl-train — trains the paper's A2C + LSTM offloading policy on the scenario's stream,
// writes training.csv and its figure, checkpoints, saves the policy (TorchScript + sidecar) and,
// when train.evaluate is set, runs the offload-eval protocol with the saved policy.
#pragma once

#include <filesystem>
#include <ostream>

#include "agents/learning/a2c_trainer.h"
#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

agents::TrainerOptions trainer_options(const Scenario& sc);

// Runs training (and evaluation). Records outputs and notes in `rec`.
void run_rl_train(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

void write_training_csv(std::ostream& out, const std::vector<agents::TrainingRow>& rows);

}  // namespace offloadsim::sim
