#include "agents/learning/a2c_trainer.h"

#include <cstdint>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "agents/learning/action_sampling.h"
#include "agents/learning/rollout_storage.h"
#include "agents/mdp/vector_env.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"

namespace offloadsim::agents {

A2CTrainer::A2CTrainer(TrainerOptions options, MdpParams mdp, const TrainingTraces& traces, StateNormalizer normalizer)
    : options_(std::move(options)),
      mdp_(mdp),
      traces_(traces),
      normalizer_(std::move(normalizer)),
      net_([&] {
        torch::manual_seed(options_.seed);  // network initialisation
        options_.network.observation_size = normalizer_.size();
        options_.network.num_actions = kNumActions;
        return ActorCritic(options_.network);
      }()),
      a2c_(net_, options_.a2c) {
  if (options_.num_envs < 1 || options_.n_steps < 1) throw std::invalid_argument("A2CTrainer: bad sizes");
  if (options_.budgets.empty()) throw std::invalid_argument("A2CTrainer: no training budgets");
  make_env_ = [this](std::int64_t) { return std::make_unique<VectorOffloadEnv>(options_.num_envs, mdp_, normalizer_); };
}

void A2CTrainer::train(const std::function<bool()>& should_stop,
                       const std::function<void(const TrainingRow&)>& on_round) {
  const auto start = std::chrono::steady_clock::now();
  while (!finished()) {
    if (should_stop && should_stop()) break;
    run_round();
    history_.back().wall_s =
        wall_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_round) on_round(history_.back());
  }
  wall_before_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double A2CTrainer::entropy_coef_at(std::int64_t env_steps) const {
  if (options_.entropy_coef_final < 0) return options_.a2c.entropy_coef;
  const double progress = std::min(
      1.0, static_cast<double>(env_steps) / static_cast<double>(std::max<std::int64_t>(1, options_.total_env_steps)));
  return options_.a2c.entropy_coef + (options_.entropy_coef_final - options_.a2c.entropy_coef) * progress;
}

void A2CTrainer::run_round() {
  const int n = options_.num_envs;
  const int64_t obs_size = normalizer_.size();
  std::vector<Trace> traces;
  const std::unique_ptr<BatchEnv> env = make_env_(round_);
  if (env->size() != n || env->observation_size() != obs_size) {
    throw std::invalid_argument(fmt::format("A2CTrainer: the environment has {} slots of {} observations, not {} of {}",
                                            env->size(), env->observation_size(), n, obs_size));
  }
  BatchEnv& venv = *env;
  int longest = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t key =
        static_cast<std::uint64_t>(round_) * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(i);
    traces.push_back(traces_.draw(key));
    longest = std::max(longest, traces.back().horizon());
  }
  for (int i = 0; i < n; ++i) {
    const std::uint64_t key =
        static_cast<std::uint64_t>(round_) * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(i);
    const double fraction =
        options_
            .budgets[base::derive_seed(options_.seed, base::streams::kTrainingBudgets, key) % options_.budgets.size()];
    venv.reset(i, traces[static_cast<size_t>(i)], budget_queries(fraction, traces[static_cast<size_t>(i)].horizon()));
  }
  std::mt19937_64 rng(
      base::derive_seed(options_.seed, base::streams::kActionSampling, static_cast<std::uint64_t>(round_)));

  RolloutStorage storage(options_.n_steps, n, obs_size, kNumActions);
  RecurrentState state = net_->initial_state(n);
  torch::Tensor obs = torch::zeros({n, obs_size}), allowed = torch::zeros({n, kNumActions});
  std::vector<int> actions(static_cast<size_t>(n));
  std::vector<float> rewards(static_cast<size_t>(n));
  std::vector<std::uint8_t> dones(static_cast<size_t>(n));
  std::vector<double> episode_reward(static_cast<size_t>(n), 0.0);
  std::vector<float> active_v(static_cast<size_t>(n)), reward_v(static_cast<size_t>(n)),
      ended_v(static_cast<size_t>(n));
  std::vector<std::int64_t> action_v(static_cast<size_t>(n));
  double entropy = 0, policy_loss = 0, value_loss = 0;
  int round_updates = 0;

  for (int t = 0; t < longest;) {
    storage.begin(state);
    for (int k = 0; k < options_.n_steps && t < longest; ++k, ++t) {
      venv.observe(obs.data_ptr<float>());
      venv.allowed_actions(allowed.data_ptr<float>());
      for (int i = 0; i < n; ++i) active_v[static_cast<size_t>(i)] = venv.done(i) ? 0.0f : 1.0f;
      torch::Tensor probs;
      {
        torch::NoGradGuard no_grad;
        ActorCriticOutput out = net_->step(obs, state, allowed);
        probs = torch::softmax(out.logits, -1).contiguous();
        state = out.next;
      }
      const float* p = probs.data_ptr<float>();
      for (int i = 0; i < n; ++i)
        actions[static_cast<size_t>(i)] = sample_action(p + i * kNumActions, kNumActions, rng);
      venv.step(actions.data(), rewards.data(), dones.data());
      for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
        episode_reward[i] += rewards[i];
        reward_v[i] = static_cast<float>(rewards[i] * options_.reward_scale);
        ended_v[i] = dones[i] ? 1.0f : 0.0f;
        action_v[i] = actions[i];
        if (active_v[i] > 0) ++env_steps_;
      }
      const torch::Tensor active = torch::from_blob(active_v.data(), {n});
      const torch::Tensor reward = torch::from_blob(reward_v.data(), {n});
      const torch::Tensor ended = torch::from_blob(ended_v.data(), {n});
      const torch::Tensor action = torch::from_blob(action_v.data(), {n}, torch::kLong);
      storage.push(obs, allowed, action, reward, active, ended);
    }
    // Bootstrap from the critic's value of the next state; 0 where the episode has ended.
    torch::Tensor bootstrap;
    {
      torch::NoGradGuard no_grad;
      venv.observe(obs.data_ptr<float>());
      venv.allowed_actions(allowed.data_ptr<float>());
      bootstrap = net_->step(obs, state, allowed).value.contiguous();
      float* b = bootstrap.data_ptr<float>();
      for (int i = 0; i < n; ++i) {
        if (venv.done(i)) b[i] = 0.0f;
      }
    }
    a2c_.set_entropy_coef(entropy_coef_at(env_steps_));
    const A2CLosses l = a2c_.update(storage, storage.returns(bootstrap, options_.a2c.gamma));
    state = state.detach();
    entropy += l.entropy;
    policy_loss += l.policy_loss;
    value_loss += l.value_loss;
    ++round_updates;
    ++updates_;
  }

  TrainingRow row;
  row.update = updates_;
  row.env_steps = env_steps_;
  double total = 0;
  for (double r : episode_reward) total += r;
  row.mean_episode_reward = total / n;
  row.entropy = entropy / round_updates;
  row.policy_loss = policy_loss / round_updates;
  row.value_loss = value_loss / round_updates;
  history_.push_back(row);
  ++round_;
}

void A2CTrainer::save_checkpoint(const std::string& dir) const {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  torch::save(net_, (fs::path(dir) / "model.pt").string());
  torch::serialize::OutputArchive archive;
  a2c_.optimizer_state(archive);
  archive.save_to((fs::path(dir) / "optimizer.pt").string());
  nlohmann::json j;
  j["format"] = "offloadsim-a2c-checkpoint";
  j["version"] = 1;
  j["seed"] = options_.seed;
  j["round"] = round_;
  j["updates"] = updates_;
  j["env_steps"] = env_steps_;
  j["wall_s"] = wall_before_;
  j["observation_size"] = normalizer_.size();
  j["feature_scales"] = normalizer_.feature_scales();
  nlohmann::json rows = nlohmann::json::array();
  for (const TrainingRow& r : history_) {
    rows.push_back({r.update, r.env_steps, r.wall_s, r.mean_episode_reward, r.entropy, r.policy_loss, r.value_loss});
  }
  j["history"] = rows;
  std::ofstream(fs::path(dir) / "trainer.json") << j.dump(1) << '\n';
}

namespace {

// A parameter "a.b.w" of a saved module: tensor "w" in sub-archive "b" of sub-archive "a".
bool read_parameter(torch::serialize::InputArchive& archive, const std::string& dotted, torch::Tensor& out) {
  const size_t dot = dotted.find('.');
  if (dot == std::string::npos) return archive.try_read(dotted, out);
  torch::serialize::InputArchive child;
  return archive.try_read(dotted.substr(0, dot), child) && read_parameter(child, dotted.substr(dot + 1), out);
}

}  // namespace

void A2CTrainer::load_checkpoint(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string file = (fs::path(dir) / "trainer.json").string();
  std::ifstream in(file);
  if (!in) throw base::InputError(dir, 0, "", "not a checkpoint (trainer.json missing)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw base::InputError(file, 0, "", std::string("not valid JSON (a damaged checkpoint): ") + e.what());
  }
  if (!j.is_object() || j.value("format", "") != "offloadsim-a2c-checkpoint")
    throw base::InputError(file, 0, "format", "not an offloadsim checkpoint");
  std::int64_t round = 0, updates = 0, env_steps = 0;
  double wall = 0;
  std::vector<TrainingRow> history;
  try {
    if (j.at("seed").get<std::uint64_t>() != options_.seed) {
      throw base::InputError(file, 0, "seed",
                             "the checkpoint was trained with seed " + j.at("seed").dump() + ", this run has seed " +
                                 std::to_string(options_.seed));
    }
    if (j.at("observation_size").get<int>() != normalizer_.size() ||
        j.at("feature_scales").get<std::vector<double>>() != normalizer_.feature_scales()) {
      throw base::InputError(file, 0, "feature_scales", "the checkpoint's state normalisation differs from this run's");
    }
    // A counter past 2^63 − 1 would wrap to a negative number in get<int64_t>(): say what it is.
    auto counter = [&](const char* field) {
      const nlohmann::json& v = j.at(field);
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        throw base::InputError(file, 0, field, fmt::format("{} is too large (at most 2^63 − 1)", v.dump()));
      }
      return v.get<std::int64_t>();
    };
    round = counter("round");
    updates = counter("updates");
    env_steps = counter("env_steps");
    wall = j.at("wall_s").get<double>();
    for (const auto& r : j.at("history")) {
      history.push_back({r.at(0).get<std::int64_t>(), r.at(1).get<std::int64_t>(), r.at(2).get<double>(),
                         r.at(3).get<double>(), r.at(4).get<double>(), r.at(5).get<double>(), r.at(6).get<double>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw base::InputError(file, 0, "", std::string("a field is missing or of the wrong type: ") + e.what());
  }
  // The counters must tell one story: a round adds one history row, ending at the counters.
  auto bad = [&](const std::string& field, const std::string& what) { return base::InputError(file, 0, field, what); };
  if (round < 0) throw bad("round", "is negative");
  if (updates < 0) throw bad("updates", "is negative");
  if (env_steps < 0) throw bad("env_steps", "is negative");
  if (!std::isfinite(wall) || wall < 0) throw bad("wall_s", "is not a duration");
  if (static_cast<std::int64_t>(history.size()) != round)
    throw bad("history", fmt::format("has {} rows for {} rounds", history.size(), round));
  for (size_t k = 0; k < history.size(); ++k) {
    const TrainingRow& r = history[k];
    const TrainingRow* prev = k ? &history[k - 1] : nullptr;
    if (r.update < 0 || r.env_steps < 0 || (prev && (r.update < prev->update || r.env_steps < prev->env_steps)))
      throw bad("history", fmt::format("row {} goes backwards or below zero", k));
  }
  if (!history.empty() && (history.back().update != updates || history.back().env_steps != env_steps))
    throw bad("history", "its last row does not end at the checkpoint's updates and env_steps");

  const std::string model = (fs::path(dir) / "model.pt").string(),
                    optimizer = (fs::path(dir) / "optimizer.pt").string();
  try {
    // Shapes first: torch::load would replace a parameter of another shape without a word.
    torch::serialize::InputArchive archive;
    archive.load_from(model);
    for (const auto& item : net_->named_parameters()) {
      const std::string& name = item.key();
      const torch::Tensor& param = item.value();
      torch::Tensor saved;
      if (!read_parameter(archive, name, saved)) throw base::InputError(model, 0, name, "no such parameter");
      if (saved.sizes() != param.sizes()) {
        throw base::InputError(model, 0, name,
                               fmt::format("has shape {}, this run's network {}: the checkpoint was trained with "
                                           "another network size",
                                           fmt::join(saved.sizes(), "×"), fmt::join(param.sizes(), "×")));
      }
      if (!torch::isfinite(saved).all().item<bool>()) throw base::InputError(model, 0, name, "holds NaN or inf");
    }
    torch::load(net_, model);
  } catch (const c10::Error& e) {
    throw base::InputError(model, 0, "",
                           std::string("cannot be read (a damaged checkpoint): ") + e.what_without_backtrace());
  } catch (const base::InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw base::InputError(model, 0, "", std::string("cannot be read (a damaged checkpoint): ") + e.what());
  }
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(optimizer);
    a2c_.load_optimizer_state(archive);
  } catch (const c10::Error& e) {
    throw base::InputError(optimizer, 0, "",
                           std::string("cannot be read (a damaged checkpoint): ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw base::InputError(optimizer, 0, "", std::string("cannot be read (a damaged checkpoint): ") + e.what());
  }
  round_ = round;
  updates_ = updates;
  env_steps_ = env_steps;
  wall_before_ = wall;
  history_ = std::move(history);
}

}  // namespace offloadsim::agents
