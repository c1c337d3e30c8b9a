#include "agents/policies/congestion_aware_policy.h"

#include <fmt/format.h>

namespace offloadsim::agents {

std::string CongestionAwarePolicy::name() const {
  return fmt::format("congestion-aware-q{:g}", percentile_);
}

}  // namespace offloadsim::agents
