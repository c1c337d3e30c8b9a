#include "sim/runners/loop_inputs.h"

#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "agents/streams/facenet_table.h"
#include "agents/streams/trace_csv.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "netmodels/sensors/video_frames.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {

namespace nm = netmodels;

double loop_deadline_s(const Scenario& sc) {
  const double d = sc.number("loop.deadline_ms");
  return d > 0 ? d / 1000.0 : 1.0 / sc.number("loop.fps");
}

// Frames a robot needs: every frame whose deadline falls within the run.
int loop_frames_needed(const Scenario& sc) {
  return static_cast<int>(
             std::ceil((sc.number("run.duration_s") - sc.number("loop.start_s")) * sc.number("loop.fps"))) +
         1;
}

PolicySettings loop_policy_settings(const Scenario& sc) {
  PolicySettings p;
  p.entries = sc.texts("eval.policies");
  p.all_robot_run_every = static_cast<int>(sc.integer("eval.all_robot_run_every"));
  p.heuristic_percentiles = sc.numbers("eval.heuristic_percentiles");
  p.query_rates = sc.numbers("loop.query_rates");
  p.rl_sample = sc.flag("eval.rl_sample");
  return p;
}

agents::SyntheticStreamParams loop_stream_params(const Scenario& sc, const std::string& split) {
  agents::SyntheticStreamParams p;
  p.horizon = static_cast<int>(sc.integer("stream.horizon"));
  p.coherence_mean = sc.number("stream.coherence_mean");
  p.p_known = sc.number("stream.p_known");
  p.redraw_every = static_cast<int>(sc.integer("stream.redraw_every"));
  p.split = split;
  return p;
}

LoopStreams loop_streams(const Scenario& sc) {
  LoopStreams in;
  const int robots = static_cast<int>(sc.integer("robots.count"));
  const int need = loop_frames_needed(sc);
  const std::uint64_t seed = sc.seed();
  if (sc.text("stream.source") == "synthetic") {
    const agents::FacenetTable table = agents::FacenetTable::load(sc.text("stream.table"));
    agents::SyntheticStreamParams p = loop_stream_params(sc, sc.text("stream.test_split"));
    const agents::SyntheticStream test(table, p);
    for (int r = 0; r < robots; ++r) {
      std::vector<agents::Trace> eps;
      const std::uint64_t robot_seed =
          base::derive_seed(seed, base::streams::kLoopRobotTraces, static_cast<std::uint64_t>(r));
      for (int e = 0, frames = 0; frames < need; ++e) {
        eps.push_back(test.generate(base::derive_seed(robot_seed, 0, static_cast<std::uint64_t>(e)),
                                    fmt::format("robot{}-{:03}", r + 1, e)));
        frames += eps.back().horizon();
      }
      in.episodes.push_back(std::move(eps));
    }
    p.split = sc.text("stream.train_split");
    const agents::SyntheticStream train(table, p);
    for (long long i = 0; i < sc.integer("eval.calibration_traces"); ++i) {
      in.calibration.push_back(
          train.generate(base::derive_seed(seed, base::streams::kLoopCalibration, static_cast<std::uint64_t>(i)),
                         fmt::format("train-{:03}", i)));
    }
  } else {
    // Robot r plays traces r, r + R, r + 2R, … of the file (cycling): robots see different traces
    // whenever the file has at least as many traces as there are robots.
    const std::vector<agents::Trace> traces = agents::read_traces_csv(sc.text("stream.test_traces"));
    for (int r = 0; r < robots; ++r) {
      std::vector<agents::Trace> eps;
      for (std::size_t k = static_cast<std::size_t>(r), frames = 0; static_cast<int>(frames) < need; k += robots) {
        eps.push_back(traces[k % traces.size()]);
        frames += eps.back().frames.size();
      }
      in.episodes.push_back(std::move(eps));
    }
    if (!sc.text("stream.train_traces").empty())
      in.calibration = agents::read_traces_csv(sc.text("stream.train_traces"));
  }
  return in;
}

QuerySizes loop_query_sizes(const Scenario& sc, bool progress) {
  QuerySizes q;
  if (!sc.text("loop.query_video").empty()) {
    const nm::EncodedVideo v = encode_camera_video(sc, sc.text("loop.query_video"), progress);
    q.bytes = v.frame_bytes;
    q.what = fmt::format("JPEG frames of {} ({}×{}, q{})", sc.text("loop.query_video"), v.width, v.height,
                         sc.integer("camera.jpeg_quality"));
  } else {
    q.bytes = {static_cast<std::uint32_t>(sc.integer("loop.query_bytes"))};
    q.what = "a fixed payload (loop.query_bytes)";
  }
  q.mean = std::accumulate(q.bytes.begin(), q.bytes.end(), 0.0) / static_cast<double>(q.bytes.size());
  return q;
}

std::vector<double> loop_service_times(const Scenario& sc) {
  if (sc.text("cloud.service_times").empty()) return {sc.number("cloud.service_ms") / 1000.0};
  const base::CsvTable t = base::CsvTable::read(sc.text("cloud.service_times"));
  const std::size_t c = t.column("cloud_ms");
  // A file of several frame sizes (perception-timing's timing.csv): the rows of the queries' own
  // size, which the camera settings give when queries are frames of loop.query_video.
  const bool sized = t.has_column("width") && t.has_column("height");
  std::set<std::pair<int, int>> in_file;
  if (sized) {
    for (std::size_t r = 0; r < t.rows(); ++r)
      in_file.insert({t.integer(r, t.column("width")), t.integer(r, t.column("height"))});
  }
  auto list = [&] {
    std::string s;
    for (const auto& [w, h] : in_file) s += fmt::format("{}{}×{}", s.empty() ? "" : ", ", w, h);
    return s;
  };
  std::optional<std::pair<int, int>> want;
  if (sized && !sc.text("loop.query_video").empty()) {
    want = std::pair<int, int>{static_cast<int>(sc.integer("camera.width")),
                               static_cast<int>(sc.integer("camera.height"))};
    if (!in_file.count(*want)) {
      throw base::InputError(t.path(), 0, "width,height",
                             fmt::format("no times for the queries' frame size {}×{} (camera.width × camera.height); "
                                         "the file has {}: time the models at that size (kind perception-timing, "
                                         "timing.widths and timing.heights)",
                                         want->first, want->second, list()));
    }
  } else if (sized && in_file.size() > 1) {
    throw base::InputError(t.path(), 0, "width,height",
                           fmt::format("times for {} frame sizes ({}), but the queries are a fixed payload "
                                       "(loop.query_bytes) of no frame size: give loop.query_video, or a file of one "
                                       "size",
                                       in_file.size(), list()));
  }
  // The file's times are held to the range of cloud.service_ms, the one they stand in for.
  const FieldSpec& one = *find_field("cloud.service_ms");
  std::vector<double> v;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (want && std::pair<int, int>{t.integer(r, t.column("width")), t.integer(r, t.column("height"))} != *want)
      continue;
    const double ms = t.number(r, c);
    if (!(ms >= one.min && ms <= one.max)) {
      throw base::InputError(t.path(), t.line_of(r), "cloud_ms",
                             fmt::format("{} is not a service time: must be a number in [{:g}, {:g}] ms (the range of "
                                         "cloud.service_ms)",
                                         t.cell(r, c), one.min, one.max));
    }
    v.push_back(ms / 1000.0);
  }
  if (v.empty()) throw base::InputError(t.path(), 0, "cloud_ms", "no rows");
  return v;
}

agents::RobotAgentSettings loop_agent_settings(const Scenario& sc, double mean_query_bytes) {
  agents::RobotAgentSettings a;
  a.mdp = mdp_params(sc);
  a.fps = sc.number("loop.fps");
  a.deadline_s = loop_deadline_s(sc);
  a.inference_s = sc.number("robot.inference_ms") / 1000.0;
  a.timeout_s = sc.number("loop.timeout_ms") / 1000.0;
  a.max_in_flight = static_cast<int>(sc.integer("loop.max_in_flight"));
  a.budget_fraction = sc.number("loop.budget");
  a.budget_share = sc.number("loop.budget_share");
  a.price_gain = sc.number("loop.price_gain");
  a.probe_interval_s = sc.number("loop.probe_interval_s");
  a.mean_query_bytes = mean_query_bytes;
  a.estimator.window_s = sc.number("loop.estimator_window_s");
  return a;
}

}  // namespace offloadsim::sim
