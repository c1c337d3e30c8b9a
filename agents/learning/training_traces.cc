#include "agents/learning/training_traces.h"

#include <stdexcept>
#include <string>

#include "base/random_streams.h"
#include "base/seed.h"

namespace offloadsim::agents {

SyntheticTrainingTraces::SyntheticTrainingTraces(const FacenetTable& table, SyntheticStreamParams params,
                                                 std::uint64_t seed)
    : stream_(table, std::move(params)), seed_(seed) {}

Trace SyntheticTrainingTraces::draw(std::uint64_t key) const {
  return stream_.generate(base::derive_seed(seed_, base::streams::kTrainingTraces, key),
                          "train-" + std::to_string(key));
}

FileTrainingTraces::FileTrainingTraces(std::vector<Trace> traces, std::uint64_t seed)
    : traces_(std::move(traces)), seed_(seed) {
  if (traces_.empty()) throw std::invalid_argument("FileTrainingTraces: no traces");
}

Trace FileTrainingTraces::draw(std::uint64_t key) const {
  return traces_[base::derive_seed(seed_, base::streams::kTrainingTraces, key) % traces_.size()];
}

}  // namespace offloadsim::agents
