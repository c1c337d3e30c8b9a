// Where training episodes come from. A trace is a pure function of its key, so that training is
// reproducible and resumable from a round number alone.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/streams/synthetic_stream.h"

namespace offloadsim::agents {

class TrainingTraces {
 public:
  virtual ~TrainingTraces() = default;
  virtual Trace draw(std::uint64_t key) const = 0;
};

// Fresh synthetic traces (normally from the TRAIN split).
class SyntheticTrainingTraces final : public TrainingTraces {
 public:
  SyntheticTrainingTraces(const FacenetTable& table, SyntheticStreamParams params, std::uint64_t seed);
  Trace draw(std::uint64_t key) const override;

 private:
  SyntheticStream stream_;
  std::uint64_t seed_;
};

// Traces from a file, drawn uniformly with replacement.
class FileTrainingTraces final : public TrainingTraces {
 public:
  FileTrainingTraces(std::vector<Trace> traces, std::uint64_t seed);
  Trace draw(std::uint64_t key) const override;

 private:
  std::vector<Trace> traces_;
  std::uint64_t seed_;
};

}  // namespace offloadsim::agents
