#include "agents/perception/video_perception.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "agents/streams/paper_video_traces.h"
#include "agents/streams/trace_csv.h"
#include "base/input_error.h"

namespace offloadsim::agents {
namespace {

const std::string kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const std::string kPaperTraces = std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/paper-video-traces/";

TEST(FrameDifference, KnownDifferences) {
  const cv::Mat a(48, 64, CV_8UC3, cv::Scalar(0, 0, 0));
  const cv::Mat b(48, 64, CV_8UC3, cv::Scalar(10, 10, 10));
  EXPECT_DOUBLE_EQ(frame_difference(a, a), 0.0);
  EXPECT_DOUBLE_EQ(frame_difference(a, b), 10.0);
  // A quarter of the pixels differ by 200 in one channel: 200 / 4 / 3.
  cv::Mat c = a.clone();
  c(cv::Rect(0, 0, 32, 24)).setTo(cv::Scalar(200, 0, 0));
  EXPECT_NEAR(frame_difference(a, c), 200.0 / 4 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(frame_difference(c, a), frame_difference(a, c));
  EXPECT_THROW(frame_difference(a, cv::Mat(10, 10, CV_8UC3)), std::invalid_argument);
}

TEST(CrowdLabel, BucketsAndCalibration) {
  const std::vector<double> edges = default_crowd_edges();
  EXPECT_EQ(crowd_label(0, edges), 0);
  EXPECT_EQ(crowd_label(4, edges), 0);
  EXPECT_EQ(crowd_label(5, edges), 1);
  EXPECT_EQ(crowd_label(8, edges), 2);
  EXPECT_EQ(crowd_label(9, edges), 3);
  std::vector<FrameRecord> frames;
  for (int x = 0; x < 6; ++x) frames.push_back({x, 0, x, 0, 2 * x + 3, 0});  // cloud = 2·robot + 3
  const RobotCalibration cal = RobotCalibration::fit(frames);
  EXPECT_NEAR(cal.slope, 2.0, 1e-12);
  EXPECT_NEAR(cal.intercept, 3.0, 1e-12);
  const std::vector<Frame> mdp = to_mdp_frames(frames, cal, edges);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(mdp[i].robot_prediction, mdp[i].true_label);  // a perfect calibration
    EXPECT_EQ(mdp[i].true_label, crowd_label(frames[i].cloud_count, edges));
    EXPECT_GE(mdp[i].robot_confidence, 0.0);
    EXPECT_LE(mdp[i].robot_confidence, 1.0);
  }
  // Real annotations replace the cloud's answer as the truth.
  const std::map<int, int> labels = {{0, 3}, {1, 3}, {2, 3}, {3, 3}, {4, 3}, {5, 3}};
  EXPECT_EQ(to_mdp_frames(frames, cal, edges, &labels)[0].true_label, 3);
  const std::map<int, int> missing = {{0, 1}};
  EXPECT_THROW(to_mdp_frames(frames, cal, edges, &missing), std::invalid_argument);
}

TEST(VideoPerception, RealFramesOfVtestAreSaneAndDeterministic) {
  if (!std::filesystem::exists(kVtest)) GTEST_SKIP() << kVtest << " missing: install opencv-doc (scripts/install-deps)";
  VideoOptions o;
  o.frame_step = 100;
  o.max_frames = 3;
  const std::vector<FrameRecord> a = process_video(kVtest, o);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].frame, 0);
  EXPECT_EQ(a[2].frame, 200);
  EXPECT_EQ(a[0].frame_diff, 0.0);
  for (const FrameRecord& r : a) {
    // vtest.avi shows a hall with several pedestrians at any time.
    EXPECT_GE(r.cloud_count, 2) << "frame " << r.frame;
    EXPECT_LE(r.cloud_count, 20) << "frame " << r.frame;
    EXPECT_LE(r.robot_count, r.cloud_count + 2) << "the coarse model should not find many more";
    EXPECT_GT(r.robot_seconds, 0.0);
    EXPECT_GT(r.cloud_seconds, r.robot_seconds) << "the cloud model is the expensive one";
  }
  EXPECT_GT(a[1].frame_diff, 0.0);
  EXPECT_LT(a[1].frame_diff, 60.0);
  const std::vector<FrameRecord> b = process_video(kVtest, o);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].robot_count, b[i].robot_count);
    EXPECT_EQ(a[i].cloud_count, b[i].cloud_count);
    EXPECT_EQ(a[i].frame_diff, b[i].frame_diff);
  }
  // The feature matches a direct computation on the decoded frames.
  cv::VideoCapture cap(kVtest, cv::CAP_FFMPEG);
  cv::Mat f0, f;
  cap.read(f0);
  for (int i = 1; i <= 100; ++i) cap.read(f);
  EXPECT_DOUBLE_EQ(a[1].frame_diff, frame_difference(f, f0));
}

TEST(VideoPerception, MissingOrUnreadableVideoNamesTheFile) {
  try {
    process_video("/nonexistent/video.avi", VideoOptions{});
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/video.avi: video file not found"), std::string::npos)
        << e.what();
  }
  const std::string bad = ::testing::TempDir() + "not_a_video.avi";
  std::ofstream(bad) << "this is not a video\n";
  try {
    process_video(bad, VideoOptions{});
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.file(), bad);
  }
}

TEST(PaperVideoTraces, LoadsTheBundledTraces) {
  const Trace t = read_paper_video_trace(kPaperTraces + "train_df_SVM_output_trial_1.txt");
  EXPECT_EQ(t.id, "train_df_SVM_output_trial_1");
  ASSERT_EQ(t.horizon(), 339);  // 429 rows (faces), 339 distinct frames
  EXPECT_EQ(t.feature_names, (std::vector<std::string>{"frame_diff", "embedding_distance", "face_confidence"}));
  // First row: frame 0, confidence 87.09, apoorva (0), correct.
  EXPECT_NEAR(t.frames[0].robot_confidence, 0.870886314471499, 1e-12);
  EXPECT_EQ(t.frames[0].robot_prediction, 0);
  EXPECT_EQ(t.frames[0].true_label, 0);
  EXPECT_NEAR(t.frames[0].features[0], 67.41016543209876, 1e-9);
  int wrong = 0, runs = 0;
  for (int i = 0; i < t.horizon(); ++i) {
    const Frame& f = t.frames[static_cast<size_t>(i)];
    EXPECT_EQ(f.cloud_prediction, f.true_label);
    if (f.true_label < -1) {
      ++wrong;
      EXPECT_NE(f.robot_prediction, f.true_label);
      if (i == 0 || t.frames[static_cast<size_t>(i) - 1].true_label != f.true_label) ++runs;
    }
  }
  EXPECT_EQ(wrong, 339 - 275);  // 275 frames' most confident faces are annotated correct
  EXPECT_GT(runs, 1);
  // Segments, and an exact trace-CSV round trip.
  const std::vector<Trace> segs = segment_trace(t, 40);
  EXPECT_EQ(segs.size(), 8u);  // 8 × 40 + a tail of 19 < 20, dropped
  EXPECT_EQ(segs.back().horizon(), 40);
  EXPECT_EQ(segs[1].frames[0].robot_confidence, t.frames[40].robot_confidence);
  const std::string path = ::testing::TempDir() + "paper_segments.csv";
  {
    std::ofstream out(path);
    write_traces_csv(out, segs);
  }
  const std::vector<Trace> back = read_traces_csv(path);
  ASSERT_EQ(back.size(), segs.size());
  std::ostringstream again;
  write_traces_csv(again, back);
  std::ostringstream first;
  write_traces_csv(first, segs);
  EXPECT_EQ(again.str(), first.str());
}

TEST(PaperVideoTraces, BadFilesAreNamed) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "p_nocol.txt") << "frame_number\tSVM_confidence\n0\t5\n";
  EXPECT_THROW(read_paper_video_trace(dir + "p_nocol.txt"), base::InputError);
  std::ofstream(dir + "p_bad.txt") << "frame_number\tSVM_confidence\tnumeric_prediction\tcorrect\tframe_diff_val\t"
                                      "embedding_distance\tface_confidence\n0\tx\t1\t1\t0\t0\t0\n";
  try {
    read_paper_video_trace(dir + "p_bad.txt");
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "SVM_confidence");
  }
  EXPECT_THROW(read_paper_video_trace(dir + "nothere.txt"), base::InputError);
}

}  // namespace
}  // namespace offloadsim::agents
