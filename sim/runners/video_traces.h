// kind: video-traces — real video (the OpenCV perception pipeline, or the paper's own per-frame
// traces) turned into train and test trace sets, split by segment; and kind: hardware-experiment —
// the paper's §V-B analogue on those traces (RL trained on training segments, evaluated on
// held-out segments against all-robot, all-cloud, a linear threshold sweep and the oracle).
// docs/perception.md.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/perception/video_perception.h"
#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

struct VideoTraceSet {
  std::string source;  // opencv | paper
  // test: the segments evaluated on — the test segments, or the validation ones when held_out
  // is "validation" (the test segments are then left out of the set altogether).
  std::string held_out = "test";
  std::vector<agents::Trace> train, test;
  // opencv only: every processed frame, with where it went.
  struct Row {
    std::string video;
    agents::FrameRecord record;
    std::string trace;  // segment id ("" when the segment was dropped)
    int step = 0;       // frame index within the trace
    std::string split;  // train | validation | test ("" when the segment was dropped)
  };
  std::vector<Row> frames;
  agents::RobotCalibration calibration;
};

// The scenario's HOG people-counter options of one model (which: robot | cloud), video.<which>.*.
agents::HogCounterOptions video_counter_options(const Scenario& sc, const std::string& which);

// Builds the trace set of one source from a video-traces or hardware-experiment scenario. With
// validation, a share hardware.validation_fraction of the training segments is held out as
// VideoTraceSet::test instead (held_out "validation"), and the test segments are left out.
VideoTraceSet build_video_traces(const Scenario& sc, const std::string& source, bool progress, bool validation = false);

// Writes train_traces.csv, <held_out>_traces.csv and (opencv) frames.csv and timing.csv into dir;
// prints a summary (segments, model accuracy and times) to out.
void write_video_traces(const VideoTraceSet& set, const std::filesystem::path& dir, std::ostream& out, RunRecord& rec);

void run_video_traces(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);
void run_hardware_experiment(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

// Spearman rank correlation (ties get their average rank); NaN when either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace offloadsim::sim
