// Learned offloading policies behind the common Policy interface, and the saved policy file.
//
// A saved policy is two files: `<name>.pt`, a TorchScript module that any LibTorch or PyTorch
// program can load (torch::jit::load / torch.jit.load) without offloadsim, and `<name>.json`, its
// sidecar: the state normalisation (layout, feature names and scales), the network sizes, the
// MDP it was trained for and the training provenance.
//
// The TorchScript module's method:
//   forward(obs [N, O], h [N, H], c [N, H], allowed [N, 4]) -> (logits [N, 4], value [N], h, c)
// with obs normalised as StateNormalizer documents and allowed[i, 3] = 0 when no budget is left.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "agents/learning/actor_critic.h"
#include "agents/mdp/state_normalizer.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

// Writes `net` as a TorchScript module to `path`.
void save_torchscript_policy(ActorCritic net, const std::string& path);

// The sidecar's fixed part; callers add "training" provenance.
nlohmann::json policy_sidecar(const ActorCriticOptions& net, const StateNormalizer& normalizer,
                              const std::vector<std::string>& feature_names, const MdpParams& mdp);

// Shared behaviour: keeps the LSTM state over an episode, normalises observations, masks
// action 3 without budget, and acts greedily (default) or by sampling.
class RecurrentPolicy : public Policy {
 public:
  RecurrentPolicy(StateNormalizer normalizer, int64_t lstm_hidden, bool sample);
  void begin_episode(const EpisodeContext& ctx) override;
  int act(const Observation& obs) override;

 protected:
  // logits [1, 4] for one observation; updates h and c.
  virtual torch::Tensor step(const torch::Tensor& obs, torch::Tensor& h, torch::Tensor& c,
                             const torch::Tensor& allowed) = 0;

 private:
  StateNormalizer normalizer_;
  int64_t hidden_;
  bool sample_;
  torch::Tensor h_, c_;
  std::mt19937_64 rng_;
};

// The in-memory network being trained.
class ActorCriticPolicy final : public RecurrentPolicy {
 public:
  ActorCriticPolicy(ActorCritic net, StateNormalizer normalizer, bool sample = false);
  std::string name() const override { return "rl"; }

 protected:
  torch::Tensor step(const torch::Tensor& obs, torch::Tensor& h, torch::Tensor& c,
                     const torch::Tensor& allowed) override;

 private:
  ActorCritic net_;
};

// A saved policy file, as a robot would run it.
class TorchScriptPolicy final : public RecurrentPolicy {
 public:
  // Loads `path` (.pt) and its sidecar (same name, .json), checks that the sidecar is consistent
  // and that the module answers one step as the interface says. Throws base::InputError naming the
  // file. Every later step is checked too: wrong shapes or non-finite logits throw InputError.
  static std::unique_ptr<TorchScriptPolicy> load(const std::string& path, bool sample = false, std::string name = "rl");
  std::string name() const override { return name_; }
  const nlohmann::json& sidecar() const { return sidecar_; }

 protected:
  torch::Tensor step(const torch::Tensor& obs, torch::Tensor& h, torch::Tensor& c,
                     const torch::Tensor& allowed) override;

 private:
  TorchScriptPolicy(torch::jit::Module module, nlohmann::json sidecar, StateNormalizer normalizer, int64_t hidden,
                    bool sample, std::string name, std::string path);
  torch::jit::Module module_;
  nlohmann::json sidecar_;
  std::string name_;
  std::string path_;  // named in errors
};

std::string sidecar_path(const std::string& policy_path);

// {"bytes": size, "fnv1a64": hex} of a saved policy file: the sidecar keeps it, and load() refuses
// a .pt that no longer matches (a damaged copy, a flipped byte, a file replaced by another).
nlohmann::json policy_file_fingerprint(const std::string& policy_path);

}  // namespace offloadsim::agents
