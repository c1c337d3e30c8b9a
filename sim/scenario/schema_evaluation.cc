#include <string>
#include <vector>

#include "agents/mdp/offload_mdp.h"
#include "sim/scenario/schema_parts.h"

// The schema's fields of the evaluation kinds: the MDP, the input stream, the protocol, RL training,
// real video and the models' timing.

namespace offloadsim::sim::schema_parts {

void add_evaluation_fields(std::vector<FieldSpec>& s) {
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
}

}  // namespace offloadsim::sim::schema_parts
