// The network settings that take one of a few named values, each typed once: an enum and the one
// table of its names. The scenario schema takes its choices from these tables and its defaults from
// the spec structs of network_run.h, so a setting's allowed values and default are stated once.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace offloadsim::netmodels {

enum class NetworkType { kWifi, kLte, kWired };
enum class WifiStandard { k80211n, k80211ac };
enum class WifiBand { k2_4GHz, k5GHz };
enum class RateManager { kIdeal, kMinstrel, kConstant };
enum class Propagation { kLogDistance, kFriis };
enum class LteScheduler { kPf, kRr };
enum class TcpVariant { kCubic, kNewReno };
enum class Mobility { kStatic, kRandomWalk };
enum class BackgroundKind { kBulk, kCbr };    // bulk: TCP as fast as it goes; cbr: UDP at a constant rate
enum class Direction { kDownload, kUpload };  // download: server → station

template <class E>
using ChoiceTable = std::vector<std::pair<E, std::string>>;

// The names of each enum's values, in the order docs list them (specialised below).
template <class E>
const ChoiceTable<E>& choice_table();

template <>
inline const ChoiceTable<NetworkType>& choice_table() {
  static const ChoiceTable<NetworkType> t = {
      {NetworkType::kWifi, "wifi"}, {NetworkType::kLte, "lte"}, {NetworkType::kWired, "wired"}};
  return t;
}
template <>
inline const ChoiceTable<WifiStandard>& choice_table() {
  static const ChoiceTable<WifiStandard> t = {{WifiStandard::k80211n, "802.11n"}, {WifiStandard::k80211ac, "802.11ac"}};
  return t;
}
template <>
inline const ChoiceTable<WifiBand>& choice_table() {
  static const ChoiceTable<WifiBand> t = {{WifiBand::k2_4GHz, "2.4GHz"}, {WifiBand::k5GHz, "5GHz"}};
  return t;
}
template <>
inline const ChoiceTable<RateManager>& choice_table() {
  static const ChoiceTable<RateManager> t = {
      {RateManager::kIdeal, "ideal"}, {RateManager::kMinstrel, "minstrel"}, {RateManager::kConstant, "constant"}};
  return t;
}
template <>
inline const ChoiceTable<Propagation>& choice_table() {
  static const ChoiceTable<Propagation> t = {{Propagation::kLogDistance, "log-distance"},
                                             {Propagation::kFriis, "friis"}};
  return t;
}
template <>
inline const ChoiceTable<LteScheduler>& choice_table() {
  static const ChoiceTable<LteScheduler> t = {{LteScheduler::kPf, "pf"}, {LteScheduler::kRr, "rr"}};
  return t;
}
template <>
inline const ChoiceTable<TcpVariant>& choice_table() {
  static const ChoiceTable<TcpVariant> t = {{TcpVariant::kCubic, "cubic"}, {TcpVariant::kNewReno, "newreno"}};
  return t;
}
template <>
inline const ChoiceTable<Mobility>& choice_table() {
  static const ChoiceTable<Mobility> t = {{Mobility::kStatic, "static"}, {Mobility::kRandomWalk, "random-walk"}};
  return t;
}
template <>
inline const ChoiceTable<BackgroundKind>& choice_table() {
  static const ChoiceTable<BackgroundKind> t = {{BackgroundKind::kBulk, "bulk"}, {BackgroundKind::kCbr, "cbr"}};
  return t;
}
template <>
inline const ChoiceTable<Direction>& choice_table() {
  static const ChoiceTable<Direction> t = {{Direction::kDownload, "download"}, {Direction::kUpload, "upload"}};
  return t;
}

template <class E>
const std::string& name_of(E value) {
  for (const auto& [v, name] : choice_table<E>()) {
    if (v == value) return name;
  }
  throw std::logic_error("a network setting has a value with no name");
}

template <class E>
std::vector<std::string> choice_names() {
  std::vector<std::string> names;
  for (const auto& entry : choice_table<E>()) names.push_back(entry.second);
  return names;
}

// The value named `name`; std::invalid_argument for a name the table lacks (the schema refuses
// those first, naming the field and the allowed values).
template <class E>
E parse_choice(const std::string& name) {
  for (const auto& [v, n] : choice_table<E>()) {
    if (n == name) return v;
  }
  throw std::invalid_argument("'" + name + "' is not one of the allowed values");
}

}  // namespace offloadsim::netmodels
