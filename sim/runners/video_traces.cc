#include "sim/runners/video_traces.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <random>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <opencv2/videoio.hpp>

#include "agents/streams/paper_video_traces.h"
#include "agents/streams/trace_csv.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

// Which of n segments are held out: a seeded Fisher–Yates shuffle (our own, so that every
// standard library gives the same split), the first round(fraction·n) of it. At least one
// segment on each side whenever 0 < fraction < 1 and n ≥ 2.
// Index 0 draws the test segments; index 1 the validation segments among the rest.
std::vector<bool> choose_segments(size_t n, double fraction, std::uint64_t seed, std::uint64_t index) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(base::derive_seed(seed, base::streams::kVideoSplit, index));
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  long k = std::lround(fraction * static_cast<double>(n));
  if (fraction > 0 && fraction < 1 && n >= 2) k = std::clamp<long>(k, 1, static_cast<long>(n) - 1);
  std::vector<bool> test(n, false);
  for (long i = 0; i < k; ++i) test[order[static_cast<size_t>(i)]] = true;
  return test;
}

// Each segment's role: train, test, or (with validation) validation — a share
// hardware.validation_fraction of the non-test segments, drawn from its own seeded stream so that
// the test segments are the same with or without it.
std::vector<std::string> segment_roles(const Scenario& sc, size_t n, bool validation) {
  const std::vector<bool> test = choose_segments(n, sc.number("video.test_fraction"), sc.seed(), 0);
  std::vector<std::string> roles(n);
  std::vector<size_t> rest;
  for (size_t i = 0; i < n; ++i) {
    roles[i] = test[i] ? "test" : "train";
    if (!test[i]) rest.push_back(i);
  }
  if (validation) {
    const std::vector<bool> held =
        choose_segments(rest.size(), sc.number("hardware.validation_fraction"), sc.seed(), 1);
    for (size_t k = 0; k < rest.size(); ++k) {
      if (held[k]) roles[rest[k]] = "validation";
    }
  }
  return roles;
}

// The training episodes: with a stride, windows of T frames every `stride` frames over each run of
// consecutive training segments of one video (a run shorter than T is one episode), so that a
// learner sees the training footage from many starting points rather than 40-frame blocks it can
// learn by heart; without (0), the training segments themselves. Windows never reach into a
// held-out segment.
std::vector<agents::Trace> training_episodes(const std::vector<agents::Trace>& segments,
                                             const std::vector<std::string>& video,
                                             const std::vector<std::string>& roles, int T, int stride) {
  std::vector<agents::Trace> out;
  for (size_t i = 0; i < segments.size();) {
    if (roles[i] != "train") {
      ++i;
      continue;
    }
    if (stride <= 0) {
      out.push_back(segments[i++]);
      continue;
    }
    agents::Trace run;
    run.feature_names = segments[i].feature_names;
    const size_t first = i;
    for (; i < segments.size() && roles[i] == "train" && video[i] == video[first]; ++i) {
      run.frames.insert(run.frames.end(), segments[i].frames.begin(), segments[i].frames.end());
    }
    const int n = run.horizon();
    std::vector<int> starts;
    for (int s = 0; s + T <= n; s += stride) starts.push_back(s);
    if (starts.empty() || starts.back() + T < n) starts.push_back(std::max(0, n - T));
    for (const int s : starts) {
      agents::Trace w;
      w.id = fmt::format("{}-w{}", segments[first].id, s);
      w.feature_names = run.feature_names;
      w.frames.assign(run.frames.begin() + s, run.frames.begin() + std::min(n, s + T));
      out.push_back(std::move(w));
    }
  }
  return out;
}

int window_stride(const Scenario& sc) {
  return sc.kind() == "hardware-experiment" ? static_cast<int>(sc.integer("hardware.train_window_stride")) : 0;
}

void check_split(const Scenario& sc, const VideoTraceSet& set, size_t segments) {
  if (set.train.empty() || set.test.empty()) {
    const bool validation = set.held_out == "validation";
    throw sc.error(validation ? "hardware.validation_fraction" : "video.test_fraction",
                   fmt::format("{} segments of {} frames give {} training and {} {} traces; both sets need one "
                               "(use more video, shorter video.segment_frames, or another {} fraction)",
                               segments, sc.integer("video.segment_frames"), set.train.size(), set.test.size(),
                               set.held_out, set.held_out));
  }
}

}  // namespace

agents::HogCounterOptions video_counter_options(const Scenario& sc, const std::string& which) {
  agents::HogCounterOptions o = which == "robot" ? agents::robot_counter_defaults() : agents::cloud_counter_defaults();
  o.upscale = sc.number("video." + which + ".upscale");
  o.stride = static_cast<int>(sc.integer("video." + which + ".stride"));
  o.pyramid_scale = sc.number("video." + which + ".pyramid_scale");
  return o;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  auto ranks = [](const std::vector<double>& v) {
    std::vector<size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < idx.size();) {
      size_t j = i;
      while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
      const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
      for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
      i = j + 1;
    }
    return r;
  };
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n, my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

VideoTraceSet build_video_traces(const Scenario& sc, const std::string& source, bool progress, bool validation) {
  VideoTraceSet set;
  set.source = source;
  set.held_out = validation ? "validation" : "test";
  const int T = static_cast<int>(sc.integer("video.segment_frames"));

  if (source == "paper") {
    std::vector<agents::Trace> segments;
    std::vector<std::string> video;
    for (const std::string& file : sc.texts("video.paper_traces")) {
      for (agents::Trace& s : agents::segment_trace(agents::read_paper_video_trace(file), T)) {
        segments.push_back(std::move(s));
        video.push_back(file);
      }
    }
    const std::vector<std::string> roles = segment_roles(sc, segments.size(), validation);
    set.train = training_episodes(segments, video, roles, T, window_stride(sc));
    for (size_t i = 0; i < segments.size(); ++i) {
      if (roles[i] == set.held_out) set.test.push_back(segments[i]);
    }
    check_split(sc, set, segments.size());
    return set;
  }

  // opencv: run the perception pipeline over every video.
  agents::VideoOptions vo;
  vo.frame_step = static_cast<int>(sc.integer("video.frame_step"));
  vo.max_frames = static_cast<int>(sc.integer("video.max_frames"));
  vo.robot = video_counter_options(sc, "robot");
  vo.cloud = video_counter_options(sc, "cloud");
  const std::vector<std::string>& files = sc.texts("video.files");
  std::unique_ptr<std::map<int, int>> labels;
  if (!sc.text("video.labels").empty()) {
    if (files.size() != 1) throw sc.error("video.labels", "real annotations can be given for a single video only");
    labels = std::make_unique<std::map<int, int>>(agents::read_frame_labels(sc.text("video.labels")));
  }
  struct Segment {
    std::string id;
    size_t first, count;  // rows of set.frames
  };
  std::vector<Segment> segments;
  for (const std::string& file : files) {
    std::unique_ptr<Progress> bar;
    if (progress) {
      cv::VideoCapture probe(file, cv::CAP_FFMPEG);
      long total = std::lround(probe.get(cv::CAP_PROP_FRAME_COUNT));
      total = (total + vo.frame_step - 1) / vo.frame_step;
      if (vo.max_frames > 0) total = std::min<long>(total, vo.max_frames);
      bar = std::make_unique<Progress>("perception " + fs::path(file).filename().string(),
                                       static_cast<size_t>(std::max<long>(total, 1)));
    }
    const std::vector<agents::FrameRecord> records = agents::process_video(file, vo, [&](const agents::FrameRecord&) {
      check_interrupt();
      if (bar) bar->advance();
    });
    if (bar) bar->finish();
    const size_t base = set.frames.size();
    for (const agents::FrameRecord& r : records) set.frames.push_back({file, r, "", 0, ""});
    const std::string stem = fs::path(file).stem().string();
    for (size_t start = 0, k = 0; start < records.size(); start += static_cast<size_t>(T), ++k) {
      const size_t count = std::min(records.size() - start, static_cast<size_t>(T));
      if (count < static_cast<size_t>(T) && 2 * count < static_cast<size_t>(T)) break;
      segments.push_back({fmt::format("{}-s{}", stem, k), base + start, count});
    }
  }
  const std::vector<std::string> roles = segment_roles(sc, segments.size(), validation);
  // The robot model's calibration is fitted on training segments only.
  std::vector<agents::FrameRecord> training;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (roles[i] != "train") continue;
    for (size_t j = 0; j < segments[i].count; ++j) training.push_back(set.frames[segments[i].first + j].record);
  }
  set.calibration = agents::RobotCalibration::fit(training);
  const std::vector<double>& edges = sc.numbers("video.crowd_edges");
  if (!std::is_sorted(edges.begin(), edges.end())) throw sc.error("video.crowd_edges", "must be increasing");
  std::vector<agents::Trace> traces;
  std::vector<std::string> video;
  for (size_t i = 0; i < segments.size(); ++i) {
    std::vector<agents::FrameRecord> records;
    for (size_t j = 0; j < segments[i].count; ++j) {
      VideoTraceSet::Row& row = set.frames[segments[i].first + j];
      row.trace = segments[i].id;
      row.step = static_cast<int>(j);
      row.split = roles[i];
      records.push_back(row.record);
    }
    agents::Trace t;
    t.id = segments[i].id;
    t.feature_names = {"frame_diff"};
    t.frames = agents::to_mdp_frames(records, set.calibration, edges, labels.get());
    if (roles[i] == set.held_out) set.test.push_back(t);
    traces.push_back(std::move(t));
    video.push_back(set.frames[segments[i].first].video);
  }
  set.train = training_episodes(traces, video, roles, T, window_stride(sc));
  check_split(sc, set, segments.size());
  return set;
}

void write_video_traces(const VideoTraceSet& set, const fs::path& dir, std::ostream& out, RunRecord& rec) {
  for (const auto& [name, traces] :
       {std::pair<std::string, const std::vector<agents::Trace>*>{"train_traces.csv", &set.train},
        {set.held_out + "_traces.csv", &set.test}}) {
    AtomicFile f(dir / name);
    agents::write_traces_csv(f.stream(), *traces);
    f.commit();
    rec.outputs.push_back(name);
  }
  size_t frames = 0;
  for (const auto* traces : {&set.train, &set.test}) {
    for (const auto& t : *traces) frames += static_cast<size_t>(t.horizon());
  }
  fmt::print(out, "{}: {} training and {} {} traces ({} frames)\n", set.source, set.train.size(), set.test.size(),
             set.held_out, frames);
  if (set.frames.empty()) return;

  // frames.csv: deterministic (model outputs, no times). timing.csv: the wall-time measurements.
  {
    AtomicFile f(dir / "frames.csv");
    f.stream() << "video,frame,trace,step,split,frame_diff,robot_count,cloud_count\n";
    for (const auto& r : set.frames) {
      fmt::print(f.stream(), "{},{},{},{},{},{},{},{}\n", fs::path(r.video).filename().string(), r.record.frame,
                 r.trace, r.step, r.trace.empty() ? "none" : r.split, r.record.frame_diff, r.record.robot_count,
                 r.record.cloud_count);
    }
    f.commit();
  }
  std::vector<double> robot_ms, cloud_ms;
  {
    AtomicFile f(dir / "timing.csv");
    f.stream() << "video,frame,robot_ms,cloud_ms\n";
    for (const auto& r : set.frames) {
      robot_ms.push_back(1e3 * r.record.robot_seconds);
      cloud_ms.push_back(1e3 * r.record.cloud_seconds);
      fmt::print(f.stream(), "{},{},{:.3f},{:.3f}\n", fs::path(r.video).filename().string(), r.record.frame,
                 robot_ms.back(), cloud_ms.back());
    }
    f.commit();
  }
  rec.outputs.insert(rec.outputs.end(), {"frames.csv", "timing.csv"});
  size_t right = 0, total = 0;
  for (const auto* traces : {&set.train, &set.test}) {
    for (const auto& t : *traces) {
      for (const auto& fr : t.frames) right += fr.robot_prediction == fr.true_label, ++total;
    }
  }
  rec.notes["robot_model_median_ms"] = base::median(robot_ms);
  rec.notes["cloud_model_median_ms"] = base::median(cloud_ms);
  fmt::print(out,
             "opencv models: robot (HOG, coarse pyramid) median {:.1f} ms/frame, cloud (HOG, fine pyramid) median "
             "{:.1f} ms/frame; robot accuracy vs the truth {:.3f} (calibration count ≈ {:.3f}·robot + {:.3f}, "
             "fitted on training segments)\n",
             base::median(robot_ms), base::median(cloud_ms),
             total ? static_cast<double>(right) / static_cast<double>(total) : 0.0, set.calibration.slope,
             set.calibration.intercept);
}

void run_video_traces(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const VideoTraceSet set = build_video_traces(sc, sc.text("video.source"), opt.progress);
  write_video_traces(set, opt.out_dir, out, rec);
}

}  // namespace offloadsim::sim
