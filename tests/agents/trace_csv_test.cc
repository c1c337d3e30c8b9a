#include "agents/streams/trace_csv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "base/input_error.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

TEST(TraceCsv, RoundTripIsExact) {
  std::vector<Trace> traces = {testing::random_trace(17, 1), testing::random_trace(5, 2)};
  traces[0].frames[3].robot_confidence = 0.1 + 0.2;  // not exactly representable in short decimal
  traces[1].frames[0].features[0] = 1e-300;
  std::ostringstream out;
  write_traces_csv(out, traces);
  const std::vector<Trace> back = read_traces_csv(write_temp("roundtrip.csv", out.str()));
  ASSERT_EQ(back.size(), traces.size());
  for (size_t i = 0; i < traces.size(); ++i) {
    EXPECT_EQ(back[i].id, traces[i].id);
    EXPECT_EQ(back[i].feature_names, traces[i].feature_names);
    ASSERT_EQ(back[i].horizon(), traces[i].horizon());
    for (int t = 0; t < traces[i].horizon(); ++t) {
      const Frame &a = traces[i].frames[t], &b = back[i].frames[t];
      EXPECT_EQ(a.true_label, b.true_label);
      EXPECT_EQ(a.robot_prediction, b.robot_prediction);
      EXPECT_EQ(a.robot_confidence, b.robot_confidence);
      EXPECT_EQ(a.cloud_prediction, b.cloud_prediction);
      EXPECT_EQ(a.cloud_confidence, b.cloud_confidence);
      EXPECT_EQ(a.features, b.features);
    }
  }
  // And writing what was read gives the same bytes.
  std::ostringstream again;
  write_traces_csv(again, back);
  EXPECT_EQ(again.str(), out.str());
}

TEST(TraceCsv, NeverWritesWhatItCannotRead) {
  std::vector<Trace> traces = {testing::random_trace(5, 1)};
  traces[0].frames[2].features[0] = std::numeric_limits<double>::infinity();
  std::ostringstream out;
  EXPECT_THROW(write_traces_csv(out, traces), std::invalid_argument);
  traces[0].frames[2].features[0] = 1.0;
  traces[0].frames[4].robot_confidence = std::nan("");
  EXPECT_THROW(write_traces_csv(out, traces), std::invalid_argument);
}

TEST(TraceCsv, HeaderIsTheDocumentedContract) {
  std::ostringstream out;
  write_traces_csv(out, {testing::simple_trace(1, "t0")});
  EXPECT_EQ(out.str(),
            "trace,frame,true_label,robot_prediction,robot_confidence,cloud_prediction,cloud_confidence,phi_diff\n"
            "t0,0,0,0,0.9,0,1,0\n");
}

struct BadCase {
  std::string content;
  int line;
  std::string field;
};

TEST(TraceCsv, ErrorsNameFileLineAndColumn) {
  const std::string header =
      "trace,frame,true_label,robot_prediction,robot_confidence,cloud_prediction,cloud_confidence,phi_d\n";
  const std::vector<BadCase> cases = {
      {header + "a,0,1,1,0.5,1,1,0\na,2,1,1,0.5,1,1,0\n", 3, "frame"},
      {header + "a,0,1,1,1.5,1,1,0\n", 2, "robot_confidence"},
      {header + "a,0,x,1,0.5,1,1,0\n", 2, "true_label"},
      {header + "a,0,1,1,0.5,1,1,nan\n", 2, "phi_d"},
      {header + "a,0,1,1,0.5,1,1\n", 2, ""},
      {"trace,frame,true_label,robot_prediction,robot_confidence,cloud_prediction\n", 1, "cloud_confidence"},
      {header + "a,0,1,1,0.5,1,1,0\nb,0,1,1,0.5,1,1,0\na,1,1,1,0.5,1,1,0\n", 4, "trace"},
      {header, 0, ""},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string path = write_temp("bad" + std::to_string(i) + ".csv", cases[i].content);
    try {
      read_traces_csv(path);
      ADD_FAILURE() << "case " << i << " was accepted";
    } catch (const base::InputError& e) {
      EXPECT_EQ(e.file(), path) << i;
      EXPECT_EQ(e.line(), cases[i].line) << i << ": " << e.what();
      EXPECT_EQ(e.field(), cases[i].field) << i << ": " << e.what();
    }
  }
}

TEST(TraceCsv, MissingFileIsAnInputError) {
  EXPECT_THROW(read_traces_csv("/nonexistent/traces.csv"), base::InputError);
}

}  // namespace
}  // namespace offloadsim::agents
