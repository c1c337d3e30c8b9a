#include "agents/streams/trace_csv.h"

#include <cmath>

#include <algorithm>
#include <optional>

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/csv_table.h"
#include "base/input_error.h"

namespace offloadsim::agents {

namespace {
const char* const kFixedColumns[] = {
    "trace", "frame", "true_label", "robot_prediction", "robot_confidence", "cloud_prediction", "cloud_confidence"};
constexpr size_t kNumFixed = 7;
}  // namespace

void write_traces_csv(std::ostream& out, const std::vector<Trace>& traces) {
  if (traces.empty()) throw std::invalid_argument("write_traces_csv: no traces");
  const std::vector<std::string>& names = traces.front().feature_names;
  // The optional input column only when some frame knows its input (the synthetic stream).
  bool inputs = false;
  for (const Trace& trace : traces) {
    for (const Frame& f : trace.frames) inputs = inputs || f.input_id >= 0;
  }
  std::string header;
  for (size_t i = 0; i < kNumFixed; ++i) header += (i ? "," : "") + std::string(kFixedColumns[i]);
  if (inputs) header += ",input";
  for (const auto& n : names) header += ",phi_" + n;
  out << header << '\n';
  for (const Trace& trace : traces) {
    if (trace.feature_names != names) throw std::invalid_argument("write_traces_csv: traces disagree on features");
    if (trace.id.find_first_of(",\n\"") != std::string::npos) {
      throw std::invalid_argument("write_traces_csv: trace id '" + trace.id + "' contains a comma, quote or newline");
    }
    for (size_t t = 0; t < trace.frames.size(); ++t) {
      const Frame& f = trace.frames[t];
      // Never write what read_traces_csv would refuse.
      const bool finite = std::isfinite(f.robot_confidence) && std::isfinite(f.cloud_confidence) &&
                          std::all_of(f.features.begin(), f.features.end(), [](double x) { return std::isfinite(x); });
      if (!finite) {
        throw std::invalid_argument(
            fmt::format("write_traces_csv: trace {} frame {} has a value that is not finite", trace.id, t));
      }
      fmt::print(out, "{},{},{},{},{},{},{}", trace.id, t, f.true_label, f.robot_prediction, f.robot_confidence,
                 f.cloud_prediction, f.cloud_confidence);
      if (inputs) fmt::print(out, ",{}", f.input_id);
      for (double x : f.features) fmt::print(out, ",{}", x);
      out << '\n';
    }
  }
}

std::vector<Trace> read_traces_csv(const std::string& path) {
  const base::CsvTable csv = base::CsvTable::read(path);
  size_t cols[kNumFixed];
  for (size_t i = 0; i < kNumFixed; ++i) cols[i] = csv.column(kFixedColumns[i]);
  std::vector<std::string> feature_names;
  std::vector<size_t> feature_cols;
  std::optional<size_t> input_col;
  for (size_t c = 0; c < csv.header().size(); ++c) {
    const std::string& h = csv.header()[c];
    if (h == "input") {
      input_col = c;
    } else if (h.rfind("phi_", 0) == 0 && h.size() > 4) {
      feature_names.push_back(h.substr(4));
      feature_cols.push_back(c);
    } else {
      bool known = false;
      for (const char* f : kFixedColumns) known = known || h == f;
      if (!known) throw base::InputError(path, 1, h, "unknown column (features must be named phi_<name>)");
    }
  }

  std::vector<Trace> traces;
  for (size_t r = 0; r < csv.rows(); ++r) {
    const std::string& id = csv.cell(r, cols[0]);
    if (id.empty()) throw base::InputError(path, csv.line_of(r), "trace", "empty trace id");
    const int frame = csv.integer(r, cols[1]);
    if (traces.empty() || traces.back().id != id) {
      for (const Trace& t : traces) {
        if (t.id == id)
          throw base::InputError(path, csv.line_of(r), "trace", "rows of trace '" + id + "' are not contiguous");
      }
      traces.emplace_back();
      traces.back().id = id;
      traces.back().feature_names = feature_names;
    }
    Trace& trace = traces.back();
    if (frame != trace.horizon()) {
      throw base::InputError(path, csv.line_of(r), "frame",
                             fmt::format("expected frame {} of trace '{}', found {}", trace.horizon(), id, frame));
    }
    Frame f;
    f.true_label = csv.integer(r, cols[2]);
    f.robot_prediction = csv.integer(r, cols[3]);
    f.robot_confidence = csv.number(r, cols[4]);
    f.cloud_prediction = csv.integer(r, cols[5]);
    f.cloud_confidence = csv.number(r, cols[6]);
    for (size_t k : {size_t{4}, size_t{6}}) {
      const double v = csv.number(r, cols[k]);
      if (v < 0.0 || v > 1.0)
        throw base::InputError(path, csv.line_of(r), kFixedColumns[k], "confidence must lie in [0, 1]");
    }
    if (input_col) {
      f.input_id = csv.integer(r, *input_col);
      if (f.input_id < -1) throw base::InputError(path, csv.line_of(r), "input", "must be -1 (unknown) or >= 0");
    }
    for (size_t c : feature_cols) f.features.push_back(csv.number(r, c));
    trace.frames.push_back(std::move(f));
  }
  if (traces.empty()) throw base::InputError(path, 0, "", "no trace rows");
  return traces;
}

}  // namespace offloadsim::agents
