#include "sim/scenario/schema.h"

#include <fmt/format.h>

#ifndef OFFLOADSIM_DATA_DIR
#error "OFFLOADSIM_DATA_DIR must be defined by the build"
#endif

namespace offloadsim::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const std::vector<std::string> kEvalKinds = {"offload-eval", "rl-train"};  // evaluation fields
const std::vector<std::string> kRlTrain = {"rl-train", "hardware-experiment"};
// Fields of the evaluation protocol that a hardware experiment also takes.
const std::vector<std::string> kEvalAndHardware = {"offload-eval", "rl-train", "hardware-experiment"};
const std::vector<std::string> kVideo = {"video-traces", "hardware-experiment"};

FieldSpec field(std::string path, FieldType type, std::string unit, Value def, double lo, double hi, std::string help,
                std::vector<std::string> kinds) {
  FieldSpec f;
  f.path = std::move(path);
  f.type = type;
  f.unit = std::move(unit);
  f.default_value = std::move(def);
  f.min = lo;
  f.max = hi;
  f.help = std::move(help);
  f.kinds = std::move(kinds);
  return f;
}

FieldSpec choice(std::string path, std::vector<std::string> choices, std::string def, std::string help,
                 std::vector<std::string> kinds) {
  FieldSpec f =
      field(std::move(path), FieldType::kChoice, "", std::move(def), -kInf, kInf, std::move(help), std::move(kinds));
  f.choices = std::move(choices);
  return f;
}

std::vector<FieldSpec> build_schema() {
  std::vector<FieldSpec> s;
  // ---- every kind ----
  {
    FieldSpec f = field("schema", FieldType::kInt, "", 1LL, 1, 1, "Scenario schema version. Must be 1.", {});
    f.required = true;
    s.push_back(f);
  }
  {
    std::vector<std::string> kinds;
    for (const auto& k : scenario_kinds()) kinds.push_back(k.name);
    FieldSpec f = choice("kind", kinds, "", "The experiment to run.", {});
    f.required = true;
    s.push_back(f);
  }
  s.push_back(field("name", FieldType::kString, "", std::string(), -kInf, kInf,
                    "Run name; results go to results/<name>/ unless --out is given. Default: the file's stem.", {}));
  s.push_back(field("description", FieldType::kString, "", std::string(), -kInf, kInf,
                    "Free text, copied into the resolved scenario.", {}));
  s.push_back(field("seed", FieldType::kInt, "", 1LL, 0, 9.2e18,
                    "Master seed. Every random draw of the run derives from it: same scenario + same seed gives "
                    "byte-identical CSVs.",
                    {}));

  // ---- offload-eval: the MDP ----
  s.push_back(field("mdp.accuracy_weight", FieldType::kNumber, "reward per mistake", 10.0, 0, 1e6,
                    "α in R = −α·L − β·cost. Default 10: the paper's public code, which produced its figures "
                    "(its text says α = 1, β = 10, under which one cloud query would cost fifty mistakes).",
                    kEvalAndHardware));
  s.push_back(field("mdp.cost_weight", FieldType::kNumber, "", 1.0, 0, 1e6, "β in R = −α·L − β·cost.", kEvalAndHardware));
  s.push_back(field("mdp.cost.past_robot", FieldType::kNumber, "cost units", 0.0, 0, 1e6,
                    "cost(0): reuse the stored robot prediction.", kEvalAndHardware));
  s.push_back(field("mdp.cost.past_cloud", FieldType::kNumber, "cost units", 0.0, 0, 1e6,
                    "cost(1): reuse the stored cloud prediction.", kEvalAndHardware));
  s.push_back(field("mdp.cost.robot", FieldType::kNumber, "cost units", 1.0, 0, 1e6,
                    "cost(2): run the robot model on the current frame.", kEvalAndHardware));
  s.push_back(field("mdp.cost.cloud", FieldType::kNumber, "cost units", 5.0, 0, 1e6,
                    "cost(3): query the cloud model on the current frame (uses one unit of budget).", kEvalAndHardware));

  // ---- offload-eval: the input stream ----
  s.push_back(choice("stream.source", {"synthetic", "traces"}, "synthetic",
                     "synthetic: the paper's coherent face stream drawn from stream.table. traces: per-frame trace "
                     "CSV files (docs/trace-format.md).",
                     kEvalKinds));
  s.push_back(field("stream.table", FieldType::kPath, "", std::string("${data}/SVM_results.csv"), -kInf, kInf,
                    "FaceNet + SVM outputs per face image (the paper's SVM_results.csv).", kEvalKinds));
  s.push_back(field("stream.horizon", FieldType::kInt, "frames", 80LL, 1, 1000,
                    "T, frames per synthetic episode. Trace files set their own length.", kEvalKinds));
  s.push_back(field("stream.coherence_mean", FieldType::kNumber, "frames", 8.0, 1, 1000,
                    "Mean length of a coherence interval (one person in view): 1 + Poisson(mean − 1).", kEvalKinds));
  s.push_back(field("stream.p_known", FieldType::kNumber, "probability", 0.6, 0, 1,
                    "Probability that an interval shows a person the robot model knows.", kEvalKinds));
  s.push_back(field("stream.redraw_every", FieldType::kInt, "frames", 3LL, 1, 1000,
                    "A new image of the same person is drawn every this many frames.", kEvalKinds));
  s.push_back(field("stream.train_split", FieldType::kString, "", std::string("TRAIN"), -kInf, kInf,
                    "Value of the table's train_test_membership column for calibration (training) images.",
                    kEvalKinds));
  s.push_back(field("stream.test_split", FieldType::kString, "", std::string("TEST"), -kInf, kInf,
                    "Value of the table's train_test_membership column for test images.", kEvalKinds));
  {
    FieldSpec f = field("stream.test_traces", FieldType::kPath, "", std::string(), -kInf, kInf,
                        "Trace CSV with the test traces (stream.source: traces).", kEvalKinds);
    f.optional_path = true;
    s.push_back(f);
  }
  {
    FieldSpec f = field("stream.train_traces", FieldType::kPath, "", std::string(), -kInf, kInf,
                        "Trace CSV with training traces, used to calibrate heuristic thresholds "
                        "(stream.source: traces).",
                        kEvalKinds);
    f.optional_path = true;
    s.push_back(f);
  }

  // ---- offload-eval: the protocol ----
  s.push_back(field("eval.test_traces", FieldType::kInt, "traces", 100LL, 1, 1e6,
                    "Number of synthetic test traces (the paper: 100).", kEvalKinds));
  s.push_back(field("eval.calibration_traces", FieldType::kInt, "traces", 100LL, 1, 1e6,
                    "Number of synthetic training traces whose robot confidences set the heuristic thresholds.",
                    kEvalKinds));
  s.push_back(field("eval.budgets", FieldType::kNumberList, "fraction of T",
                    std::vector<double>{0.05, 0.15, 0.30, 0.45, 0.80, 0.90, 0.95}, 0, 1,
                    "Test query budgets N_budget/T; every policy plays every trace at each. N_budget = ⌊fraction·T⌋.",
                    kEvalAndHardware));
  {
    FieldSpec f =
        field("eval.policies", FieldType::kPolicyList, "",
              std::vector<std::string>{"random", "all-robot", "all-cloud", "robot-heuristic", "oracle"}, -kInf, kInf,
              "Policies to evaluate, all on the same traces. robot-heuristic runs the whole percentile sweep; "
              "{rl: file.pt} a saved RL policy; rl (rl-train only) the policy just trained.",
              kEvalKinds);
    f.choices = {"random", "all-robot", "all-cloud", "robot-heuristic", "oracle", "rl"};
    s.push_back(f);
  }
  s.push_back(field("eval.heuristic_percentiles", FieldType::kNumberList, "percent",
                    std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}, 0, 100,
                    "Sweep of q for robot-heuristic: offload frames whose robot confidence is below the q-th "
                    "percentile of calibration confidences.",
                    kEvalKinds));
  s.push_back(choice("eval.heuristic_mode", {"percentile", "threshold"}, "percentile",
                     "percentile: robot-heuristic sweeps eval.heuristic_percentiles of calibration confidences (the "
                     "paper's synthetic protocol); threshold: it sweeps eval.heuristic_thresholds, confidences "
                     "themselves (the paper's hardware experiment: a linear sweep).",
                     kEvalKinds));
  s.push_back(field("eval.heuristic_thresholds", FieldType::kNumberList, "confidence",
                    std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, 0, 1,
                    "Sweep of robot-confidence thresholds for eval.heuristic_mode: threshold.", kEvalAndHardware));
  s.push_back(field("eval.decisions", FieldType::kBool, "", false, -kInf, kInf,
                    "Also write decisions.csv: every policy's action at every frame of every test episode, with "
                    "the robot's confidence.",
                    kEvalKinds));
  s.push_back(field("eval.all_robot_run_every", FieldType::kInt, "steps", 1LL, 1, 1000,
                    "all-robot runs its model every this many steps and reuses the prediction in between.",
                    kEvalKinds));
  s.push_back(field("eval.rl_sample", FieldType::kBool, "", false, -kInf, kInf,
                    "RL policies act greedily (most probable action) unless this is true; then they sample.",
                    kEvalAndHardware));
  s.push_back(field("eval.reference_policy", FieldType::kString, "", std::string("oracle"), -kInf, kInf,
                    "Cost multiples in summary.csv are each policy's cost ÷ this policy's cost (cost = −reward). "
                    "A policy name, or robot-heuristic-best.",
                    kEvalKinds));

  // ---- rl-train ----
  s.push_back(field(
      "train.budgets", FieldType::kNumberList, "fraction of T", std::vector<double>{0.10, 0.20, 0.50, 0.70, 1.0}, 0, 1,
      "Training budgets N_budget/T; one is drawn uniformly for each training episode (paper §V-A).", kRlTrain));
  s.push_back(field("train.env_steps", FieldType::kInt, "steps", 10000000LL, 1, 1e12, "Environment steps to train for.",
                    kRlTrain));
  s.push_back(field("train.num_envs", FieldType::kInt, "episodes", 16LL, 1, 4096,
                    "Episodes stepped together (one round); one A2C batch.", kRlTrain));
  s.push_back(field("train.n_steps", FieldType::kInt, "steps", 10LL, 1, 10000,
                    "Steps per A2C update (n of the n-step returns; also the truncated-BPTT length).", kRlTrain));
  s.push_back(field("train.gamma", FieldType::kNumber, "", 0.99, 0, 1, "Discount factor of the returns.", kRlTrain));
  s.push_back(choice("train.optimizer", {"rmsprop", "adam"}, "adam", "Optimiser.", kRlTrain));
  s.push_back(field("train.learning_rate", FieldType::kNumber, "", 1e-3, 1e-8, 1, "Learning rate.", kRlTrain));
  s.push_back(
      field("train.entropy_coef", FieldType::kNumber, "", 0.02, 0, 10, "Weight of the entropy bonus.", kRlTrain));
  s.push_back(field("train.entropy_final", FieldType::kNumber, "", -1.0, -1, 10,
                    "Entropy weight at the end of training, reached linearly from train.entropy_coef; -1: no "
                    "annealing (train.entropy_coef throughout).",
                    kRlTrain));
  s.push_back(field("train.value_coef", FieldType::kNumber, "", 0.5, 0, 100, "Weight of the critic's loss.", kRlTrain));
  s.push_back(field("train.max_grad_norm", FieldType::kNumber, "", 0.5, 1e-6, 1e6,
                    "Gradients are clipped to this global norm.", kRlTrain));
  s.push_back(field("train.reward_scale", FieldType::kNumber, "", 0.01, 1e-6, 1e6,
                    "Rewards are multiplied by this for learning (reports are unscaled).", kRlTrain));
  s.push_back(
      field("train.lstm_hidden", FieldType::kInt, "units", 64LL, 1, 4096, "LSTM units (the paper: 64).", kRlTrain));
  s.push_back(field("train.fc_hidden", FieldType::kInt, "units", 256LL, 1, 65536,
                    "Fully connected layer units (the paper: 256).", kRlTrain));
  s.push_back(field("train.checkpoint_every", FieldType::kInt, "rounds", 200LL, 1, 1e9,
                    "A checkpoint is written every this many rounds, and when training stops.", kRlTrain));
  s.push_back(field("train.wall_time_limit", FieldType::kNumber, "s", 0.0, 0, 1e9,
                    "Stop training after this much wall time (0: no limit), leaving a checkpoint to resume.",
                    kRlTrain));
  s.push_back(field("train.threads", FieldType::kInt, "threads", 1LL, 1, 256,
                    "LibTorch intra-op threads. 1 makes training bit-reproducible.", kRlTrain));
  s.push_back(field("train.evaluate", FieldType::kBool, "", true, -kInf, kInf,
                    "After training, run the offload-eval protocol (eval.*) with the saved policy.", kRlTrain));

  // ---- video-traces and hardware-experiment: real video (docs/perception.md) ----
  s.push_back(choice("video.source", {"opencv", "paper"}, "opencv",
                     "opencv: run the perception pipeline on video.files; paper: the paper's own per-frame traces "
                     "(video.paper_traces).",
                     {"video-traces"}));
  {
    FieldSpec f = field("hardware.sources", FieldType::kChoiceList, "", std::vector<std::string>{"opencv", "paper"},
                        -kInf, kInf, "Trace sources the experiment runs on, each in its own sub-directory.",
                        {"hardware-experiment"});
    f.choices = {"opencv", "paper"};
    s.push_back(f);
  }
  s.push_back(field("video.files", FieldType::kPathList, "",
                    std::vector<std::string>{"/usr/share/doc/opencv-doc/examples/data/vtest.avi"}, -kInf, kInf,
                    "Videos for the opencv source (anything OpenCV decodes). Default: Debian opencv-doc's vtest.avi "
                    "(795 frames of people walking in a hall).",
                    kVideo));
  s.push_back(field("video.paper_traces", FieldType::kPathList, "",
                    std::vector<std::string>{"${data}/paper-video-traces/train_df_SVM_output_abi_sandeep.txt",
                                             "${data}/paper-video-traces/train_df_SVM_output_james_apoorva_sandeep_1224.txt",
                                             "${data}/paper-video-traces/train_df_SVM_output_trial_1.txt",
                                             "${data}/paper-video-traces/train_df_SVM_output_trial_2.txt",
                                             "${data}/paper-video-traces/train_df_SVM_output_trial_3.txt",
                                             "${data}/paper-video-traces/train_df_SVM_output_trial_4.txt"},
                    -kInf, kInf, "The paper's per-frame trace files for the paper source (bundled).", kVideo));
  s.push_back(field("video.frame_step", FieldType::kInt, "frames", 2LL, 1, 1000,
                    "opencv: process every k-th frame of the video (the paper: 5).", kVideo));
  s.push_back(field("video.max_frames", FieldType::kInt, "frames", 0LL, 0, 1e9,
                    "opencv: stop after this many processed frames per video (0: all).", kVideo));
  s.push_back(field("video.segment_frames", FieldType::kInt, "frames", 40LL, 2, 100000,
                    "Processed frames per trace (T of an episode); videos are cut into consecutive segments.",
                    kVideo));
  s.push_back(field("video.test_fraction", FieldType::kNumber, "fraction", 0.3, 0, 1,
                    "Share of segments held out for testing, chosen at random (seeded); no frame is in both sets.",
                    kVideo));
  s.push_back(field("video.crowd_edges", FieldType::kNumberList, "people", std::vector<double>{4, 6, 8}, 0, 1000,
                    "opencv task classes: label k holds counts in (edge[k−1], edge[k]]; default ≤4, 5–6, 7–8, ≥9.",
                    kVideo));
  {
    FieldSpec f = field("video.labels", FieldType::kPath, "", std::string(), -kInf, kInf,
                        "opencv: CSV of real annotations (columns frame,label) replacing the cloud model as the "
                        "ground truth. Default: none (the cloud model is the truth, as in the paper).",
                        kVideo);
    f.optional_path = true;
    s.push_back(f);
  }
  s.push_back(field("video.robot.upscale", FieldType::kNumber, "×", 1.5, 0.1, 10,
                    "Robot model: the frame is scaled by this before the HOG people detector.", kVideo));
  s.push_back(field("video.robot.stride", FieldType::kInt, "pixels", 8LL, 1, 64, "Robot model: window stride.",
                    kVideo));
  s.push_back(field("video.robot.pyramid_scale", FieldType::kNumber, "", 1.3, 1.001, 4,
                    "Robot model: ratio between pyramid levels (coarse: fast, misses people).", kVideo));
  s.push_back(field("video.cloud.upscale", FieldType::kNumber, "×", 1.5, 0.1, 10,
                    "Cloud model: the frame is scaled by this before the HOG people detector.", kVideo));
  s.push_back(field("video.cloud.stride", FieldType::kInt, "pixels", 8LL, 1, 64, "Cloud model: window stride.",
                    kVideo));
  s.push_back(field("video.cloud.pyramid_scale", FieldType::kNumber, "", 1.05, 1.001, 4,
                    "Cloud model: ratio between pyramid levels (fine: slow, finds most people).", kVideo));

  // ---- output ----
  s.push_back(field("output.figures", FieldType::kBool, "", true, -kInf, kInf,
                    "Draw the figures (PNG and PDF) with analysis/ after the CSVs are written.", {}));
  return s;
}

}  // namespace

const std::vector<KindInfo>& scenario_kinds() {
  static const std::vector<KindInfo> kinds = {
      {"offload-eval", "the paper's evaluation protocol: every policy on the same test traces at every budget"},
      {"rl-train", "trains the paper's A2C + LSTM offloading policy, saves it (TorchScript) and evaluates it"},
      {"video-traces", "turns real video (OpenCV perception) or the paper's video traces into train/test trace CSVs"},
      {"hardware-experiment",
       "the paper's hardware experiment on real video: traces, RL training, evaluation against thresholds"},
  };
  return kinds;
}

const std::vector<FieldSpec>& scenario_schema() {
  static const std::vector<FieldSpec> schema = build_schema();
  return schema;
}

const FieldSpec* find_field(const std::string& path) {
  for (const FieldSpec& f : scenario_schema()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

std::string data_dir() {
  return OFFLOADSIM_DATA_DIR;
}

std::string schema_markdown() {
  std::string md =
      "# Scenario files\n\n"
      "<!-- Generated by `offloadsim schema`; do not edit (a test checks this file against the code). -->\n\n"
      "A scenario is a YAML file. `schema: 1` and `kind` are required; every other field has a default.\n"
      "Unknown keys, wrong types, out-of-range values and missing files are errors that name the file,\n"
      "line, key and what is allowed (exit code 2). `offloadsim run FILE --set key.path=value` overrides\n"
      "a field from the command line; the run writes the resolved scenario (overrides applied, defaults\n"
      "filled) beside its results as `scenario.resolved.yaml`.\n\n"
      "Paths are relative to the scenario file (to the working directory for `--set`); `${data}` is\n"
      "offloadsim's bundled data directory (`scenarios/data/`).\n\n"
      "## Kinds\n\n";
  for (const auto& k : scenario_kinds()) md += fmt::format("- `{}`: {}\n", k.name, k.summary);
  md += "\n## Fields\n\n| key | kinds | type and allowed values | default | meaning |\n|---|---|---|---|---|\n";
  for (const FieldSpec& f : scenario_schema()) {
    std::string kinds = "all";
    if (!f.kinds.empty()) {
      kinds.clear();
      for (const auto& k : f.kinds) kinds += (kinds.empty() ? "" : ", ") + k;
    }
    std::string def = f.required ? "required" : format_value(f.default_value);
    if (f.optional_path && std::get<std::string>(f.default_value).empty()) def = "not set";
    md += fmt::format("| `{}` | {} | {} | `{}` | {} |\n", f.path, kinds, describe_allowed(f), def, f.help);
  }
  return md;
}

}  // namespace offloadsim::sim
