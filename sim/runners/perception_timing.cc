#include "sim/runners/perception_timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/videoio.hpp>

#include "agents/perception/model_timing.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/machine.h"
#include "sim/io/progress.h"
#include "sim/runners/video_traces.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

std::vector<agents::FrameSize> timing_sizes(const Scenario& sc) {
  const std::vector<double>& w = sc.numbers("timing.widths");
  const std::vector<double>& h = sc.numbers("timing.heights");
  if (w.size() != h.size()) {
    throw sc.error("timing.heights", fmt::format("{} heights for {} widths: give one height per width (the sizes "
                                                 "are timing.widths[i] × timing.heights[i])",
                                                 h.size(), w.size()));
  }
  if (w.empty()) throw sc.error("timing.widths", "no frame size to time");
  std::vector<agents::FrameSize> sizes;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const agents::FrameSize s{static_cast<int>(w[i]), static_cast<int>(h[i])};
    for (const agents::FrameSize& t : sizes) {
      if (t.width == s.width && t.height == s.height)
        throw sc.error("timing.widths", fmt::format("{}×{} is given twice", s.width, s.height));
    }
    sizes.push_back(s);
  }
  return sizes;
}

// The other processes' load over `seconds`, in cores.
double others_load_over(double seconds) {
  const CpuReading a = read_cpu();
  for (double waited = 0; waited < seconds; waited += 0.1) {
    check_interrupt();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return others_busy_cores(a, read_cpu());
}

void refuse_busy(const Scenario& sc, double load, const std::string& when) {
  const double limit = sc.number("timing.max_other_load");
  if (load <= limit) return;
  throw sc.error("timing.max_other_load",
                 fmt::format("the machine is not idle: other processes used {:.2f} cores on average {} (at most {:g} "
                             "allowed); times measured now would be a busy machine's. Run again when nothing else "
                             "runs, or raise timing.max_other_load to keep a busy machine's times on purpose",
                             load, when, limit));
}

struct Fit {
  double intercept = 0, slope = 0, r2 = 0;  // ms ≈ intercept + slope · megapixels
};

Fit least_squares(const std::vector<double>& x, const std::vector<double>& y) {
  Fit f;
  if (x.size() < 2) return f;
  const double mx = base::mean(x), my = base::mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0) return f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.r2 = syy == 0 ? 1.0 : sxy * sxy / (sxx * syy);
  return f;
}

}  // namespace

void check_perception_timing(const Scenario& sc) {
  timing_sizes(sc);
}

void run_perception_timing(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const std::vector<agents::FrameSize> sizes = timing_sizes(sc);
  const int threads = static_cast<int>(sc.integer("timing.threads"));
  agents::VideoOptions vo;
  vo.frame_step = static_cast<int>(sc.integer("video.frame_step"));
  vo.max_frames = static_cast<int>(sc.integer("video.max_frames"));
  vo.robot = video_counter_options(sc, "robot");
  vo.cloud = video_counter_options(sc, "cloud");

  const MachineInfo machine = machine_info();
  const double before = others_load_over(2.0);
  refuse_busy(sc, before, "in the 2 s before timing");
  fmt::print(out, "machine: {} ({} cores, {:.1f} GiB); other processes' load before timing {:.2f} cores\n", machine.cpu,
             machine.cores, machine.memory_gib, before);
  out.flush();

  const int previous_threads = cv::getNumThreads();
  cv::setNumThreads(threads);
  struct Row {
    std::string video;
    agents::SizedTiming t;
  };
  std::vector<Row> rows;
  const CpuReading start = read_cpu();
  try {
    for (const std::string& file : sc.texts("video.files")) {
      std::unique_ptr<Progress> bar;
      if (opt.progress) {
        // The frame count is the container's; the bar's last line says "done" whatever it was.
        cv::VideoCapture probe(file, cv::CAP_FFMPEG);
        long frames = std::lround(probe.get(cv::CAP_PROP_FRAME_COUNT));
        frames = (frames + vo.frame_step - 1) / vo.frame_step;
        if (vo.max_frames > 0) frames = std::min<long>(frames, vo.max_frames);
        bar = std::make_unique<Progress>("timing " + fs::path(file).filename().string(),
                                         static_cast<std::size_t>(std::max<long>(frames, 1)) * sizes.size());
      }
      const std::string name = fs::path(file).filename().string();
      for (const agents::SizedTiming& t : agents::time_models(file, vo, sizes, [&](const agents::SizedTiming&) {
             check_interrupt();
             if (bar) bar->advance();
           })) {
        rows.push_back({name, t});
      }
      if (bar) bar->finish();
    }
  } catch (...) {
    cv::setNumThreads(previous_threads);
    throw;
  }
  cv::setNumThreads(previous_threads);
  const double during = others_busy_cores(start, read_cpu());
  refuse_busy(sc, during, "while the models were timed");

  {
    AtomicFile f(opt.out_dir / "timing.csv");
    f.stream() << "video,frame,width,height,robot_ms,cloud_ms\n";
    for (const Row& r : rows) {
      fmt::print(f.stream(), "{},{},{},{},{:.3f},{:.3f}\n", r.video, r.t.frame, r.t.size.width, r.t.size.height,
                 1e3 * r.t.robot_seconds, 1e3 * r.t.cloud_seconds);
    }
    f.commit();
  }
  std::vector<double> mp, robot_p50, cloud_p50;
  nlohmann::json per_size = nlohmann::json::array();
  {
    AtomicFile f(opt.out_dir / "timing_sizes.csv");
    f.stream() << "width,height,megapixels,frames,robot_ms_p50,robot_ms_p90,cloud_ms_p50,cloud_ms_p90\n";
    fmt::print(out, "{:>11} {:>6} {:>7} {:>14} {:>14}\n", "size", "MP", "frames", "robot p50/p90", "cloud p50/p90");
    for (const agents::FrameSize& s : sizes) {
      std::vector<double> robot, cloud;
      for (const Row& r : rows) {
        if (r.t.size.width == s.width && r.t.size.height == s.height) {
          robot.push_back(1e3 * r.t.robot_seconds);
          cloud.push_back(1e3 * r.t.cloud_seconds);
        }
      }
      const double r50 = base::median(robot), r90 = base::lower_quantile(robot, 0.9);
      const double c50 = base::median(cloud), c90 = base::lower_quantile(cloud, 0.9);
      fmt::print(f.stream(), "{},{},{:.6f},{},{:.3f},{:.3f},{:.3f},{:.3f}\n", s.width, s.height, s.megapixels(),
                 robot.size(), r50, r90, c50, c90);
      fmt::print(out, "{:>11} {:>6.3f} {:>7} {:>6.1f}/{:<7.1f} {:>6.1f}/{:<7.1f}\n",
                 fmt::format("{}×{}", s.width, s.height), s.megapixels(), robot.size(), r50, r90, c50, c90);
      mp.push_back(s.megapixels());
      robot_p50.push_back(r50);
      cloud_p50.push_back(c50);
      per_size.push_back({{"width", s.width}, {"height", s.height}, {"robot_ms_p50", r50}, {"cloud_ms_p50", c50}});
    }
    f.commit();
  }
  rec.outputs.insert(rec.outputs.end(), {"timing.csv", "timing_sizes.csv"});
  const Fit robot_fit = least_squares(mp, robot_p50), cloud_fit = least_squares(mp, cloud_p50);
  if (sizes.size() >= 2) {
    fmt::print(out,
               "medians against pixels (least squares over the {} sizes): robot ≈ {:.1f} + {:.1f}·MP ms (R² {:.3f}), "
               "cloud ≈ {:.1f} + {:.1f}·MP ms (R² {:.3f})\n",
               sizes.size(), robot_fit.intercept, robot_fit.slope, robot_fit.r2, cloud_fit.intercept, cloud_fit.slope,
               cloud_fit.r2);
  }
  fmt::print(out, "OpenCV threads per model: {}; other processes' load while timing: {:.2f} cores (limit {:g})\n",
             threads, during, sc.number("timing.max_other_load"));
  rec.notes["others_load_cores"] = {{"before", before}, {"during", during}};
  rec.notes["opencv_threads"] = threads;
  rec.notes["sizes"] = per_size;
  rec.notes["fit_ms_per_megapixel"] = {
      {"robot", {{"intercept", robot_fit.intercept}, {"slope", robot_fit.slope}, {"r2", robot_fit.r2}}},
      {"cloud", {{"intercept", cloud_fit.intercept}, {"slope", cloud_fit.slope}, {"r2", cloud_fit.r2}}}};
}

}  // namespace offloadsim::sim
