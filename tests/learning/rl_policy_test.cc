#include "agents/learning/rl_policy.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../agents/test_traces.h"
#include "agents/eval/episode_runner.h"
#include "learning_fixtures.h"
#include "sim/base/input_error.h"

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

}  // namespace
}  // namespace offloadsim::agents
