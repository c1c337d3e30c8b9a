#include "agents/learning/rl_policy.h"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "../agents/test_traces.h"
#include "agents/eval/episode_runner.h"
#include "base/input_error.h"
#include "learning_fixtures.h"

namespace offloadsim::agents {
namespace {

std::string save_policy(ActorCritic net, const StateNormalizer& norm, const std::string& name) {
  const std::string path = ::testing::TempDir() + name + ".pt";
  save_torchscript_policy(net, path);
  std::ofstream(sidecar_path(path)) << policy_sidecar(net->options(), norm, {"diff"}, MdpParams{}).dump(2);
  return path;
}

TEST(RlPolicy, SavedFileActsExactlyLikeTheNetwork) {
  torch::manual_seed(7);
  std::vector<Trace> traces;
  for (unsigned s = 0; s < 6; ++s) traces.push_back(testing::random_trace(40, s));
  const StateNormalizer norm = StateNormalizer::fit(traces);
  ActorCritic net(ActorCriticOptions{norm.size(), 64, 256, 4});
  const std::string path = save_policy(net, norm, "policy_roundtrip");
  ActorCriticPolicy in_memory(net, norm);
  auto loaded = TorchScriptPolicy::load(path);
  for (const Trace& t : traces) {
    for (int budget : {0, 5, 40}) {
      const EpisodeResult a = run_episode(in_memory, t, budget, MdpParams{}, 1);
      const EpisodeResult b = run_episode(*loaded, t, budget, MdpParams{}, 1);
      EXPECT_EQ(a.executed_actions, b.executed_actions);
      EXPECT_EQ(a.reward, b.reward);
    }
  }
  // The same numbers from both, not just the same argmax.
  const torch::Tensor obs = torch::rand({3, norm.size()}), h = torch::rand({3, 64}), c = torch::rand({3, 64});
  const torch::Tensor allowed = torch::ones({3, 4});
  torch::jit::Module m = torch::jit::load(path);
  auto out = m.forward({obs, h, c, allowed}).toTuple();
  const ActorCriticOutput ref = net->step(obs, {h, c}, allowed);
  EXPECT_TRUE(torch::allclose(out->elements()[0].toTensor(), ref.logits, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(out->elements()[1].toTensor(), ref.value, 1e-5, 1e-6));
}

TEST(RlPolicy, NeverSpendsBudgetItDoesNotHave) {
  torch::manual_seed(3);
  const std::vector<Trace> traces = {testing::random_trace(60, 1), testing::random_trace(60, 2)};
  const StateNormalizer norm = StateNormalizer::fit(traces);
  ActorCritic net(ActorCriticOptions{norm.size(), 16, 32, 4});
  {  // bias the untrained network towards the cloud, so the budget is surely exhausted
    torch::NoGradGuard g;
    net->actor->bias[kCloud] = 5.0;
  }
  for (bool sample : {false, true}) {
    ActorCriticPolicy p(net, norm, sample);
    for (const Trace& t : traces) {
      for (int budget : {0, 1, 3, 10}) {
        EpisodeContext ctx;
        ctx.horizon = t.horizon();
        ctx.budget = budget;
        ctx.seed = 5;
        p.begin_episode(ctx);
        OffloadEnv env;
        Observation obs = env.reset(t, budget);
        int spent = 0;
        while (!env.done()) {
          const int a = p.act(obs);
          if (obs.budget_remaining == 0) {
            EXPECT_NE(a, kCloud) << "asked for the cloud without budget";
          }
          spent += env.step(a).executed_action == kCloud;
          obs = env.observe();
        }
        EXPECT_EQ(spent, budget);  // it wants the cloud: it uses all it has, never more
      }
    }
  }
}

TEST(RlPolicy, MissingOrBrokenFilesAreInputErrors) {
  EXPECT_THROW(TorchScriptPolicy::load("/nonexistent/policy.pt"), base::InputError);
  const std::string path = ::testing::TempDir() + "broken.pt";
  std::ofstream(path) << "not a zip";
  std::ofstream(sidecar_path(path))
      << "{\"format\": \"offloadsim-rl-policy\", \"observation\": {\"feature_scales\": [1]},"
         " \"network\": {\"lstm_hidden\": 4}}";
  EXPECT_THROW(TorchScriptPolicy::load(path), base::InputError);
}

// Issue 18, points 7 and 8: each damaged or foreign file is an InputError naming it, and a module
// that does not answer as the interface says stops the run instead of deciding every frame alike.
std::string expect_input_error(const std::string& path) {
  try {
    TorchScriptPolicy::load(path);
  } catch (const base::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

class RlPolicyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(3);
    std::vector<Trace> traces;
    for (unsigned s = 0; s < 3; ++s) traces.push_back(testing::random_trace(20, s));
    norm_ = std::make_unique<StateNormalizer>(StateNormalizer::fit(traces));
    net_ = ActorCritic(ActorCriticOptions{norm_->size(), 8, 16, 4});
  }
  std::string sidecar_text() const { return policy_sidecar(net_->options(), *norm_, {"diff"}, MdpParams{}).dump(2); }
  std::unique_ptr<StateNormalizer> norm_;
  ActorCritic net_{nullptr};
};

TEST_F(RlPolicyFiles, ASidecarThatIsNotAnObjectIsRefused) {
  const std::string path = save_policy(net_, *norm_, "array_sidecar");
  std::ofstream(sidecar_path(path)) << "[]";
  EXPECT_NE(expect_input_error(path).find("array_sidecar.json: format: not an offloadsim policy sidecar"),
            std::string::npos);
}

TEST_F(RlPolicyFiles, AChangedByteIsCaughtByTheFingerprint) {
  const std::string path = save_policy(net_, *norm_, "flipped");
  nlohmann::json side = nlohmann::json::parse(sidecar_text());
  side["policy_file"] = policy_file_fingerprint(path);
  std::ofstream(sidecar_path(path)) << side.dump(2);
  EXPECT_NO_THROW(TorchScriptPolicy::load(path));
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(-100, std::ios::end);
  const char c = static_cast<char>(f.get());
  f.seekp(-100, std::ios::end);
  f.put(static_cast<char>(c ^ 0x10));
  f.close();
  EXPECT_NE(expect_input_error(path).find("flipped.pt: does not match its sidecar"), std::string::npos);
}

TEST_F(RlPolicyFiles, ACheckpointsModelIsNotAPolicy) {
  const std::string path = ::testing::TempDir() + "model.pt";
  torch::save(net_, path);  // what a checkpoint holds: parameters, no forward method
  std::ofstream(sidecar_path(path)) << sidecar_text();
  EXPECT_NE(expect_input_error(path).find("model.pt"), std::string::npos);
}

TEST_F(RlPolicyFiles, ASidecarWhoseSizesDisagreeIsRefused) {
  const std::string path = save_policy(net_, *norm_, "sizes");
  nlohmann::json side = nlohmann::json::parse(sidecar_text());
  side["observation"]["size"] = 99;
  std::ofstream(sidecar_path(path)) << side.dump(2);
  EXPECT_NE(expect_input_error(path).find("observation.size"), std::string::npos);
}

// A scripted module with the right signature and the wrong answer.
std::string scripted_policy(const std::string& name, const std::string& logits, const std::string& sidecar) {
  torch::jit::Module m("BadPolicy");
  m.define("def forward(self, obs, h, c, allowed):\n    return (" + logits + ", torch.zeros([1]), h, c)\n");
  const std::string path = ::testing::TempDir() + name + ".pt";
  m.save(path);
  std::ofstream(sidecar_path(path)) << sidecar;
  return path;
}

TEST_F(RlPolicyFiles, NanOrMisshapenLogitsStopTheRun) {
  EXPECT_NE(expect_input_error(scripted_policy("nan_logits", "torch.full([1, 4], float('nan'))", sidecar_text()))
                .find("logits are not finite"),
            std::string::npos);
  EXPECT_NE(expect_input_error(scripted_policy("two_logits", "torch.zeros([1, 2])", sidecar_text()))
                .find("logits have shape [1, 2], expected [1, 4]"),
            std::string::npos);
  // A module that answers well at first and badly later is caught at that step.
  const std::string late =
      scripted_policy("late_nan", "torch.where(obs.sum() > 0.0, torch.full([1, 4], float('nan')), torch.zeros([1, 4]))",
                      sidecar_text());
  auto policy = TorchScriptPolicy::load(late);
  const Trace t = testing::random_trace(20, 9);
  EXPECT_THROW(run_episode(*policy, t, 5, MdpParams{}, 1), base::InputError);
}

}  // namespace
}  // namespace offloadsim::agents
