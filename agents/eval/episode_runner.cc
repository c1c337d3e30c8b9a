#include "agents/eval/episode_runner.h"

#include "base/stop.h"

namespace offloadsim::agents {

EpisodeResult run_episode(Policy& policy, const Trace& trace, int budget, const MdpParams& params, std::uint64_t seed) {
  EpisodeContext ctx;
  ctx.horizon = trace.horizon();
  ctx.budget = budget;
  ctx.seed = seed;
  ctx.params = &params;
  ctx.trace = policy.clairvoyant() ? &trace : nullptr;
  policy.begin_episode(ctx);

  OffloadEnv env(params);
  Observation obs = env.reset(trace, budget);
  EpisodeResult r;
  int correct = 0;
  double last_reward = 0.0;
  while (!env.done()) {
    if ((r.steps & 4095) == 4095) base::throw_if_stopped();  // a long trace: a stop need not wait for it
    const StepOutcome o = env.step(policy.act(obs));
    ++r.steps;
    last_reward = o.reward;
    r.reward += o.reward;
    r.loss_term += params.accuracy_weight * o.loss;
    r.cost_term += params.cost_weight * o.cost;
    correct += o.correct ? 1 : 0;
    if (o.executed_action == kRobot) ++r.robot_queries;
    if (o.executed_action == kCloud) ++r.cloud_queries;
    r.executed_actions.push_back(o.executed_action);
    r.step_frames.push_back(o.frame);
    obs = env.observe();
  }
  if (params.quirks.unlogged_final_step) {
    r.reward_per_step = r.steps > 1 ? (r.reward - last_reward) / (r.steps - 1) : 0.0;
  } else {
    r.reward_per_step = r.reward / r.steps;
  }
  r.accuracy = static_cast<double>(correct) / trace.horizon();
  return r;
}

}  // namespace offloadsim::agents
