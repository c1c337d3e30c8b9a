#include "agents/streams/synthetic_stream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <set>

#include "base/input_error.h"

namespace offloadsim::agents {
namespace {

const std::string kTable = std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/SVM_results.csv";

TEST(FacenetTable, LoadsThePapersTable) {
  const FacenetTable table = FacenetTable::load(kTable);
  ASSERT_EQ(table.images().size(), 573u);
  int test = 0, unknown = 0;
  for (const FaceImage& img : table.images()) {
    EXPECT_EQ(img.embedding.size(), 128u);
    EXPECT_GE(img.robot_confidence, 0.0);
    EXPECT_LE(img.robot_confidence, 1.0);
    EXPECT_EQ(img.robot_correct, img.robot_prediction == img.true_label) << img.image_name;
    test += img.split == "TEST";
    unknown += !img.known;
  }
  EXPECT_EQ(test, 290);
  EXPECT_EQ(unknown, 101);
}

// The paper's table cut to its first `rows` data rows, the last one changed by `edit`; loading it
// must fail at that row, in `field`. Returns the error's text.
std::string load_error_of_edited_table(const std::string& name, int rows, const std::function<void(std::string&)>& edit,
                                       const std::string& field) {
  const std::string path = ::testing::TempDir() + name;
  {
    std::ifstream in(kTable);
    std::ofstream out(path);
    std::string line;
    for (int r = 0; r <= rows && std::getline(in, line); ++r) {
      if (r == rows) edit(line);
      out << line << '\n';
    }
  }
  try {
    FacenetTable::load(path);
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.line(), rows + 1);
    EXPECT_EQ(e.field(), field);
    return e.what();
  }
  ADD_FAILURE() << name << " was accepted";
  return {};
}

TEST(FacenetTable, BadValueNamesFileLineAndColumn) {
  const std::string what = load_error_of_edited_table(
      "bad_table.csv", 2, [](std::string& line) { line.replace(line.find(",0."), 3, ",x."); },  // SVM_confidence
      "SVM_confidence");
  EXPECT_NE(what.find("bad_table.csv:3"), std::string::npos) << what;
}

// Issue 18, point 9: embeddings so large that distances overflow are refused where they are read,
// so the tool never writes an `inf` feature that its own trace reader would refuse.
TEST(FacenetTable, EmbeddingValuesThatWouldOverflowAreRefused) {
  const std::string what = load_error_of_edited_table(
      "huge_table.csv", 1,
      [](std::string& line) {
        const size_t start = line.find(",SEEN,") + 6;  // the embedding follows: 0.04_0.10_…
        line.replace(start, line.find('_', start) - start, "1e308");
      },
      "embedding_vector");
  EXPECT_NE(what.find("'1e308' is not a finite number"), std::string::npos) << what;
}

class SyntheticStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { table_ = new FacenetTable(FacenetTable::load(kTable)); }
  static void TearDownTestSuite() { delete table_; }
  static FacenetTable* table_;
};
FacenetTable* SyntheticStreamTest::table_ = nullptr;

TEST_F(SyntheticStreamTest, SameSeedSameTraceDifferentSeedDifferentTrace) {
  const SyntheticStream s(*table_, {});
  const Trace a = s.generate(7, "a"), b = s.generate(7, "b"), c = s.generate(8, "c");
  ASSERT_EQ(a.horizon(), 80);
  bool differ = false;
  for (int t = 0; t < 80; ++t) {
    EXPECT_EQ(a.frames[t].true_label, b.frames[t].true_label);
    EXPECT_EQ(a.frames[t].features, b.frames[t].features);
    differ = differ || a.frames[t].true_label != c.frames[t].true_label;
  }
  EXPECT_TRUE(differ);
}

TEST_F(SyntheticStreamTest, DrawsOnlyFromTheRequestedSplit) {
  SyntheticStreamParams p;
  p.split = "TRAIN";
  const SyntheticStream s(*table_, p);
  std::set<std::pair<int, double>> train_outputs;
  for (const FaceImage& img : table_->images()) {
    if (img.split == "TRAIN") train_outputs.insert({img.robot_prediction, img.robot_confidence});
  }
  for (int i = 0; i < 20; ++i) {
    for (const Frame& f : s.generate(static_cast<std::uint64_t>(i), "x").frames) {
      EXPECT_TRUE(train_outputs.count({f.robot_prediction, f.robot_confidence}));
    }
  }
}

TEST_F(SyntheticStreamTest, CoherenceAndKnownFractionMatchParameters) {
  SyntheticStreamParams p;
  p.horizon = 400;
  const SyntheticStream s(*table_, p);
  int switches = 0, frames = 0, known_frames = 0, redraw_changes = 0;
  std::set<int> unknown_labels;
  for (const FaceImage& img : table_->images()) {
    if (!img.known) unknown_labels.insert(img.true_label);
  }
  for (int i = 0; i < 50; ++i) {
    const Trace t = s.generate(static_cast<std::uint64_t>(i), "x");
    for (int k = 0; k < t.horizon(); ++k) {
      const Frame& f = t.frames[k];
      EXPECT_EQ(f.cloud_prediction, f.true_label);  // the cloud is an oracle
      EXPECT_EQ(f.cloud_confidence, 1.0);
      ++frames;
      known_frames += unknown_labels.count(f.true_label) == 0;
      if (k > 0 && f.true_label != t.frames[k - 1].true_label) ++switches;
      if (k > 0 && f.features[0] > 0) ++redraw_changes;
    }
  }
  // Mean interval 8 frames; consecutive intervals may show the same person, so label changes
  // are a bit rarer than interval boundaries.
  const double mean_run = static_cast<double>(frames) / (switches + 50);
  EXPECT_GT(mean_run, 8.0);
  EXPECT_LT(mean_run, 14.0);
  EXPECT_NEAR(static_cast<double>(known_frames) / frames, 0.6, 0.05);
  // An image is held for 3 frames: at most ~1/3 of frames plus interval starts change embedding.
  EXPECT_LT(static_cast<double>(redraw_changes) / frames, 0.5);
}

TEST_F(SyntheticStreamTest, FeatureIsEmbeddingDistanceToPreviousFrame) {
  const SyntheticStream s(*table_, {});
  const Trace t = s.generate(3, "x");
  EXPECT_NEAR(t.frames[0].features[0], 1.0, 1e-6);  // FaceNet embeddings have unit norm
  for (const Frame& f : t.frames) {
    EXPECT_GE(f.features[0], 0.0);
    EXPECT_LE(f.features[0], 2.0 + 1e-6);
  }
  ASSERT_EQ(t.feature_names, std::vector<std::string>{"embedding_distance"});
}

}  // namespace
}  // namespace offloadsim::agents
