#include "agents/streams/facenet_table.h"

#include <cmath>

#include "base/csv_table.h"
#include "base/input_error.h"

namespace offloadsim::agents {

namespace {
constexpr double kMaxEmbeddingValue = 1e150;
}  // namespace

FacenetTable FacenetTable::load(const std::string& path) {
  const base::CsvTable csv = base::CsvTable::read(path);
  const size_t c_name = csv.column("image_name");
  const size_t c_person = csv.column("true_label_name");
  const size_t c_label = csv.column("true_label_numeric");
  const size_t c_pred = csv.column("SVM_prediction_numeric");
  const size_t c_conf = csv.column("SVM_confidence");
  const size_t c_correct = csv.column("model_correct");
  const size_t c_split = csv.column("train_test_membership");
  const size_t c_seen = csv.column("seen_unseen");
  const size_t c_emb = csv.column("embedding_vector");

  FacenetTable table;
  table.path_ = path;
  size_t dim = 0;
  for (size_t r = 0; r < csv.rows(); ++r) {
    FaceImage img;
    img.image_name = csv.cell(r, c_name);
    img.person = csv.cell(r, c_person);
    img.true_label = csv.integer(r, c_label);
    img.robot_prediction = csv.integer(r, c_pred);
    img.robot_confidence = csv.number(r, c_conf);
    if (img.robot_confidence < 0.0 || img.robot_confidence > 1.0) {
      throw base::InputError(path, csv.line_of(r), "SVM_confidence", "confidence must lie in [0, 1]");
    }
    img.robot_correct = csv.boolean(r, c_correct);
    img.split = csv.cell(r, c_split);
    const std::string& seen = csv.cell(r, c_seen);
    if (seen != "SEEN" && seen != "UNSEEN") {
      throw base::InputError(path, csv.line_of(r), "seen_unseen", "'" + seen + "' is neither SEEN nor UNSEEN");
    }
    img.known = seen == "SEEN";
    for (const std::string& x : base::split_csv_line(csv.cell(r, c_emb), '_')) {
      char* end = nullptr;
      const double v = std::strtod(x.c_str(), &end);
      if (x.empty() || end != x.c_str() + x.size()) {
        throw base::InputError(path, csv.line_of(r), "embedding_vector", "'" + x + "' is not a number");
      }
      // Distances between embeddings are features: beyond 1e150 their squares overflow to inf.
      if (!(std::abs(v) <= kMaxEmbeddingValue)) {
        throw base::InputError(path, csv.line_of(r), "embedding_vector",
                               "'" + x + "' is not a finite number of magnitude at most 1e150");
      }
      img.embedding.push_back(v);
    }
    if (dim == 0) dim = img.embedding.size();
    if (img.embedding.size() != dim) {
      throw base::InputError(
          path, csv.line_of(r), "embedding_vector",
          "has " + std::to_string(img.embedding.size()) + " values, earlier rows " + std::to_string(dim));
    }
    table.images_.push_back(std::move(img));
  }
  if (table.images_.empty()) throw base::InputError(path, 0, "", "table has no rows");
  return table;
}

}  // namespace offloadsim::agents
