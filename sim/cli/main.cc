// offloadsim: the command-line entry point.
//
// Exit codes: 0 success; 1 the run failed; 2 bad input (scenario, trace or data file, or command
// line); 130 interrupted (Ctrl-C).
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "agents/streams/input_error.h"
#include "sim/io/interrupt.h"
#include "sim/io/provenance.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/schema.h"

namespace {

using namespace offloadsim;

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

const char* const kFooter = R"(
Examples:
  offloadsim run scenarios/quickstart.yaml
      run the quick-start evaluation; results in results/quickstart/
  offloadsim run scenarios/paper_synthetic.yaml --out /tmp/paper --seed 7
  offloadsim run scenarios/paper_synthetic.yaml --set eval.test_traces=20 --set 'eval.budgets=[0.1, 0.5]'
  offloadsim validate scenarios/my_experiment.yaml
  offloadsim schema            # every scenario field: type, unit, default, allowed values

Exit codes: 0 success, 1 run failed, 2 bad input (scenario, data file or arguments), 130 interrupted.
Documentation: README.md, docs/scenarios.md, docs/mdp.md.)";

std::vector<std::string> with_seed(std::vector<std::string> sets, const std::string& seed) {
  if (!seed.empty()) sets.push_back("seed=" + seed);
  return sets;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{fmt::format("offloadsim {} — a network-emulating testbed for cloud-robotics offloading.\n"
                           "Runs the experiment a YAML scenario describes and writes tidy CSVs, figures and "
                           "provenance.",
                           sim::offloadsim_version()),
               "offloadsim"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("offloadsim {} ({})", sim::offloadsim_version(), git_revision()));

  std::string scenario_file, out_dir, seed, resume;
  std::vector<std::string> sets;
  bool no_figures = false, quiet = false;

  CLI::App* run = app.add_subcommand("run", "Run the experiment a scenario file describes.");
  run->add_option("scenario", scenario_file, "Scenario YAML file (see docs/scenarios.md)")->required();
  run->add_option("--out,-o", out_dir, "Result directory (default: results/<scenario name>/)");
  run->add_option("--seed", seed, "Master seed; overrides the scenario's `seed`");
  run->add_option("--set", sets, "Override a field: key.path=value (YAML syntax), repeatable")->take_all();
  run->add_flag("--no-figures", no_figures, "Write the CSVs but skip drawing figures");
  run->add_flag("--quiet,-q", quiet, "No progress output on stderr");
  run->add_option("--resume", resume, "rl-train: continue training exactly from this checkpoint directory")
      ->check(CLI::ExistingDirectory);
  run->footer(R"(
Writes into the result directory: the experiment's CSVs, its figures (PNG and PDF),
scenario.resolved.yaml (every field, overrides applied) and provenance.json (version,
git revision, seed, times, host, libraries). Each file appears only when complete.

Examples:
  offloadsim run scenarios/quickstart.yaml
  offloadsim run scenarios/paper_synthetic.yaml --out results/paper-seed7 --seed 7
  offloadsim run scenarios/paper_synthetic.yaml --set stream.p_known=0.8
  offloadsim run scenarios/paper_rl.yaml                  # train RL, then evaluate it
  offloadsim run scenarios/paper_rl.yaml --resume results/paper_rl/checkpoint)");

  CLI::App* validate = app.add_subcommand("validate", "Check a scenario file without running it.");
  validate->add_option("scenario", scenario_file, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Override a field: key.path=value, repeatable")->take_all();
  validate->footer("\nExample:\n  offloadsim validate scenarios/paper_synthetic.yaml --set eval.test_traces=10");

  CLI::App* schema = app.add_subcommand("schema", "Print every scenario field (Markdown, as in docs/scenarios.md).");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*schema) {
      std::cout << sim::schema_markdown();
      return 0;
    }
    const std::vector<std::string> overrides = with_seed(sets, seed);
    const sim::Scenario sc = sim::load_scenario(scenario_file, overrides);
    if (*validate) {
      sim::check_scenario(sc);
      fmt::print("{}: valid {} scenario '{}'\n", scenario_file, sc.kind(), sc.name());
      return 0;
    }
    sim::RunOptions opt;
    opt.out_dir = out_dir.empty() ? std::filesystem::path("results") / sc.name() : std::filesystem::path(out_dir);
    opt.overrides = overrides;
    opt.command_line.assign(argv, argv + argc);
    opt.figures = !no_figures;
    opt.progress = !quiet;
    opt.resume = resume;
    sim::install_interrupt_handlers();
    sim::run_scenario(sc, opt, std::cout);
    return 0;
  } catch (const sim::ScenarioError& e) {
    for (const auto& issue : e.issues()) fmt::print(stderr, "error: {}\n", issue.to_string());
    return kExitBadInput;
  } catch (const agents::InputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  } catch (const sim::Interrupted&) {
    fmt::print(stderr, "\ninterrupted: no partial file was left under a final name\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}
