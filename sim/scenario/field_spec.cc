#include "sim/scenario/field_spec.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace offloadsim::sim {

bool FieldSpec::applies_to(const std::string& kind) const {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::kBool:
      return "boolean";
    case FieldType::kInt:
      return "integer";
    case FieldType::kNumber:
      return "number";
    case FieldType::kString:
      return "string";
    case FieldType::kChoice:
      return "choice";
    case FieldType::kPath:
      return "file path";
    case FieldType::kNumberList:
      return "list of numbers";
    case FieldType::kChoiceList:
      return "list of choices";
    case FieldType::kPolicyList:
      return "list of policies";
    case FieldType::kPathList:
      return "list of file paths";
  }
  return "?";
}

namespace {
std::string number_text(double x) {
  if (std::isinf(x)) return x > 0 ? "∞" : "−∞";
  if (x >= 9.2e18) return "9223372036854775807";  // the largest 64-bit integer (the seed's bound)
  return fmt::format("{:g}", x);
}

std::string range_text(const FieldSpec& f) {
  const bool lo = std::isfinite(f.min), hi = std::isfinite(f.max);
  if (lo && hi) return fmt::format("in [{}, {}]", number_text(f.min), number_text(f.max));
  if (lo) return fmt::format(">= {}", number_text(f.min));
  if (hi) return fmt::format("<= {}", number_text(f.max));
  return "";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}
}  // namespace

std::string describe_allowed(const FieldSpec& f) {
  std::string s;
  switch (f.type) {
    case FieldType::kBool:
      s = "true or false";
      break;
    case FieldType::kInt:
      s = "integer " + range_text(f);
      break;
    case FieldType::kNumber:
      s = "number " + range_text(f);
      break;
    case FieldType::kString:
      s = "string";
      break;
    case FieldType::kChoice:
      s = "one of: " + join(f.choices);
      break;
    case FieldType::kPath:
      s = "path to an existing file (relative to the scenario file)";
      break;
    case FieldType::kNumberList:
      s = "list of numbers, each " + range_text(f);
      break;
    case FieldType::kChoiceList:
      s = "list, each one of: " + join(f.choices);
      break;
    case FieldType::kPolicyList:
      s = "list, each one of: " + join(f.choices) + ", or {rl: saved-policy.pt}";
      break;
    case FieldType::kPathList:
      s = "list of paths to existing files (relative to the scenario file)";
      break;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (!f.unit.empty() && f.type != FieldType::kBool) s += " (" + f.unit + ")";
  return s;
}

std::string format_value(const Value& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(long long i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return s.empty() ? "\"\"" : s; }
    std::string operator()(const std::vector<double>& v) const {
      std::string s = "[";
      for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + fmt::format("{}", v[i]);
      return s + "]";
    }
    std::string operator()(const std::vector<std::string>& v) const { return "[" + join(v) + "]"; }
  };
  return std::visit(Visitor{}, v);
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // Levenshtein distance.
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = 3;
  for (const auto& c : candidates) {
    const size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

}  // namespace offloadsim::sim
