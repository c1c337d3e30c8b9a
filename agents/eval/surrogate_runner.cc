#include "agents/eval/surrogate_runner.h"

#include <algorithm>
#include <stdexcept>

#include "agents/mdp/observation_features.h"
#include "base/seed.h"

namespace offloadsim::agents {

std::vector<SurrogateFrame> play_cell(const CellModel& cell, const SurrogateSettings& settings,
                                      const std::vector<std::uint32_t>& query_sizes,
                                      const std::vector<std::vector<Trace>>& episodes,
                                      const std::vector<Policy*>& policies, const std::vector<int>& frames,
                                      std::uint64_t policy_seed, std::uint64_t network_seed) {
  const std::size_t n = static_cast<std::size_t>(cell.robots);
  if (episodes.size() != n || policies.size() != n || frames.size() != n) {
    throw std::invalid_argument("play_cell: one stream, policy and frame count per robot of the cell");
  }
  for (std::size_t r = 0; r < n; ++r) {
    int available = 0;
    for (const Trace& t : episodes[r]) available += t.horizon();
    if (episodes[r].empty() || frames[r] > available) {
      throw std::invalid_argument("play_cell: robot " + std::to_string(r + 1) + " has fewer frames than it plays");
    }
  }
  // Policies normalise what they see themselves: the surrogate's own normaliser is not used here.
  const std::size_t features = feature_names(episodes.front().front().feature_names,
                                             {settings.robot.mdp.store_distances, settings.robot.network_features})
                                   .size();
  CongestionSurrogate env({cell}, settings, query_sizes, StateNormalizer(std::vector<double>(features, 1.0)),
                          network_seed);
  std::vector<int> episode(n, -1), played(n, 0), actions(n, kRobot);
  std::vector<float> rewards(n);
  std::vector<std::uint8_t> dones(n);
  std::vector<SurrogateOutcome> outcomes(n);
  std::vector<SurrogateFrame> out;
  const int longest = *std::max_element(frames.begin(), frames.end());
  // A robot past its frames keeps running its on-board model on its last episode (no network use).
  const Trace idle = [&] {
    Trace t = episodes.front().front();
    t.frames.assign(static_cast<std::size_t>(longest) + 1, t.frames.front());
    return t;
  }();
  for (int k = 0; k < longest; ++k) {
    for (std::size_t r = 0; r < n; ++r) {
      const int slot = static_cast<int>(r);
      if (played[r] >= frames[r]) {
        if (env.done(slot)) env.reset(slot, idle, 0);
        actions[r] = kRobot;
        continue;
      }
      if (env.done(slot)) {
        const Trace& t = episodes[r][static_cast<std::size_t>(++episode[r])];
        env.reset(slot, t, budget_queries(settings.robot.budget_fraction, t.horizon()));
        EpisodeContext ctx;
        ctx.horizon = t.horizon();
        ctx.budget = env.observation(slot).budget_initial;
        ctx.seed = base::derive_seed(policy_seed, r, static_cast<std::uint64_t>(episode[r]));
        ctx.params = &settings.robot.mdp;
        policies[r]->begin_episode(ctx);
      }
      actions[r] = policies[r]->act(env.observation(slot));
    }
    env.step(actions.data(), rewards.data(), dones.data(), outcomes.data());
    for (std::size_t r = 0; r < n; ++r) {
      if (played[r] >= frames[r]) continue;
      out.push_back({static_cast<int>(r), played[r]++, actions[r], outcomes[r], rewards[r]});
    }
  }
  return out;
}

}  // namespace offloadsim::agents
