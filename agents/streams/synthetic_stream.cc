#include "agents/streams/synthetic_stream.h"

#include "base/input_error.h"
#include "base/stop.h"

#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

namespace offloadsim::agents {

SyntheticStream::SyntheticStream(const FacenetTable& table, SyntheticStreamParams params)
    : table_(table), params_(std::move(params)) {
  if (params_.horizon < 1) throw std::invalid_argument("synthetic stream: horizon must be >= 1");
  if (params_.coherence_mean < 1.0) throw std::invalid_argument("synthetic stream: coherence mean must be >= 1");
  if (params_.redraw_every < 1) throw std::invalid_argument("synthetic stream: redraw_every must be >= 1");
  std::map<std::string, Person> known, unknown;  // ordered: the draw must not depend on hashing
  const auto& images = table.images();
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].split != params_.split) continue;
    Person& p = (images[i].known ? known : unknown)[images[i].person];
    p.name = images[i].person;
    p.images.push_back(i);
  }
  for (auto& [name, p] : known) known_.push_back(std::move(p));
  for (auto& [name, p] : unknown) unknown_.push_back(std::move(p));
  if (known_.empty() && params_.p_known > 0.0) {
    throw base::InputError(table.path(), 0, "train_test_membership",
                           "no known (SEEN) person in split " + params_.split + ", and stream.p_known > 0 needs one");
  }
  if (unknown_.empty() && params_.p_known < 1.0) {
    throw base::InputError(
        table.path(), 0, "train_test_membership",
        "no unknown (UNSEEN) person in split " + params_.split + ", and stream.p_known < 1 needs one");
  }
}

Trace SyntheticStream::generate(std::uint64_t seed, const std::string& id) const {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution draw_known(params_.p_known);
  std::poisson_distribution<int> extra_length(params_.coherence_mean - 1.0);

  Trace trace;
  trace.id = id;
  trace.feature_names = {"embedding_distance"};
  const std::vector<double>* previous = nullptr;
  const std::vector<double> zero(table_.images().front().embedding.size(), 0.0);
  previous = &zero;

  const Person* person = nullptr;
  const FaceImage* image = nullptr;
  int interval_left = 0, since_start = 0;
  const auto draw_length = [&] { return params_.coherence_mean > 1.0 ? 1 + extra_length(rng) : 1; };
  // The paper's code draws a first length before its loop and never uses it; so does this.
  int paper_length = params_.paper_timing ? draw_length() : 0;
  for (int t = 0; t < params_.horizon; ++t) {
    if ((t & 4095) == 4095) base::throw_if_stopped();  // a long episode: a stop need not wait for it
    const bool switch_person = params_.paper_timing ? t % paper_length == 0 : interval_left == 0;
    if (switch_person) {
      const bool known = draw_known(rng);
      const auto& pool = known ? known_ : unknown_;
      person = &pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
      if (params_.paper_timing) {
        paper_length = draw_length();
      } else {
        interval_left = draw_length();
      }
      since_start = 0;
    }
    const int clock = params_.paper_timing ? t : since_start;
    if (clock % params_.redraw_every == 0) {
      const size_t k = std::uniform_int_distribution<size_t>(0, person->images.size() - 1)(rng);
      image = &table_.images()[person->images[k]];
    }
    Frame f;
    f.true_label = image->true_label;
    f.robot_prediction = image->robot_prediction;
    f.robot_confidence = image->robot_confidence;
    f.cloud_prediction = image->true_label;
    f.cloud_confidence = 1.0;
    double d2 = 0.0;
    for (size_t i = 0; i < image->embedding.size(); ++i) {
      const double d = image->embedding[i] - (*previous)[i];
      d2 += d * d;
    }
    f.features = {std::sqrt(d2)};
    f.input_id = static_cast<int>(image - table_.images().data());
    if (params_.descriptors) f.descriptor = image->embedding;
    previous = &image->embedding;
    trace.frames.push_back(std::move(f));
    --interval_left;
    ++since_start;
  }
  return trace;
}

}  // namespace offloadsim::agents
