#include "sim/runners/live_inputs.h"

#include <algorithm>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "base/csv_table.h"
#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/runners/video_traces.h"
#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

VideoInputs read_video_inputs(const Scenario& sc) {
  const std::string dir = sc.text("live.inputs");
  if (dir.empty() || !fs::is_directory(dir)) {
    throw sc.error("live.inputs",
                   dir.empty() ? std::string("a robot in video mode needs the inputs kind live prepares: run the "
                                             "scenario once with `offloadsim run`, then give <out>/inputs here")
                               : fmt::format("'{}' is not a directory", dir));
  }
  VideoInputs v;
  const base::CsvTable cal = base::CsvTable::read((fs::path(dir) / "calibration.csv").string());
  if (cal.rows() != 1) throw base::InputError(cal.path(), 0, "", "expected one row");
  v.video = cal.cell(0, cal.column("video"));
  v.frame_step = cal.integer(0, cal.column("frame_step"));
  v.jpeg_quality = cal.integer(0, cal.column("jpeg_quality"));
  v.calibration.slope = cal.number(0, cal.column("slope"));
  v.calibration.intercept = cal.number(0, cal.column("intercept"));
  v.mean_jpeg_bytes = cal.number(0, cal.column("mean_jpeg_bytes"));
  if (v.frame_step < 1 || !(v.mean_jpeg_bytes > 0)) throw base::InputError(cal.path(), 2, "", "implausible values");
  const base::CsvTable fr = base::CsvTable::read((fs::path(dir) / "frames.csv").string());
  const std::size_t c_trace = fr.column("trace"), c_step = fr.column("step"), c_frame = fr.column("frame");
  for (std::size_t r = 0; r < fr.rows(); ++r) {
    const std::string& id = fr.cell(r, c_trace);
    if (id.empty()) continue;
    std::vector<int>& frames = v.trace_frames[id];
    const int step = fr.integer(r, c_step);
    if (step != static_cast<int>(frames.size()))
      throw base::InputError(fr.path(), fr.line_of(r), "step", "steps of a trace must be consecutive");
    frames.push_back(fr.integer(r, c_frame));
  }
  return v;
}

std::string prepare_inputs(const Scenario& sc, const fs::path& dir, bool progress, std::ostream& out) {
  fs::create_directories(dir);
  std::vector<std::string> overrides;
  if (sc.text("live.source") == "video") {
    const VideoTraceSet set = build_video_traces(sc, "opencv", progress);
    RunRecord ignored;
    write_video_traces(set, dir, out, ignored);
    // The mean JPEG size of the processed frames: the reference size of price and tokens.
    cv::VideoCapture cap(sc.texts("video.files").front(), cv::CAP_FFMPEG);
    const int q = static_cast<int>(sc.integer("camera.jpeg_quality"));
    double bytes = 0;
    int n = 0;
    cv::Mat frame;
    std::vector<std::uint8_t> jpeg;
    for (int i = 0; cap.read(frame); ++i) {
      if (i % sc.integer("video.frame_step") != 0) continue;
      cv::imencode(".jpg", frame, jpeg, {cv::IMWRITE_JPEG_QUALITY, q});
      bytes += static_cast<double>(jpeg.size());
      ++n;
      check_interrupt();
    }
    write_file_atomically(
        dir / "calibration.csv",
        fmt::format("video,frame_step,jpeg_quality,slope,intercept,mean_jpeg_bytes\n{},{},{},{},{},{:.1f}\n",
                    sc.texts("video.files").front(), sc.integer("video.frame_step"), q, set.calibration.slope,
                    set.calibration.intercept, bytes / std::max(n, 1)));
    const fs::path abs = fs::absolute(dir);
    overrides = {"stream.source=traces", "stream.test_traces=" + (abs / "test_traces.csv").string(),
                 "stream.train_traces=" + (abs / "train_traces.csv").string(), "live.inputs=" + abs.string()};
  }
  // The processes load exactly this file: every field resolved, nothing left to defaults that
  // could differ between them.
  const fs::path file = dir / "scenario.yaml";
  write_file_atomically(file, sc.to_yaml());
  const Scenario derived = load_scenario(file.string(), overrides);
  write_file_atomically(file, derived.to_yaml());
  return fs::absolute(file).string();
}

}  // namespace offloadsim::sim
