#include "agents/learning/a2c.h"

#include <gtest/gtest.h>

#include "agents/eval/episode_runner.h"
#include "agents/eval/surrogate_runner.h"
#include "agents/learning/a2c_trainer.h"
#include "agents/learning/rl_policy.h"
#include "agents/mdp/congestion_surrogate.h"
#include "agents/mdp/observation_features.h"
#include "learning_fixtures.h"

namespace offloadsim::agents {
namespace {

TEST(A2C, LossDecreasesOnATinyProblem) {
  // A one-step bandit in 8 environments with the same observation: every action is tried twice
  // and only action 2 is rewarded. The critic's loss must fall and the actor must come to prefer
  // action 2.
  torch::manual_seed(1);
  ActorCritic net(ActorCriticOptions{6, 8, 16, 4});
  A2COptions o;
  o.optimizer = "adam";
  o.learning_rate = 1e-2;
  o.entropy_coef = 0.0;
  A2C a2c(net, o);
  RolloutStorage s(1, 8, 6, 4);
  s.begin(net->initial_state(8));
  const torch::Tensor obs = torch::full({8, 6}, 0.5);
  const torch::Tensor actions = torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}, torch::kLong);
  const torch::Tensor rewards = torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f});
  s.push(obs, torch::ones({8, 4}), actions, rewards, torch::ones({8}), torch::ones({8}));
  const torch::Tensor returns = s.returns(torch::zeros({8}), 0.9);
  auto p_best = [&] {
    torch::NoGradGuard g;
    return torch::softmax(net->step(obs, net->initial_state(8), torch::ones({8, 4})).logits, -1)[0][2].item<double>();
  };
  const double before = p_best();
  const A2CLosses first = a2c.update(s, returns);
  A2CLosses last = first;
  for (int i = 0; i < 60; ++i) last = a2c.update(s, returns);
  EXPECT_NEAR(before, 0.25, 0.05);
  // Same observation, returns 0 or 1: the best critic predicts their mean, leaving the variance.
  EXPECT_NEAR(last.value_loss, 0.1875, 0.02);
  EXPECT_LT(last.policy_loss, first.policy_loss);
  EXPECT_GT(p_best(), 0.9);
}

TEST(A2C, CriticLossFallsOnDistinctStates) {
  torch::manual_seed(2);
  ActorCritic net(ActorCriticOptions{6, 8, 16, 4});
  A2COptions o;
  o.optimizer = "adam";
  o.learning_rate = 1e-2;
  o.max_grad_norm = 10;
  A2C a2c(net, o);
  RolloutStorage s(4, 6, 6, 4);
  s.begin(net->initial_state(6));
  for (int t = 0; t < 4; ++t) {
    s.push(torch::rand({6, 6}), torch::ones({6, 4}), torch::randint(0, 4, {6}, torch::kLong), torch::rand({6}),
           torch::ones({6}), torch::zeros({6}));
  }
  const torch::Tensor returns = s.returns(torch::zeros({6}), 0.9);
  const double first = a2c.update(s, returns).value_loss;
  double last = first;
  for (int i = 0; i < 150; ++i) last = a2c.update(s, returns).value_loss;
  EXPECT_LT(last, 0.1 * first);
}

TEST(A2C, RejectsUnknownOptimizer) {
  ActorCritic net(ActorCriticOptions{6, 8, 16, 4});
  A2COptions o;
  o.optimizer = "sgd-with-vibes";
  EXPECT_THROW(A2C(net, o), std::invalid_argument);
}

TEST(A2CTrainer, LearnsTriviallyLearnableVariantToNearOracle) {
  torch::set_num_threads(1);
  const std::vector<Trace> traces = testing::useless_robot_traces(8, 16);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options();
  o.total_env_steps = 40'000;
  A2CTrainer trainer(o, testing::free_cloud_mdp(), source, StateNormalizer::fit(traces));
  trainer.train();
  ActorCriticPolicy greedy(trainer.network(), trainer.normalizer());
  double total = 0;
  for (const Trace& t : traces) total += run_episode(greedy, t, t.horizon(), testing::free_cloud_mdp(), 0).reward;
  const double mean = total / static_cast<double>(traces.size());
  // Oracle: 0. The first, untrained rounds average about −90 per episode.
  EXPECT_GT(trainer.history().front().mean_episode_reward, -200.0);
  EXPECT_LT(trainer.history().front().mean_episode_reward, -40.0);
  EXPECT_GE(mean, -5.0) << "greedy reward after training";
}

// The same easy problem inside the congestion surrogate, seeing the network: eight robots in one
// quiet cell, their queries answered in ~15 ms, well within the 100 ms deadline.
TEST(A2CTrainer, TrainsInsideTheCongestionSurrogateWithNetworkFeatures) {
  torch::set_num_threads(1);
  const std::vector<Trace> traces = testing::useless_robot_traces(8, 16);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options();
  o.total_env_steps = 40'000;
  SurrogateSettings s;
  s.robot.mdp = testing::free_cloud_mdp();
  s.robot.fps = 10;
  s.robot.deadline_s = 0.1;
  s.robot.mean_query_bytes = 20000;
  s.robot.budget_share = 1e9;  // the grant is the paper's budget
  s.robot.budget_fraction = 1.0;  // as in training (o.budgets)
  s.robot.network_features = true;
  CellModel cell;
  cell.robots = o.num_envs;
  cell.base_rtt_s = 0.004;
  cell.capacity_bps = 100e6;
  cell.service_s = {0.01};
  cell.cloud_workers = 8;
  std::vector<double> scales = StateNormalizer::fit(traces).feature_scales();
  for (double x : network_feature_scales(s.robot.timeout_s, 100, 1, 16)) scales.push_back(x);
  const StateNormalizer normalizer(scales);
  A2CTrainer trainer(o, s.robot.mdp, source, normalizer);
  trainer.set_environment([&](std::int64_t round) {
    return std::make_unique<CongestionSurrogate>(std::vector<CellModel>{cell}, s, std::vector<std::uint32_t>{20000},
                                                 normalizer, static_cast<std::uint64_t>(round));
  });
  trainer.train();
  // Greedy, on the robots of a fresh cell, as the closed loop would play it.
  std::vector<ActorCriticPolicy> greedy(static_cast<std::size_t>(o.num_envs),
                                        ActorCriticPolicy(trainer.network(), trainer.normalizer()));
  std::vector<Policy*> policies;
  std::vector<std::vector<Trace>> episodes;
  for (auto& p : greedy) policies.push_back(&p);
  for (int r = 0; r < o.num_envs; ++r) episodes.push_back({traces[static_cast<std::size_t>(r)]});
  double total = 0;
  for (const SurrogateFrame& f : play_cell(cell, s, {20000}, episodes, policies,
                                           std::vector<int>(static_cast<std::size_t>(o.num_envs), 16), 1, 99)) {
    total += f.reward;
  }
  // Oracle: 0; never querying: −16 per episode. The first rounds average well below −4.
  EXPECT_LT(trainer.history().front().mean_episode_reward, -4.0);
  EXPECT_GE(total / o.num_envs, -1.0) << "greedy reward per episode after training; last round " << trainer.history().back().mean_episode_reward << " first " << trainer.history().front().mean_episode_reward;
}

TEST(A2CTrainer, SameSeedSameTrainingCurveAndWeights) {
  torch::set_num_threads(1);
  const std::vector<Trace> traces = testing::useless_robot_traces(4, 12);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options();
  o.total_env_steps = 8 * 12 * 3;  // three rounds
  A2CTrainer a(o, MdpParams{}, source, StateNormalizer::fit(traces));
  A2CTrainer b(o, MdpParams{}, source, StateNormalizer::fit(traces));
  a.train();
  b.train();
  ASSERT_EQ(a.history().size(), 3u);
  ASSERT_EQ(a.history().size(), b.history().size());
  for (size_t i = 0; i < a.history().size(); ++i) {
    EXPECT_EQ(a.history()[i].mean_episode_reward, b.history()[i].mean_episode_reward);
    EXPECT_EQ(a.history()[i].policy_loss, b.history()[i].policy_loss);
    EXPECT_EQ(a.history()[i].value_loss, b.history()[i].value_loss);
    EXPECT_EQ(a.history()[i].entropy, b.history()[i].entropy);
  }
  const auto pa = a.network()->parameters(), pb = b.network()->parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
  // A different seed trains differently.
  o.seed = 4;
  A2CTrainer c(o, MdpParams{}, source, StateNormalizer::fit(traces));
  c.train();
  EXPECT_NE(c.history().back().policy_loss, a.history().back().policy_loss);
}

TEST(A2CTrainer, ResumeFromCheckpointIsExact) {
  torch::set_num_threads(1);
  const std::vector<Trace> traces = testing::useless_robot_traces(4, 12);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options();
  o.total_env_steps = 8 * 12 * 4;
  A2CTrainer straight(o, MdpParams{}, source, StateNormalizer::fit(traces));
  straight.train();

  TrainerOptions half = o;
  half.total_env_steps = 8 * 12 * 2;
  A2CTrainer first(half, MdpParams{}, source, StateNormalizer::fit(traces));
  first.train();
  const std::string dir = ::testing::TempDir() + "a2c_checkpoint";
  std::filesystem::remove_all(dir);
  first.save_checkpoint(dir);
  A2CTrainer resumed(o, MdpParams{}, source, StateNormalizer::fit(traces));
  resumed.load_checkpoint(dir);
  EXPECT_EQ(resumed.env_steps(), first.env_steps());
  resumed.train();

  ASSERT_EQ(resumed.history().size(), straight.history().size());
  for (size_t i = 0; i < straight.history().size(); ++i) {
    EXPECT_EQ(resumed.history()[i].update, straight.history()[i].update);
    EXPECT_EQ(resumed.history()[i].mean_episode_reward, straight.history()[i].mean_episode_reward);
    EXPECT_EQ(resumed.history()[i].policy_loss, straight.history()[i].policy_loss);
  }
  const auto pa = straight.network()->parameters(), pb = resumed.network()->parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
}

TEST(A2CTrainer, EntropyAnnealsLinearlyAndResumesExactly) {
  torch::set_num_threads(1);
  const std::vector<Trace> traces = testing::useless_robot_traces(4, 12);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options();
  o.total_env_steps = 8 * 12 * 4;
  o.a2c.entropy_coef = 0.05;
  o.entropy_coef_final = 0.01;
  A2CTrainer straight(o, MdpParams{}, source, StateNormalizer::fit(traces));
  EXPECT_DOUBLE_EQ(straight.entropy_coef_at(0), 0.05);
  EXPECT_DOUBLE_EQ(straight.entropy_coef_at(o.total_env_steps / 2), 0.03);
  EXPECT_DOUBLE_EQ(straight.entropy_coef_at(o.total_env_steps), 0.01);
  EXPECT_DOUBLE_EQ(straight.entropy_coef_at(10 * o.total_env_steps), 0.01);
  straight.train();

  // Stopped after two rounds (as by Ctrl-C), checkpointed, resumed: the same run.
  A2CTrainer first(o, MdpParams{}, source, StateNormalizer::fit(traces));
  first.train([&] { return first.rounds() >= 2; });
  const std::string dir = ::testing::TempDir() + "a2c_checkpoint_anneal";
  std::filesystem::remove_all(dir);
  first.save_checkpoint(dir);
  A2CTrainer resumed(o, MdpParams{}, source, StateNormalizer::fit(traces));
  resumed.load_checkpoint(dir);
  resumed.train();
  ASSERT_EQ(resumed.history().size(), straight.history().size());
  for (size_t i = 0; i < straight.history().size(); ++i) {
    EXPECT_EQ(resumed.history()[i].entropy, straight.history()[i].entropy);
    EXPECT_EQ(resumed.history()[i].policy_loss, straight.history()[i].policy_loss);
  }
  TrainerOptions constant = o;
  constant.entropy_coef_final = -1;
  A2CTrainer c(constant, MdpParams{}, source, StateNormalizer::fit(traces));
  EXPECT_DOUBLE_EQ(c.entropy_coef_at(o.total_env_steps), 0.05);
}

TEST(A2CTrainer, CheckpointFromAnotherSeedIsRefused) {
  const std::vector<Trace> traces = testing::useless_robot_traces(2, 8);
  FileTrainingTraces source(traces, 5);
  TrainerOptions o = testing::small_trainer_options(3);
  A2CTrainer a(o, MdpParams{}, source, StateNormalizer::fit(traces));
  const std::string dir = ::testing::TempDir() + "a2c_checkpoint_seed";
  std::filesystem::remove_all(dir);
  a.save_checkpoint(dir);
  o.seed = 9;
  A2CTrainer b(o, MdpParams{}, source, StateNormalizer::fit(traces));
  EXPECT_THROW(b.load_checkpoint(dir), std::runtime_error);
}

}  // namespace
}  // namespace offloadsim::agents
