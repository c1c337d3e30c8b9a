#include "agents/learning/training_traces.h"

#include <stdexcept>
#include <string>

#include "agents/util/seed.h"

namespace offloadsim::agents {

namespace {
constexpr std::uint64_t kTrainingTraceStream = 11;
}

SyntheticTrainingTraces::SyntheticTrainingTraces(const FacenetTable& table, SyntheticStreamParams params,
                                                 std::uint64_t seed)
    : stream_(table, std::move(params)), seed_(seed) {}

Trace SyntheticTrainingTraces::draw(std::uint64_t key) const {
  return stream_.generate(derive_seed(seed_, kTrainingTraceStream, key), "train-" + std::to_string(key));
}

FileTrainingTraces::FileTrainingTraces(std::vector<Trace> traces, std::uint64_t seed)
    : traces_(std::move(traces)), seed_(seed) {
  if (traces_.empty()) throw std::invalid_argument("FileTrainingTraces: no traces");
}

Trace FileTrainingTraces::draw(std::uint64_t key) const {
  return traces_[derive_seed(seed_, kTrainingTraceStream, key) % traces_.size()];
}

}  // namespace offloadsim::agents
