// The paper's synthetic coherent face stream (§V-A, SPEC §2a), drawn from real FaceNet + SVM
// outputs.
//
// An episode of T frames is cut into coherence intervals of length 1 + Poisson(mean − 1). Each
// interval shows one person: with probability p_known one the robot model knows (SEEN), else an
// unknown one (UNSEEN), drawn uniformly among the split's people of that kind. Within an interval
// a new image of the same person is drawn every `redraw_every` frames (counted from the
// interval's start). Images come only from rows of the requested split (TRAIN or TEST).
//
// Per frame: robot prediction and confidence are the SVM's on that image; the cloud is an oracle
// (the true label, confidence 1). φ is the robot's confidence and the Euclidean distance between
// this frame's FaceNet embedding and the previous frame's (the first frame's distance is to the
// zero vector, i.e. the embedding's norm: "everything changed").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/streams/facenet_table.h"

namespace offloadsim::agents {

struct SyntheticStreamParams {
  int horizon = 80;
  double coherence_mean = 8.0;  // frames; the paper's T/12 … T/10 for T = 80
  double p_known = 0.6;
  int redraw_every = 3;
  std::string split = "TEST";
  // The paper code's timing (Quirks::stream_timing, docs/mdp.md): a switch when t % ℓ == 0, with
  // ℓ redrawn at each switch, and a new image when t % redraw_every == 0 on the episode's clock.
  bool paper_timing = false;
  // Fill Frame::descriptor with the image's FaceNet embedding (1 kB a frame: only when
  // MdpParams::store_distances needs it).
  bool descriptors = false;
};

class SyntheticStream {
 public:
  SyntheticStream(const FacenetTable& table, SyntheticStreamParams params);

  // One trace; the same seed gives the same trace.
  Trace generate(std::uint64_t seed, const std::string& id) const;

  const SyntheticStreamParams& params() const { return params_; }

 private:
  struct Person {
    std::string name;
    std::vector<size_t> images;  // indices into the table
  };
  const FacenetTable& table_;
  SyntheticStreamParams params_;
  std::vector<Person> known_;
  std::vector<Person> unknown_;
};

}  // namespace offloadsim::agents
