#include "agents/streams/paper_video_traces.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/csv_table.h"
#include "base/input_error.h"

namespace offloadsim::agents {

Trace read_paper_video_trace(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw base::InputError(path, 0, "", "trace file not found");
  // The files are tab-separated; base::CsvTable reads with ',' so read lines ourselves through it by
  // splitting on tabs.
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) throw base::InputError(path, 1, "", "empty file");
  const std::vector<std::string> header = base::split_csv_line(line, '\t');
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw base::InputError(path, 1, name, "missing column");
    return static_cast<size_t>(it - header.begin());
  };
  const size_t c_frame = column("frame_number"), c_conf = column("SVM_confidence"),
               c_pred = column("numeric_prediction"), c_correct = column("correct"), c_diff = column("frame_diff_val"),
               c_emb = column("embedding_distance"), c_face = column("face_confidence");
  Trace trace;
  trace.id = std::filesystem::path(path).stem().string();
  trace.feature_names = {"frame_diff", "embedding_distance", "face_confidence"};
  // Rows: one per face detected in a processed frame (a frame can have several). Each frame
  // becomes one MDP step carrying its most confident face.
  struct Row {
    int frame;
    double confidence;
    int prediction;
    bool correct;
    std::vector<double> features;
  };
  std::vector<Row> rows;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> cells = base::split_csv_line(line, '\t');
    if (cells.size() != header.size()) {
      throw base::InputError(path, line_no, "", fmt::format("{} cells, header has {}", cells.size(), header.size()));
    }
    auto number = [&](size_t c) {
      try {
        size_t used = 0;
        const double v = std::stod(cells[c], &used);
        if (used != cells[c].size()) throw std::invalid_argument("trailing text");
        return v;
      } catch (const std::exception&) {
        throw base::InputError(path, line_no, header[c], "'" + cells[c] + "' is not a number");
      }
    };
    Row r;
    r.frame = static_cast<int>(number(c_frame));
    if (!rows.empty() && r.frame < rows.back().frame) {
      throw base::InputError(path, line_no, "frame_number", "frames must not decrease");
    }
    r.confidence = std::clamp(number(c_conf) / 100.0, 0.0, 1.0);
    r.prediction = static_cast<int>(number(c_pred));
    const double correct = number(c_correct);
    if (correct != 0 && correct != 1) throw base::InputError(path, line_no, "correct", "must be 0 or 1");
    r.correct = correct == 1;
    r.features = {number(c_diff), number(c_emb), number(c_face)};
    if (!rows.empty() && rows.back().frame == r.frame) {
      if (r.confidence > rows.back().confidence) rows.back() = r;
      continue;
    }
    rows.push_back(std::move(r));
  }
  int wrong_label = -1;
  bool in_wrong_run = false;
  for (const Row& r : rows) {
    Frame f;
    f.robot_prediction = r.prediction;
    f.robot_confidence = r.confidence;
    if (r.correct) {
      f.true_label = r.prediction;
      in_wrong_run = false;
    } else {
      if (!in_wrong_run) --wrong_label;
      in_wrong_run = true;
      f.true_label = wrong_label;
    }
    f.cloud_prediction = f.true_label;
    f.cloud_confidence = 1.0;
    f.features = r.features;
    trace.frames.push_back(std::move(f));
  }
  if (trace.frames.empty()) throw base::InputError(path, 2, "", "no frames");
  return trace;
}

std::vector<Trace> segment_trace(const Trace& trace, int length) {
  if (length < 1) throw std::invalid_argument("segment_trace: length must be ≥ 1");
  std::vector<Trace> out;
  for (int start = 0, k = 0; start < trace.horizon(); start += length, ++k) {
    const int end = std::min(trace.horizon(), start + length);
    if (end - start < length && 2 * (end - start) < length) break;
    Trace s;
    s.id = fmt::format("{}-s{}", trace.id, k);
    s.feature_names = trace.feature_names;
    s.frames.assign(trace.frames.begin() + start, trace.frames.begin() + end);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace offloadsim::agents
