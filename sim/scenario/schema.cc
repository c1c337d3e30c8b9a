#include "sim/scenario/schema.h"

#include <fmt/format.h>

#include "agents/mdp/offload_mdp.h"
#include "netmodels/networks/network_run.h"
#include "sim/runners/experiment.h"

#ifndef OFFLOADSIM_DATA_DIR
#error "OFFLOADSIM_DATA_DIR must be defined by the build"
#endif

namespace offloadsim::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const std::vector<std::string> kEvalKinds = {"offload-eval", "rl-train"};  // evaluation fields
const std::vector<std::string> kRlTrain = {"rl-train", "hardware-experiment"};
// The learning fields, which training in the congestion surrogate takes too.
const std::vector<std::string> kTrain = {"rl-train", "hardware-experiment", "surrogate-train"};
// Fields of the evaluation protocol that a hardware experiment also takes.
const std::vector<std::string> kEvalAndHardware = {"offload-eval", "rl-train", "hardware-experiment"};
const std::vector<std::string> kVideo = {"video-traces", "hardware-experiment", "live"};
// The video and model fields that timing the models takes too.
const std::vector<std::string> kVideoModels = {"video-traces", "hardware-experiment", "live", "perception-timing"};
const std::vector<std::string> kNet = {"network-study",   "network-run",     "closed-loop", "congestion-traces",
                                       "surrogate-check", "surrogate-train", "live"};
// The closed loop plays the MDP (mdp.*) over the evaluation kinds' streams with their policies.
// Live mode (kind: live) is the closed loop played by real processes, congestion-traces runs it
// over a grid of conditions, surrogate-check beside the surrogate, and surrogate-train trains in
// the surrogate of its cells: all take every field of it.
const std::vector<std::string> kMdp = {"offload-eval",      "rl-train",        "hardware-experiment", "closed-loop",
                                       "congestion-traces", "surrogate-check", "surrogate-train",     "live"};
const std::vector<std::string> kStream = {"offload-eval",    "rl-train",        "closed-loop", "congestion-traces",
                                          "surrogate-check", "surrogate-train", "live"};
const std::vector<std::string> kPolicies = {"offload-eval",      "rl-train",        "closed-loop",
                                            "congestion-traces", "surrogate-check", "live"};
const std::vector<std::string> kNetRun = {"network-run",     "closed-loop",     "congestion-traces",
                                          "surrogate-check", "surrogate-train", "live"};
const std::vector<std::string> kLoop = {"closed-loop", "congestion-traces", "surrogate-check", "surrogate-train",
                                        "live"};
const std::vector<std::string> kLive = {"live"};
// Medians of the OpenCV people counters of agents/perception on vtest.avi at its own 768×576, one
// OpenCV thread each, timed on an idle machine into scenarios/data/opencv-timing/timing.csv
// (scenarios/perception_timing.yaml; docs/loop.md): the defaults of the robot's inference time and the
// cloud's service time. A test keeps them equal.
constexpr double kRobotInferenceMs = 168.455;
constexpr double kCloudServiceMs = 702.6;

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

// A file path that may be left out (its default "" means "not given").
FieldSpec optional_file(std::string path, std::string help, std::vector<std::string> kinds) {
  FieldSpec f =
      field(std::move(path), FieldType::kPath, "", std::string(), -kInf, kInf, std::move(help), std::move(kinds));
  f.optional_path = true;
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
    for (const auto& k : experiment_kinds()) kinds.push_back(k.name);
    FieldSpec f = choice("kind", kinds, "", "The experiment to run.", {});
    f.required = true;
    s.push_back(f);
  }
  s.push_back(field("name", FieldType::kString, "", std::string(), -kInf, kInf,
                    "Run name; results go to results/<name>/ unless --out is given. Default: the file's stem.", {}));
  s.push_back(field("description", FieldType::kString, "", std::string(), -kInf, kInf,
                    "Free text, copied into the resolved scenario.", {}));
  s.push_back(field("seed", FieldType::kInt, "", 1LL, 0, 9223372036854775807.0,
                    "Master seed. Every random draw of the run derives from it: same scenario + same seed gives "
                    "byte-identical CSVs.",
                    {}));

  // ---- offload-eval: the MDP ----
  s.push_back(field("mdp.accuracy_weight", FieldType::kNumber, "reward per mistake", 10.0, 0, 1e6,
                    "α in R = −α·L − β·cost. Default 10: the paper's public code, which produced its figures "
                    "(its text says α = 1, β = 10, under which one cloud query would cost fifty mistakes).",
                    kMdp));
  s.push_back(field("mdp.cost_weight", FieldType::kNumber, "", 1.0, 0, 1e6, "β in R = −α·L − β·cost.", kMdp));
  s.push_back(field("mdp.cost.past_robot", FieldType::kNumber, "cost units", 0.0, 0, 1e6,
                    "cost(0): reuse the stored robot prediction.", kMdp));
  s.push_back(field("mdp.cost.past_cloud", FieldType::kNumber, "cost units", 0.0, 0, 1e6,
                    "cost(1): reuse the stored cloud prediction.", kMdp));
  s.push_back(field("mdp.cost.robot", FieldType::kNumber, "cost units", 1.0, 0, 1e6,
                    "cost(2): run the robot model on the current frame.", kMdp));
  s.push_back(field("mdp.cost.cloud", FieldType::kNumber, "cost units", 5.0, 0, 1e6,
                    "cost(3): query the cloud model on the current frame (uses one unit of budget).", kMdp));
  s.push_back(field("mdp.store_distances", FieldType::kBool, "", false, -kInf, kInf,
                    "Give every observation two more features: how far the current input is from the one each store "
                    "answered (distance between FaceNet embeddings; the paper's code has them in its state). Synthetic "
                    "stream, or trace files with mdp.store_distance_feature; a policy trained with them is evaluated "
                    "with them (docs/rl.md).",
                    {"offload-eval", "rl-train", "hardware-experiment"}));
  s.push_back(field("mdp.store_distance_feature", FieldType::kString, "", std::string(), -kInf, kInf,
                    "Trace files have no input descriptors: with mdp.store_distances, name a φ feature measuring the "
                    "change from the previous frame (e.g. frame_diff) and the store distances become that feature "
                    "summed since each store was filled — how much the input has changed since (docs/rl.md).",
                    {"offload-eval", "rl-train", "hardware-experiment"}));
  s.push_back(choice("mdp.variant", {"standard", "paper-code"}, "standard",
                     "standard: the MDP of docs/mdp.md. paper-code: the environment, stream and baselines as the "
                     "paper's public code computes them (its published Fig. 5 ratios), every quirk switched on "
                     "(docs/mdp.md, \"The paper's code\").",
                     {"offload-eval"}));
  {
    FieldSpec f = field("mdp.quirks_off", FieldType::kChoiceList, "", std::vector<std::string>{}, -kInf, kInf,
                        "With mdp.variant paper-code: the quirks to switch back to the standard MDP, by name: "
                        "unlogged-final-step, two-stage-steps, prefilled-stores, all-cloud-floor-period, "
                        "heuristic-lag, random-any-action, stream-timing (docs/mdp.md).",
                        {"offload-eval"});
    for (const agents::QuirkName& q : agents::kQuirkNames) f.choices.push_back(q.name);  // one list of names
    f.allow_empty = true;                                                                // none switched off
    s.push_back(f);
  }

  // ---- offload-eval: the input stream ----
  s.push_back(choice("stream.source", {"synthetic", "traces"}, "synthetic",
                     "synthetic: the paper's coherent face stream drawn from stream.table. traces: per-frame trace "
                     "CSV files (docs/trace-format.md).",
                     kStream));
  s.push_back(field("stream.table", FieldType::kPath, "", std::string("${data}/SVM_results.csv"), -kInf, kInf,
                    "FaceNet + SVM outputs per face image (the paper's SVM_results.csv).", kStream));
  s.push_back(field("stream.horizon", FieldType::kInt, "frames", 80LL, 1, 1000,
                    "T, frames per synthetic episode. Trace files set their own length.", kStream));
  s.push_back(field("stream.coherence_mean", FieldType::kNumber, "frames", 8.0, 1, 1000,
                    "Mean length of a coherence interval (one person in view): 1 + Poisson(mean − 1).", kStream));
  s.push_back(field("stream.p_known", FieldType::kNumber, "probability", 0.6, 0, 1,
                    "Probability that an interval shows a person the robot model knows.", kStream));
  s.push_back(field("stream.redraw_every", FieldType::kInt, "frames", 3LL, 1, 1000,
                    "A new image of the same person is drawn every this many frames.", kStream));
  s.push_back(field("stream.train_split", FieldType::kString, "", std::string("TRAIN"), -kInf, kInf,
                    "Value of the table's train_test_membership column for calibration (training) images.", kStream));
  s.push_back(field("stream.test_split", FieldType::kString, "", std::string("TEST"), -kInf, kInf,
                    "Value of the table's train_test_membership column for test images.", kStream));
  s.push_back(optional_file("stream.test_traces", "Trace CSV with the test traces (stream.source: traces).", kStream));
  s.push_back(optional_file("stream.train_traces",
                            "Trace CSV with training traces, used to calibrate heuristic thresholds "
                            "(stream.source: traces).",
                            kStream));

  // ---- offload-eval: the protocol ----
  s.push_back(field("eval.test_traces", FieldType::kInt, "traces", 100LL, 1, 1e6,
                    "Number of synthetic test traces (the paper: 100).", kEvalKinds));
  s.push_back(field("eval.calibration_traces", FieldType::kInt, "traces", 100LL, 1, 1e6,
                    "Number of synthetic training traces whose robot confidences set the heuristic thresholds.",
                    kPolicies));
  s.push_back(field("eval.budgets", FieldType::kNumberList, "fraction of T",
                    std::vector<double>{0.05, 0.15, 0.30, 0.45, 0.80, 0.90, 0.95}, 0, 1,
                    "Test query budgets N_budget/T; every policy plays every trace at each. N_budget = ⌊fraction·T⌋.",
                    kEvalAndHardware));
  {
    FieldSpec f =
        field("eval.policies", FieldType::kPolicyList, "",
              std::vector<std::string>{"random", "all-robot", "all-cloud", "robot-heuristic", "oracle"}, -kInf, kInf,
              "Policies to evaluate, all on the same traces. robot-heuristic runs the whole percentile sweep; "
              "oracle is the exact optimum, paper-oracle the paper code's greedy clairvoyant rule; "
              "{rl: file.pt} a saved RL policy; rl (rl-train only) the policy just trained; congestion-aware "
              "(closed-loop only) the robot heuristic that also needs the predicted reply to fit the deadline; "
              "scripted (closed-loop, congestion-traces, surrogate-check) blind queries at each loop.query_rates rate.",
              kPolicies);
    f.choices = {"random",   "all-robot",    "all-cloud", "robot-heuristic", "congestion-aware", "oracle",
                 "scripted", "paper-oracle", "rl"};
    s.push_back(f);
  }
  s.push_back(field("eval.heuristic_percentiles", FieldType::kNumberList, "percent",
                    std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}, 0, 100,
                    "Sweep of q for robot-heuristic: offload frames whose robot confidence is below the q-th "
                    "percentile of calibration confidences.",
                    kPolicies));
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
                    "all-robot runs its model every this many steps and reuses the prediction in between.", kPolicies));
  s.push_back(field("eval.rl_sample", FieldType::kBool, "", false, -kInf, kInf,
                    "RL policies act greedily (most probable action) unless this is true; then they sample.", kMdp));
  s.push_back(field("eval.reference_policy", FieldType::kString, "", std::string("oracle"), -kInf, kInf,
                    "Cost multiples in summary.csv are each policy's cost ÷ this policy's cost (cost = −reward). "
                    "A policy name, or robot-heuristic-best.",
                    kEvalKinds));
  s.push_back(choice("eval.metric", {"mean", "paper"}, "mean",
                     "The headline cost multiple (summary.csv's cost_multiple, the printed table's note, the best "
                     "heuristic): mean: from mean episode rewards (ours); paper: the paper's, from the median over "
                     "episodes of the mean reward per step. summary.csv always has both.",
                     kEvalKinds));

  // ---- rl-train ----
  s.push_back(field(
      "train.budgets", FieldType::kNumberList, "fraction of T", std::vector<double>{0.10, 0.20, 0.50, 0.70, 1.0}, 0, 1,
      "Training budgets N_budget/T; one is drawn uniformly for each training episode (paper §V-A).", kTrain));
  s.push_back(field("train.env_steps", FieldType::kInt, "steps", 10000000LL, 1, 1e12, "Environment steps to train for.",
                    kTrain));
  s.push_back(field("train.num_envs", FieldType::kInt, "episodes", 16LL, 1, 4096,
                    "Episodes stepped together (one round); one A2C batch. surrogate-train: at least this many robots, "
                    "as whole copies of the grid's cells.",
                    kTrain));
  s.push_back(field("train.n_steps", FieldType::kInt, "steps", 10LL, 1, 10000,
                    "Steps per A2C update (n of the n-step returns; also the truncated-BPTT length).", kTrain));
  s.push_back(field("train.gamma", FieldType::kNumber, "", 0.99, 0, 1, "Discount factor of the returns.", kTrain));
  s.push_back(choice("train.optimizer", {"rmsprop", "adam"}, "adam", "Optimiser.", kTrain));
  s.push_back(field("train.learning_rate", FieldType::kNumber, "", 1e-3, 1e-8, 1, "Learning rate.", kTrain));
  s.push_back(field("train.entropy_coef", FieldType::kNumber, "", 0.02, 0, 10, "Weight of the entropy bonus.", kTrain));
  s.push_back(field("train.entropy_final", FieldType::kNumber, "", -1.0, -1, 10,
                    "Entropy weight at the end of training, reached linearly from train.entropy_coef; -1: no "
                    "annealing (train.entropy_coef throughout).",
                    kTrain));
  s.push_back(field("train.value_coef", FieldType::kNumber, "", 0.5, 0, 100, "Weight of the critic's loss.", kTrain));
  s.push_back(field("train.max_grad_norm", FieldType::kNumber, "", 0.5, 1e-6, 1e6,
                    "Gradients are clipped to this global norm.", kTrain));
  s.push_back(field("train.reward_scale", FieldType::kNumber, "", 0.01, 1e-6, 1e6,
                    "Rewards are multiplied by this for learning (reports are unscaled).", kTrain));
  s.push_back(
      field("train.lstm_hidden", FieldType::kInt, "units", 64LL, 1, 4096, "LSTM units (the paper: 64).", kTrain));
  s.push_back(field("train.fc_hidden", FieldType::kInt, "units", 256LL, 1, 65536,
                    "Fully connected layer units (the paper: 256).", kTrain));
  s.push_back(field("train.checkpoint_every", FieldType::kInt, "rounds", 200LL, 1, 1e9,
                    "A checkpoint is written every this many rounds, and when training stops.", kRlTrain));
  s.push_back(field("train.wall_time_limit", FieldType::kNumber, "s", 0.0, 0, 1e9,
                    "Stop training after this much wall time (0: no limit), leaving a checkpoint to resume.",
                    kRlTrain));
  s.push_back(field("train.threads", FieldType::kInt, "threads", 1LL, 1, 256,
                    "LibTorch intra-op threads. 1 makes training bit-reproducible.", kTrain));
  s.push_back(field("train.evaluate", FieldType::kBool, "", true, -kInf, kInf,
                    "After training, run the offload-eval protocol (eval.*) with the saved policy.", kRlTrain));

  // ---- video-traces and hardware-experiment: real video (docs/perception.md) ----
  s.push_back(choice("video.source", {"opencv", "paper"}, "opencv",
                     "opencv: run the perception pipeline on video.files; paper: the paper's own per-frame traces "
                     "(video.paper_traces).",
                     {"video-traces"}));
  {
    FieldSpec f =
        field("hardware.sources", FieldType::kChoiceList, "", std::vector<std::string>{"opencv", "paper"}, -kInf, kInf,
              "Trace sources the experiment runs on, each in its own sub-directory.", {"hardware-experiment"});
    f.choices = {"opencv", "paper"};
    s.push_back(f);
  }
  s.push_back(choice("hardware.evaluate_on", {"test", "validation"}, "test",
                     "test: train on every training segment, evaluate on the held-out test segments; validation: "
                     "train on the training segments less a validation share (hardware.validation_fraction), "
                     "evaluate on that share, and leave the test segments out — for choosing settings without "
                     "looking at the test segments.",
                     {"hardware-experiment"}));
  s.push_back(field("hardware.train_window_stride", FieldType::kInt, "frames", 0LL, 0, 100000,
                    "0: RL trains on the training segments. k > 0: on windows of video.segment_frames frames every k "
                    "frames over each run of consecutive training segments of a video — the same footage from many "
                    "starting points (never reaching into a held-out segment).",
                    {"hardware-experiment"}));
  s.push_back(field("hardware.validation_fraction", FieldType::kNumber, "fraction", 0.3, 0, 1,
                    "With hardware.evaluate_on: validation, the share of the training segments held out for "
                    "validation (seeded; the test segments are the same either way).",
                    {"hardware-experiment"}));
  s.push_back(field("video.files", FieldType::kPathList, "",
                    std::vector<std::string>{"/usr/share/doc/opencv-doc/examples/data/vtest.avi"}, -kInf, kInf,
                    "Videos for the opencv source (anything OpenCV decodes). Default: Debian opencv-doc's vtest.avi "
                    "(795 frames of people walking in a hall).",
                    kVideoModels));
  s.push_back(
      field("video.paper_traces", FieldType::kPathList, "",
            std::vector<std::string>{"${data}/paper-video-traces/train_df_SVM_output_abi_sandeep.txt",
                                     "${data}/paper-video-traces/train_df_SVM_output_james_apoorva_sandeep_1224.txt",
                                     "${data}/paper-video-traces/train_df_SVM_output_trial_1.txt",
                                     "${data}/paper-video-traces/train_df_SVM_output_trial_2.txt",
                                     "${data}/paper-video-traces/train_df_SVM_output_trial_3.txt",
                                     "${data}/paper-video-traces/train_df_SVM_output_trial_4.txt"},
            -kInf, kInf, "The paper's per-frame trace files for the paper source (bundled).", kVideo));
  s.push_back(field("video.frame_step", FieldType::kInt, "frames", 2LL, 1, 1000,
                    "opencv: process every k-th frame of the video (the paper: 5).", kVideoModels));
  s.push_back(field("video.max_frames", FieldType::kInt, "frames", 0LL, 0, 1e9,
                    "opencv: stop after this many processed frames per video (0: all).", kVideoModels));
  s.push_back(field("video.segment_frames", FieldType::kInt, "frames", 40LL, 2, 100000,
                    "Processed frames per trace (T of an episode); videos are cut into consecutive segments.", kVideo));
  s.push_back(field("video.test_fraction", FieldType::kNumber, "fraction", 0.3, 0, 1,
                    "Share of segments held out for testing, chosen at random (seeded); no frame is in both sets.",
                    kVideo));
  s.push_back(field("video.crowd_edges", FieldType::kNumberList, "people", std::vector<double>{4, 6, 8}, 0, 1000,
                    "opencv task classes: label k holds counts in (edge[k−1], edge[k]]; default ≤4, 5–6, 7–8, ≥9.",
                    kVideo));
  s.push_back(optional_file("video.labels",
                            "opencv: CSV of real annotations (columns frame,label) replacing the cloud model as the "
                            "ground truth. Default: none (the cloud model is the truth, as in the paper).",
                            kVideo));
  s.push_back(field("video.robot.upscale", FieldType::kNumber, "×", 1.5, 0.1, 10,
                    "Robot model: the frame is scaled by this before the HOG people detector.", kVideoModels));
  s.push_back(
      field("video.robot.stride", FieldType::kInt, "pixels", 8LL, 1, 64, "Robot model: window stride.", kVideoModels));
  s.push_back(field("video.robot.pyramid_scale", FieldType::kNumber, "", 1.3, 1.001, 4,
                    "Robot model: ratio between pyramid levels (coarse: fast, misses people).", kVideoModels));
  s.push_back(field("video.cloud.upscale", FieldType::kNumber, "×", 1.5, 0.1, 10,
                    "Cloud model: the frame is scaled by this before the HOG people detector.", kVideoModels));
  s.push_back(
      field("video.cloud.stride", FieldType::kInt, "pixels", 8LL, 1, 64, "Cloud model: window stride.", kVideoModels));
  s.push_back(field("video.cloud.pyramid_scale", FieldType::kNumber, "", 1.05, 1.001, 4,
                    "Cloud model: ratio between pyramid levels (fine: slow, finds most people).", kVideoModels));

  // ---- perception-timing: the models timed per frame size (docs/loop.md) ----
  s.push_back(field("timing.widths", FieldType::kNumberList, "pixels", std::vector<double>{640, 768, 1280, 1920}, 16,
                    8192, "Frame widths to time the models at; each frame is resized to every size in turn.",
                    {"perception-timing"}));
  s.push_back(field("timing.heights", FieldType::kNumberList, "pixels", std::vector<double>{360, 576, 720, 1080}, 16,
                    8192, "Frame heights, one per width: the sizes are timing.widths[i] × timing.heights[i].",
                    {"perception-timing"}));
  s.push_back(field("timing.threads", FieldType::kInt, "threads", 1LL, 1, 256,
                    "OpenCV threads per model run. 1: one core per query, as the closed loop models a cloud worker "
                    "(cloud.workers serve at once) and a robot's on-board model.",
                    {"perception-timing"}));
  s.push_back(field("timing.max_other_load", FieldType::kNumber, "cores", 0.2, 0, 1e6,
                    "Refuse to time (before) or to write the times (after) when other processes used more than this "
                    "many cores on average: a busy machine's times are not the model's.",
                    {"perception-timing"}));

  // ---- network-study and network-run: ns-3 networks (docs/network.md) ----
  auto net = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                 std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kNet));
  };
  auto net_run = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                     std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kNetRun));
  };
  // Network choices and defaults come from netmodels (network_settings.h, network_run.h): stated once.
  namespace nm = netmodels;
  const nm::NetworkRunSpec d;
  auto net_choice = [&](std::string path, auto def, std::string help) {
    using E = decltype(def);
    s.push_back(choice(std::move(path), nm::choice_names<E>(), nm::name_of(def), std::move(help), kNet));
  };
  auto ll = [](auto v) { return static_cast<long long>(v); };
  net_choice("network.type", d.type,
             "wifi: ns-3's wifi module (APs, robots as stations); lte: ns-3's lte module with EPC (robots as UEs); "
             "wired: every robot on a point-to-point link of its own (network.robot_link) to one router.");
  net_choice("network.wifi.standard", d.wifi.standard, "WiFi standard.");
  net_choice("network.wifi.band", d.wifi.band, "WiFi band (802.11ac: 5GHz only).");
  net("network.wifi.channel_width", FieldType::kInt, "MHz", ll(d.wifi.channel_width_mhz), 20, 160,
      "Channel width: 20 or 40 (802.11n); 20, 40, 80 or 160 (802.11ac).");
  net_choice("network.wifi.rate_manager", d.wifi.rate_manager,
             "Rate control: ideal (SNR-based, ns-3 IdealWifiManager), minstrel (MinstrelHt), constant "
             "(network.wifi.constant_mcs).");
  net("network.wifi.constant_mcs", FieldType::kInt, "MCS", ll(d.wifi.constant_mcs), 0, 9,
      "MCS for the constant rate manager (802.11n: 0–7 per stream).");
  net("network.wifi.spatial_streams", FieldType::kInt, "streams", ll(d.wifi.spatial_streams), 1, 4,
      "Antennas and spatial streams of every WiFi device.");
  net_choice("network.wifi.propagation", d.wifi.propagation, "Propagation loss model.");
  net("network.wifi.log_distance_exponent", FieldType::kNumber, "", d.wifi.log_distance_exponent, 1, 6,
      "Path-loss exponent of the log-distance model (indoors: ~3).");
  net("network.wifi.tx_power_dbm", FieldType::kNumber, "dBm", d.wifi.tx_power_dbm, -10, 40,
      "Transmit power of every WiFi device.");
  net("network.wifi.access_points", FieldType::kInt, "APs", ll(d.wifi.access_points), 1, 64,
      "APs on one channel, on a line; robot/station k joins AP k mod APs.");
  net("network.wifi.servers_on_wifi", FieldType::kBool, "", d.wifi.servers_on_wifi, -kInf, kInf,
      "WiFi: servers are stations of the WiFi (laptops in the lab) instead of hosts wired behind the AP; every byte "
      "then crosses the air twice.");
  net("network.wifi.addba_timeout_ms", FieldType::kNumber, "ms", d.wifi.addba_timeout_ms, 0.1, 10000,
      "How long a station waits for the answer to its Block Ack (aggregation) request before giving up for a "
      "while. Default: Linux mac80211's 1 s. ns-3's own default, 1 ms, is shorter than the answering side's wait "
      "for the channel when it is saturated: the request then fails again and again and can lock a station out "
      "for a whole run (docs/network.md).");
  net("network.wifi.ap_spacing_m", FieldType::kNumber, "m", d.wifi.ap_spacing_m, 1, 10000,
      "Distance between neighbouring APs.");
  net("network.lte.enbs", FieldType::kInt, "eNBs", ll(d.lte.enbs), 1, 64,
      "eNBs on a line; UEs attach to the strongest.");
  net("network.lte.enb_spacing_m", FieldType::kNumber, "m", d.lte.enb_spacing_m, 1, 1e5,
      "Distance between neighbouring eNBs.");
  net("network.lte.ul_resource_blocks", FieldType::kInt, "RBs", ll(d.lte.ul_resource_blocks), 6, 100,
      "Uplink bandwidth: 6, 15, 25, 50, 75 or 100 resource blocks (25 = 5 MHz).");
  net("network.lte.dl_resource_blocks", FieldType::kInt, "RBs", ll(d.lte.dl_resource_blocks), 6, 100,
      "Downlink bandwidth in resource blocks.");
  net_choice("network.lte.scheduler", d.lte.scheduler, "MAC scheduler: proportional fair or round robin.");
  net("network.lte.rlc_buffer_bytes", FieldType::kInt, "bytes", ll(d.lte.rlc_buffer_bytes), 10000, 1e9,
      "RLC (acknowledged mode) transmit buffer per bearer.");
  net("network.server_link.rate_mbps", FieldType::kNumber, "Mbps", d.server_link.rate_mbps, 0.001, 1e6,
      "Wired link from the AP's router (WiFi) or the PGW (LTE) to each server.");
  net("network.server_link.delay_ms", FieldType::kNumber, "ms", d.server_link.delay_ms, 0, 10000,
      "One-way delay of that link.");
  net("network.robot_link.rate_mbps", FieldType::kNumber, "Mbps", d.robot_link.rate_mbps, 0.001, 1e6,
      "wired: each robot's (and station's) own link to the router.");
  net("network.robot_link.delay_ms", FieldType::kNumber, "ms", d.robot_link.delay_ms, 0, 10000,
      "wired: one-way delay of that link.");
  net_choice("network.tcp.variant", d.tcp.variant, "TCP congestion control (Linux's default: cubic).");
  net("network.tcp.send_buffer_bytes", FieldType::kInt, "bytes", ll(d.tcp.send_buffer_bytes), 1024, 1e9,
      "TCP send buffer (Linux tcp_wmem max: 4 MiB).");
  net("network.tcp.receive_buffer_bytes", FieldType::kInt, "bytes", ll(d.tcp.receive_buffer_bytes), 1024, 1e9,
      "TCP receive buffer (Linux tcp_rmem max: 6 MiB).");
  net("network.tcp.segment_bytes", FieldType::kInt, "bytes", ll(d.tcp.segment_bytes), 100, 65000,
      "TCP maximum segment size.");
  net("network.robot_distance_m", FieldType::kNumber, "m", d.robot_distance_m, 0.1, 1e5,
      "Robots sit on a circle of this radius around their AP or eNB.");
  net("network.robot_distances_m", FieldType::kNumberList, "m", std::vector<double>{}, 0.1, 1e5,
      "Per-robot distances from the AP or eNB, robot 1 first (e.g. [5, 40]: robot 2 farther out); robots "
      "past the list's end use network.robot_distance_m. At most one per robot (network-study: 2).");
  net("network.robot_angles_deg", FieldType::kNumberList, "degrees", std::vector<double>{}, -360, 360,
      "Per-robot bearings from the AP or eNB, robot 1 first (0: east, 90: north; e.g. [0, 10] puts two robots side "
      "by side). Robots past the list's end are spread evenly around the circle, as without the list.");
  net("network.station_distance_m", FieldType::kNumber, "m", d.station_distance_m, 0.1, 1e5,
      "Other stations (background traffic ends) likewise.");
  net_choice("network.mobility", d.mobility, "Robots stand still or walk at network.robot_speed_mps.");
  net("network.robot_speed_mps", FieldType::kNumber, "m/s", d.robot_speed_mps, 0, 100,
      "Walking speed for random-walk mobility.");
  net("network.flow_monitor", FieldType::kBool, "", d.flow_monitor, -kInf, kInf,
      "Per-IP-flow statistics from ns-3's FlowMonitor (flows.csv). Off by default: its per-packet probes add ~15-20% "
      "wall time to a 300 Mbps WiFi run.");
  net("network.pcap", FieldType::kBool, "", false, -kInf, kInf,
      "WiFi: write pcap traces of every device into the result directory.");
  net("tcpros.publisher_queue", FieldType::kInt, "messages", 10LL, 1, 100000,
      "Publisher queue_size (the velodyne driver's: 10); the oldest waiting message is dropped.");
  net("tcpros.subscriber_queue", FieldType::kInt, "messages", 10LL, 1, 100000,
      "Subscriber queue_size; the oldest waiting message is dropped.");
  net("tcpros.processing_fixed_ms", FieldType::kNumber, "ms", 0.0, 0, 1e6,
      "Subscriber callback cost per message (single-threaded).");
  net("tcpros.processing_per_mb_ms", FieldType::kNumber, "ms per MB", 134.95, 0, 1e6,
      "Subscriber callback cost per 10⁶ payload bytes. Default: calibrated once on the study's one-receiver condition "
      "(docs/network.md).");
  net("tcpros.bw_window", FieldType::kInt, "messages", 100LL, 2, 100000,
      "Messages averaged by the rostopic-bw estimate (rostopic's default: 100).");
  net("lidar.rotation_hz", FieldType::kNumber, "Hz", 9.92, 1, 30,
      "VLP-16 rotation rate: one PointCloud2 per rotation (the paper: 9.92 Hz).");
  net("lidar.azimuth_resolution_deg", FieldType::kNumber, "°", 0.0, 0, 10,
      "Azimuth step; 0: the VLP-16's own (one firing per 55.296 µs).");
  net("lidar.max_range_m", FieldType::kNumber, "m", 100.0, 1, 1000, "Rays hitting nothing nearer return no point.");
  {
    std::vector<std::string> profiles = {"none"};
    for (const auto& p : {"LOW_RES_ONLINE", "MED_RES_ONLINE", "HIGH_RES_ONLINE", "LOW_RES_OFFLINE", "MED_RES_OFFLINE",
                          "HIGH_RES_OFFLINE"}) {
      profiles.push_back(std::string(p) + "_COMPRESSION_WITHOUT_COLOR");
    }
    s.push_back(choice(
        "lidar.compression", profiles, "none",
        "Send each cloud compressed with PCL's octree point-cloud compression (this profile) instead of raw.", kNet));
  }
  net("lidar.scene.length_m", FieldType::kNumber, "m", 20.0, 1, 1000, "The scanned hall's length.");
  net("lidar.scene.width_m", FieldType::kNumber, "m", 13.0, 1, 1000, "Its width.");
  net("lidar.scene.wall_height_m", FieldType::kNumber, "m", 3.0, 0, 100,
      "Its walls' height (upper lasers clear them in places: no return).");
  net("lidar.scene.walkers", FieldType::kInt, "people", 4LL, 0, 1000, "People walking through it.");
  net("lidar.distinct_clouds", FieldType::kInt, "clouds", 10LL, 1, 100000,
      "Rotations actually ray-cast; their sizes repeat in a loop (keeps the simulator's cost in ns-3).");
  s.push_back(
      optional_file("camera.file",
                    "Video whose frames, JPEG-encoded with OpenCV, give the camera's message sizes (looping). Not "
                    "set: the parametric model (camera.bitrate_mbps…).",
                    kNet));
  net("camera.width", FieldType::kInt, "pixels", 1280LL, 0, 10000,
      "Frames are resized to width × height before encoding (0: as recorded).");
  net("camera.height", FieldType::kInt, "pixels", 720LL, 0, 10000, "See camera.width.");
  net("camera.jpeg_quality", FieldType::kInt, "", 90LL, 1, 100, "JPEG quality of the encoded frames.");
  net("camera.fps", FieldType::kNumber, "Hz", 30.0, 0.1, 1000, "Frames published per second.");
  net("camera.max_frames", FieldType::kInt, "frames", 300LL, 1, 100000,
      "Frames of the file encoded (then looped); JPEG-encoding an HD frame takes ~10 ms.");
  net("camera.bitrate_mbps", FieldType::kNumber, "Mbps", 8.0, 0.01, 10000,
      "Parametric model: mean bitrate (the paper: HD video > 8 Mbps).");
  net("camera.gop", FieldType::kInt, "frames", 30LL, 1, 10000,
      "Parametric model: frames per group of pictures (one I frame).");
  net("camera.i_to_p_ratio", FieldType::kNumber, "", 5.0, 1, 1000, "Parametric model: I-frame size ÷ P-frame size.");
  net("run.duration_s", FieldType::kNumber, "s", 30.0, 1, 1e6, "Simulated time of each run (each study condition).");
  net("run.warmup_s", FieldType::kNumber, "s", 5.0, 0, 1e6,
      "Samples before this time are left out of the medians in summary.csv.");
  net("run.sample_interval_s", FieldType::kNumber, "s", 1.0, 0.01, 1e6,
      "rostopic-bw-style rate samples, one per interval (rostopic: 1 s).");
  {
    FieldSpec f = field("study.conditions", FieldType::kChoiceList, "",
                        std::vector<std::string>{"sender", "one_receiver", "with_download", "two_pairs"}, -kInf, kInf,
                        "Fig. 2's conditions: sender (no remote subscriber), one_receiver, with_download (a bulk TCP "
                        "download to another station), two_pairs (two robot→server pairs).",
                        {"network-study"});
    f.choices = {"sender", "one_receiver", "with_download", "two_pairs"};
    s.push_back(f);
  }
  for (const auto& [condition, file] :
       std::vector<std::pair<std::string, std::string>>{{"sender", "bw_lidar_source_with_receiver.txt"},
                                                        {"one_receiver", "bw_lidar_receiver_with_receiver.txt"},
                                                        {"with_download", "bw_lidar_receiver_with_download.txt"},
                                                        {"two_pairs", "bw_lidar_receiver_both_lidars.txt"}}) {
    s.push_back(field("study.measured." + condition, FieldType::kPath, "", "${data}/paper-lidar-measurements/" + file,
                      -kInf, kInf,
                      "`rostopic bw` log measured in the " + condition +
                          " condition, put beside the simulation in summary.csv and the figure. Default: the "
                          "paper's own (bundled). Point it at your lab's logs to compare with them.",
                      {"network-study"}));
  }
  s.push_back(field("study.subscribers", FieldType::kInt, "subscribers", 1LL, 1, 8,
                    "Subscribers on every receiver, each with its own TCPROS connection and process (2: rostopic bw "
                    "and rostopic hz at once). The extra ones are the flows <flow>_sub2, _sub3, ...",
                    {"network-study"}));
  for (const auto& [condition, file] :
       std::vector<std::pair<std::string, std::string>>{{"sender", "hz_lidar_source_with_receiver.txt"},
                                                        {"one_receiver", "hz_lidar_receiver_with_receiver.txt"},
                                                        {"with_download", "hz_lidar_receiver_with_download.txt"},
                                                        {"two_pairs", "hz_lidar_receiver_both_lidars.txt"}}) {
    s.push_back(field("study.measured_hz." + condition, FieldType::kPath, "",
                      "${data}/paper-lidar-measurements/" + file, -kInf, kInf,
                      "`rostopic hz` log measured in the " + condition +
                          " condition: its rate and shortest / longest interval between messages go beside the "
                          "simulated ones in summary.csv. Default: the paper's own (bundled).",
                      {"network-study"}));
  }
  net_run("robots.count", FieldType::kInt, "robots", 4LL, 1, 1000,
          "network-run: robots, each streaming robots.streams to server (k mod servers.count).");
  {
    FieldSpec f =
        field("robots.streams", FieldType::kChoiceList, "", std::vector<std::string>{"lidar"}, -kInf, kInf,
              "network-run, closed-loop: what every robot publishes (one TCPROS flow each); [] for none.", kNetRun);
    f.choices = {"lidar", "video"};
    f.allow_empty = true;  // closed-loop: robots that only offload
    s.push_back(f);
  }
  net_run("servers.count", FieldType::kInt, "servers", 1LL, 1, 1000, "network-run: servers behind the AP / PGW.");
  net_run("stations.count", FieldType::kInt, "stations", 0LL, 0, 1000,
          "network-run: other WiFi stations / UEs, the ends of background flows.");
  net_run("background.flows", FieldType::kInt, "flows", 0LL, 0, 1000,
          "network-run: background flows; flow k runs between station k mod stations.count and server k mod "
          "servers.count.");
  s.push_back(choice("background.kind", nm::choice_names<nm::BackgroundKind>(), nm::name_of(nm::BackgroundSpec{}.kind),
                     "network-run: bulk (TCP, as fast as it goes) or cbr (UDP at background.rate_mbps).", kNetRun));
  s.push_back(choice("background.direction", nm::choice_names<nm::Direction>(),
                     nm::name_of(nm::BackgroundSpec{}.direction), "network-run: download (server → station) or upload.",
                     kNetRun));
  net_run("background.rate_mbps", FieldType::kNumber, "Mbps", 10.0, 0.001, 1e6, "network-run: rate of each cbr flow.");
  s.push_back(field("background.capacity_share", FieldType::kNumber, "", 0.0, 0, 10,
                    "The cbr flows' total rate as a share of the cell's capacity, measured first in ns-3 as the "
                    "goodput of one TCP bulk flow alone in the same network and direction (docs/congestion.md; "
                    "cell_capacity.csv); 0: each flow at background.rate_mbps.",
                    {"network-run", "closed-loop"}));
  net_run("background.start_s", FieldType::kNumberList, "s", std::vector<double>{0.0}, 0, 1e6,
          "network-run: start time of each flow (one value: all flows).");
  net_run("background.stop_s", FieldType::kNumberList, "s", std::vector<double>{1e6}, 0, 1e7,
          "network-run: stop time of each flow (one value: all flows).");

  // ---- closed-loop: offload agents inside the ns-3 network (docs/loop.md) ----
  auto loop = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                  std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kLoop));
  };
  loop("loop.fps", FieldType::kNumber, "frames/s", 10.0, 0.1, 1000, "Frames each robot decides about per second.");
  loop("loop.deadline_ms", FieldType::kNumber, "ms", 0.0, 0, 1e6,
       "A frame's answer must be in hand this long after the frame arrives; 0: one frame period.");
  loop("loop.start_s", FieldType::kNumber, "s", 1.0, 0.5, 1e6,
       "The first frame (after association or attach and the TCP handshake to the cloud).");
  loop("loop.timeout_ms", FieldType::kNumber, "ms", 1000.0, 1, 1e6,
       "A query not answered this long after it was sent is given up (a time-out for the estimator).");
  loop("loop.max_in_flight", FieldType::kInt, "queries", 4LL, 1, 1000,
       "At most this many queries outstanding per robot; a query beyond it runs the robot model instead.");
  loop("loop.query_bytes", FieldType::kInt, "bytes", 512LL, 1, 1e8,
       "A query's payload when loop.query_video is not set: 512 = a 128-float embedding.");
  s.push_back(
      optional_file("loop.query_video",
                    "A video whose frames, JPEG-encoded at camera.width × camera.height and camera.jpeg_quality, "
                    "give each query's payload (frame f of the stream: the video's frame f mod its length).",
                    kLoop));
  loop("loop.budget", FieldType::kNumber, "fraction of T", 0.3, 0, 1,
       "The paper's per-episode budget N/T: the most an episode can grant when bandwidth is plentiful.");
  loop("loop.budget_share", FieldType::kNumber, "", 0.1, 1e-6, 1,
       "Tokens per episode are at most this share of the measured delivery rate × episode length ÷ mean query size.");
  loop("loop.price_gain", FieldType::kNumber, "", 2.0, 0, 1e6,
       "A query's price is mdp.cost.cloud · (1 + gain · κ · bytes ÷ mean bytes), κ = queueing ÷ (base RTT + "
       "queueing) as the robot measures it: the paper's constant cost on an idle path.");
  loop("loop.probe_interval_s", FieldType::kNumber, "s", 0.5, 0.01, 1e6,
       "Every robot sends a probe (loop.probe_bytes, answered without a worker) this often: its small round trip "
       "gives the path's base delay, and a robot that never queries still has an estimate.");
  loop("loop.probe_bytes", FieldType::kInt, "bytes", 64LL, 1, 1e6, "Payload of a probe.");
  loop("loop.reply_bytes", FieldType::kInt, "bytes", 64LL, 17, 1e6, "A reply's size (the label message).");

  loop("loop.estimator_window_s", FieldType::kNumber, "s", 10.0, 0.1, 1e6,
       "Window of the estimator's min-RTT and max-delivery-rate filters (BBR's 10 s).");
  s.push_back(field("loop.network_features", FieldType::kBool, "", false, -kInf, kInf,
                    "Train a policy that sees the network features (smoothed and the last three round trips, "
                    "queueing, delivery rate, time-out rate, price, predicted reply, tokens left; docs/loop.md) "
                    "besides the paper's state. Off: the paper's state. Where saved policies play, each sees the "
                    "features it was trained on (its sidecar's), so both kinds play in one paired run.",
                    {"surrogate-train"}));
  loop("robot.inference_ms", FieldType::kNumber, "ms", kRobotInferenceMs, 0, 1e6,
       "The on-board model's time per frame; its result counts only if ready by the deadline. Default: the "
       "measured median of the OpenCV robot model (docs/loop.md).");
  loop("cloud.workers", FieldType::kInt, "workers", 1LL, 1, 1000, "Queries the cloud serves at once.");
  loop("cloud.service_ms", FieldType::kNumber, "ms", kCloudServiceMs, 0, 1e6,
       "The cloud model's time per query. Default: the measured median of the OpenCV cloud model (docs/loop.md).");
  s.push_back(
      optional_file("cloud.service_times",
                    "A timing CSV with a cloud_ms column: service times are drawn from it (seeded) instead of "
                    "cloud.service_ms. With width and height columns (perception-timing's timing.csv), only the rows "
                    "of the queries' frame size (camera.width × camera.height) are drawn from.",
                    kLoop));
  loop("cloud.server", FieldType::kInt, "server", 1LL, 1, 1000, "The server that hosts the cloud (1: the first).");
  s.push_back(field("run.seeds", FieldType::kInt, "seeds", 5LL, 1, 1000,
                    "Seeds the closed loop runs: seed, seed + 1, …, each a whole replication (robots' streams, "
                    "channel, service times, policies' draws) that every policy plays, so that policies are "
                    "compared paired by seed (comparison.csv). A sweep that replicates by itself sets 1.",
                    {"closed-loop"}));
  s.push_back(field("loop.reference_policy", FieldType::kString, "", std::string(""), -kInf, kInf,
                    "The policy every other is compared with, paired by seed (comparison.csv and the terminal "
                    "table's Δ column): a name as the run prints it (e.g. all-robot, congestion-aware-q50); "
                    "empty: the first of eval.policies.",
                    {"closed-loop"}));

  // ---- congestion traces and the surrogate (docs/congestion.md) ----
  s.push_back(field("loop.query_rates", FieldType::kNumberList, "queries/frame",
                    std::vector<double>{0.1, 0.3, 0.6, 1.0}, 0, 1,
                    "The scripted policy (eval.policies: scripted) runs once per rate: at every frame it asks for the "
                    "cloud with this probability, otherwise runs the robot model, blind to everything (the "
                    "congestion traces' probe of the network; tokens and the in-flight limit still apply).",
                    {"closed-loop", "congestion-traces", "surrogate-check", "live"}));
  s.push_back(field("traces.networks", FieldType::kChoiceList, "", std::vector<std::string>{"wifi", "lte"}, -kInf, kInf,
                    "The grid of the congestion kinds: its networks (network.type of each condition).",
                    {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.back().choices = {"wifi", "lte", "wired"};
  s.push_back(field("traces.robots", FieldType::kNumberList, "robots", std::vector<double>{1, 4}, 1, 1000,
                    "The grid of the congestion kinds: robots per cell (robots.count of each condition).",
                    {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.push_back(
      field("traces.background_mbps", FieldType::kNumberList, "Mbps", std::vector<double>{0, 20}, 0, 1e6,
            "The grid of the congestion kinds: background load, one constant-rate (UDP) download of this rate through "
            "the cell, 0 none (overrides background.*).",
            {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.push_back(
      optional_file("surrogate.traces",
                    "surrogate-check, surrogate-train: the congestion_traces.csv (kind congestion-traces, over the "
                    "same grid, with another seed) whose answered queries and probes fit each condition's cell.",
                    {"surrogate-check", "surrogate-train"}));
  // ---- live: the agent as real processes over sockets (docs/live.md) ----
  s.push_back(choice("live.source", {"video", "stream"}, "video",
                     "video: robots read video.files[0] in real time, run the OpenCV robot model on each frame and "
                     "send it as a JPEG (camera.jpeg_quality) to the OpenCV cloud model; stream: robots play "
                     "stream.* traces, send loop.query_bytes, and the cloud answers from the same traces.",
                     kLive));
  s.push_back(choice("live.network", {"loopback", "ns3"}, "loopback",
                     "loopback: robots and cloud talk over 127.0.0.1; ns3: each process in its own network namespace, "
                     "joined to the scenario's ns-3 network (network.*) run in real time.",
                     kLive));
  s.push_back(field("live.max_connections", FieldType::kInt, "connections", 64LL, 1, 100000,
                    "The cloud accepts at most this many connections; the ones beyond are closed at once.", kLive));
  s.push_back(field("live.max_message_kb", FieldType::kInt, "KiB", 4096LL, 1, 1048576,
                    "The largest request the cloud reads (checked before allocating); larger closes the connection.",
                    kLive));
  s.push_back(field("live.read_timeout_s", FieldType::kNumber, "s", 10.0, 0.01, 1e6,
                    "The cloud closes a connection idle this long, or this slow to finish a message.", kLive));
  s.push_back(field("live.backoff_max_s", FieldType::kNumber, "s", 2.0, 0.01, 3600,
                    "A robot reconnects after 0.1 s, doubling up to this, while the cloud is unreachable.", kLive));
  s.push_back(field("live.compare", FieldType::kBool, "", true, -kInf, kInf,
                    "Also run the same scenario in pure simulation (kind closed-loop, with the service and inference "
                    "times the live run measured) and write comparison.csv.",
                    kLive));
  s.push_back(field("live.max_lag_ms", FieldType::kNumber, "ms", 50.0, 0.1, 1e6,
                    "ns3: the run fails when the real-time simulator stays this far behind the wall clock for a "
                    "second (shorter excursions are counted and reported).",
                    kLive));
  s.push_back(field("live.inputs", FieldType::kString, "", std::string(), -kInf, kInf,
                    "A directory of prepared inputs (frames.csv, calibration.csv) for `offloadsim robot` in video "
                    "mode; kind live writes one (<out>/inputs/) and sets it.",
                    kLive));

  // ---- output ----
  s.push_back(field("output.figures", FieldType::kBool, "", true, -kInf, kInf,
                    "Draw the figures (PNG and PDF) with analysis/ after the CSVs are written.", {}));
  return s;
}

}  // namespace

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
  for (const auto& k : experiment_kinds()) md += fmt::format("- `{}`: {}\n", k.name, k.summary);
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
