#include "agents/learning/rl_policy.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "agents/learning/action_sampling.h"
#include "base/fnv1a.h"
#include "base/input_error.h"

namespace offloadsim::agents {

namespace {
// The network as TorchScript: the same arithmetic as ActorCriticImpl::step (LSTMCell gate order
// i, f, g, o), written out so the file needs nothing but LibTorch.
const char* const kTorchScriptSource = R"(
def forward(self, obs: Tensor, h: Tensor, c: Tensor, allowed: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    H = self.lstm_hidden
    gates = torch.matmul(obs, self.lstm_weight_ih.t()) + self.lstm_bias_ih + torch.matmul(h, self.lstm_weight_hh.t()) + self.lstm_bias_hh
    i = torch.sigmoid(gates[:, 0:H])
    f = torch.sigmoid(gates[:, H:2 * H])
    g = torch.tanh(gates[:, 2 * H:3 * H])
    o = torch.sigmoid(gates[:, 3 * H:4 * H])
    c2 = f * c + i * g
    h2 = o * torch.tanh(c2)
    z = torch.relu(torch.matmul(h2, self.fc_weight.t()) + self.fc_bias)
    logits = torch.matmul(z, self.actor_weight.t()) + self.actor_bias
    logits = logits.masked_fill(allowed == 0, -1000000000.0)
    value = (torch.matmul(z, self.critic_weight.t()) + self.critic_bias).squeeze(-1)
    return logits, value, h2, c2
)";
}  // namespace

std::string sidecar_path(const std::string& policy_path) {
  return std::filesystem::path(policy_path).replace_extension(".json").string();
}

void save_torchscript_policy(ActorCritic net, const std::string& path) {
  torch::NoGradGuard no_grad;
  torch::jit::Module m("OffloadPolicy");
  auto param = [&](const std::string& name, const torch::Tensor& t) {
    m.register_parameter(name, t.detach().clone(), /*is_buffer=*/false);
  };
  param("lstm_weight_ih", net->lstm->weight_ih);
  param("lstm_weight_hh", net->lstm->weight_hh);
  param("lstm_bias_ih", net->lstm->bias_ih);
  param("lstm_bias_hh", net->lstm->bias_hh);
  param("fc_weight", net->fc->weight);
  param("fc_bias", net->fc->bias);
  param("actor_weight", net->actor->weight);
  param("actor_bias", net->actor->bias);
  param("critic_weight", net->critic->weight);
  param("critic_bias", net->critic->bias);
  m.register_attribute("lstm_hidden", c10::IntType::get(), net->options().lstm_hidden);
  m.register_attribute("observation_size", c10::IntType::get(), net->options().observation_size);
  m.define(kTorchScriptSource);
  m.save(path);
}

nlohmann::json policy_sidecar(const ActorCriticOptions& net, const StateNormalizer& normalizer,
                              const std::vector<std::string>& feature_names, const MdpParams& mdp) {
  std::vector<std::string> layout = {"robot_confidence"};
  for (const auto& f : feature_names) layout.push_back("feature:" + f);
  for (const char* s :
       {"robot_store_present", "robot_store_confidence", "cloud_store_present", "cloud_store_confidence",
        "stores_agree", "dt_robot/T", "dt_cloud/T", "budget_remaining/T", "time_left/T"}) {
    layout.push_back(s);
  }
  nlohmann::json j;
  j["format"] = "offloadsim-rl-policy";
  j["version"] = 1;
  j["interface"] =
      "forward(obs[N,O], h[N,H], c[N,H], allowed[N,4]) -> (logits[N,4], value[N], h, c); "
      "actions 0 reuse robot, 1 reuse cloud, 2 run robot model, 3 query cloud; h = c = 0 at episode start";
  j["observation"] = {{"size", normalizer.size()},
                      {"layout", layout},
                      {"feature_names", feature_names},
                      {"feature_scales", normalizer.feature_scales()},
                      {"normalisation",
                       "each element clipped to [0, 1]; features divided by their scale; see "
                       "agents/mdp/state_normalizer.h"}};
  j["network"] = {{"lstm_hidden", net.lstm_hidden}, {"fc_hidden", net.fc_hidden}, {"num_actions", net.num_actions}};
  j["mdp"] = {{"accuracy_weight", mdp.accuracy_weight},
              {"cost_weight", mdp.cost_weight},
              {"action_cost", std::vector<double>(mdp.action_cost.begin(), mdp.action_cost.end())},
              {"store_distances", mdp.store_distances}};
  return j;
}

RecurrentPolicy::RecurrentPolicy(StateNormalizer normalizer, int64_t lstm_hidden, bool sample)
    : normalizer_(std::move(normalizer)), hidden_(lstm_hidden), sample_(sample) {}

void RecurrentPolicy::begin_episode(const EpisodeContext& ctx) {
  h_ = torch::zeros({1, hidden_});
  c_ = torch::zeros({1, hidden_});
  rng_.seed(ctx.seed);
}

int RecurrentPolicy::act(const Observation& obs) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::empty({1, normalizer_.size()});
  normalizer_.normalize(obs, x.data_ptr<float>());
  torch::Tensor allowed = torch::ones({1, kNumActions});
  if (obs.budget_remaining <= 0) allowed[0][kCloud] = 0.0f;
  const torch::Tensor logits = step(x, h_, c_, allowed);
  if (!sample_) return static_cast<int>(logits.argmax(-1).item<int64_t>());
  const torch::Tensor p = torch::softmax(logits, -1).contiguous();
  return sample_action(p.data_ptr<float>(), kNumActions, rng_);
}

ActorCriticPolicy::ActorCriticPolicy(ActorCritic net, StateNormalizer normalizer, bool sample)
    : RecurrentPolicy(std::move(normalizer), net->options().lstm_hidden, sample), net_(std::move(net)) {}

torch::Tensor ActorCriticPolicy::step(const torch::Tensor& obs, torch::Tensor& h, torch::Tensor& c,
                                      const torch::Tensor& allowed) {
  ActorCriticOutput out = net_->step(obs, {h, c}, allowed);
  h = out.next.h;
  c = out.next.c;
  return out.logits;
}

nlohmann::json policy_file_fingerprint(const std::string& policy_path) {
  std::ifstream in(policy_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw base::InputError(policy_path, 0, "", "cannot be read");
  return {{"bytes", bytes.size()}, {"fnv1a64", fmt::format("{:016x}", base::fnv1a64(bytes))}};
}

TorchScriptPolicy::TorchScriptPolicy(torch::jit::Module module, nlohmann::json sidecar, StateNormalizer normalizer,
                                     int64_t hidden, bool sample, std::string name, std::string path)
    : RecurrentPolicy(std::move(normalizer), hidden, sample),
      module_(std::move(module)),
      sidecar_(std::move(sidecar)),
      name_(std::move(name)),
      path_(std::move(path)) {}

std::unique_ptr<TorchScriptPolicy> TorchScriptPolicy::load(const std::string& path, bool sample, std::string name) {
  const std::string side = sidecar_path(path);
  std::ifstream in(side);
  if (!in) throw base::InputError(side, 0, "", "policy sidecar not found (every .pt policy needs its .json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw base::InputError(side, 0, "", std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("format", "") != "offloadsim-rl-policy")
    throw base::InputError(side, 0, "format", "not an offloadsim policy sidecar");
  std::vector<double> scales;
  std::vector<std::string> features;
  int64_t hidden = 0, size = 0, actions = 0;
  try {
    scales = j.at("observation").at("feature_scales").get<std::vector<double>>();
    features = j.at("observation").at("feature_names").get<std::vector<std::string>>();
    size = j.at("observation").at("size").get<int64_t>();
    hidden = j.at("network").at("lstm_hidden").get<int64_t>();
    actions = j.at("network").at("num_actions").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw base::InputError(side, 0, "observation/network", e.what());
  }
  // The sidecar must describe one consistent observation (policy_sidecar's layout).
  if (features.empty() || scales.size() != features.size())
    throw base::InputError(side, 0, "observation", "needs one scale per feature name, and at least one feature");
  for (double x : scales) {
    if (!std::isfinite(x) || x <= 0) throw base::InputError(side, 0, "observation.feature_scales", "must be positive");
  }
  if (size != static_cast<int64_t>(features.size()) + 10)
    throw base::InputError(
        side, 0, "observation.size",
        fmt::format("is {}, but {} features make an observation of {}", size, features.size(), features.size() + 10));
  if (hidden < 1 || hidden > 65536) throw base::InputError(side, 0, "network.lstm_hidden", "must be in [1, 65536]");
  if (actions != kNumActions) throw base::InputError(side, 0, "network.num_actions", "must be 4");
  if (j.contains("policy_file")) {  // sidecars before 2026-11-30 have no fingerprint
    const nlohmann::json now = policy_file_fingerprint(path);
    if (j["policy_file"] != now) {
      throw base::InputError(
          path, 0, "",
          fmt::format("does not match its sidecar {} ({} bytes, fingerprint {}; the file has {} "
                      "bytes, {}): it is damaged or was replaced",
                      side, j["policy_file"].value("bytes", 0), j["policy_file"].value("fnv1a64", "?"),
                      now["bytes"].get<std::size_t>(), now["fnv1a64"].get<std::string>()));
    }
  }
  torch::jit::Module m;
  try {
    m = torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw base::InputError(path, 0, "", "cannot load TorchScript policy: " + std::string(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw base::InputError(path, 0, "", "cannot load TorchScript policy: " + std::string(e.what()));
  }
  if (!m.find_method("forward")) {
    throw base::InputError(path, 0, "", "has no forward method: not a policy (a checkpoint's model.pt is not one)");
  }
  m.eval();
  auto policy = std::unique_ptr<TorchScriptPolicy>(new TorchScriptPolicy(
      std::move(m), std::move(j), StateNormalizer(scales), hidden, sample, std::move(name), path));
  // One step on an empty observation: a module that does not follow the interface fails here, not mid-run.
  torch::NoGradGuard no_grad;
  torch::Tensor h = torch::zeros({1, hidden}), c = torch::zeros({1, hidden});
  policy->step(torch::zeros({1, size}), h, c, torch::ones({1, kNumActions}));
  return policy;
}

torch::Tensor TorchScriptPolicy::step(const torch::Tensor& obs, torch::Tensor& h, torch::Tensor& c,
                                      const torch::Tensor& allowed) {
  c10::IValue result;
  try {
    result = module_.forward({obs, h, c, allowed});
  } catch (const c10::Error& e) {
    throw base::InputError(path_, 0, "", "the policy failed: " + std::string(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw base::InputError(path_, 0, "", "the policy failed: " + std::string(e.what()));
  }
  // What a policy returns is checked on every step: wrong shapes or NaN must stop the run, not
  // quietly become the same action for every frame.
  const auto bad = [&](const std::string& what) {
    return base::InputError(path_, 0, "", "does not follow the policy interface: " + what);
  };
  if (!result.isTuple() || result.toTupleRef().elements().size() != 4)
    throw bad("forward must return (logits, value, h, c)");
  const auto& out = result.toTupleRef().elements();
  for (const auto& e : out) {
    if (!e.isTensor()) throw bad("forward must return four tensors");
  }
  const torch::Tensor logits = out[0].toTensor();
  const auto hidden_shape = h.sizes().vec();
  if (logits.sizes() != torch::IntArrayRef({1, kNumActions}))
    throw bad(fmt::format("logits have shape [{}], expected [1, 4]", fmt::join(logits.sizes(), ", ")));
  if (!torch::isfinite(logits).all().item<bool>()) throw bad("logits are not finite (NaN or inf)");
  if (out[2].toTensor().sizes() != h.sizes() || out[3].toTensor().sizes() != c.sizes())
    throw bad(fmt::format("the recurrent state must keep its shape [{}]", fmt::join(hidden_shape, ", ")));
  h = out[2].toTensor();
  c = out[3].toTensor();
  return logits.to(torch::kFloat);
}

}  // namespace offloadsim::agents
