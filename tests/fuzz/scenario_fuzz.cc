// libFuzzer target: the scenario loader and the sweep loader on arbitrary bytes. A clear error
// (ScenarioError, base::InputError) is a correct answer; any other exception, a crash, a leak,
// undefined behaviour or a hang is a bug. Run: tests/fuzz/run_fuzz.sh (docs/limits.md).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "base/input_error.h"
#include "fuzz_input.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep.h"

using namespace offloadsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::write_input(data, size, "yaml");
  try {
    const sim::Scenario sc = sim::load_scenario(path);
    (void)sc.to_yaml();
  } catch (const sim::ScenarioError&) {
  } catch (const base::InputError&) {
  }
  try {
    const sim::SweepSpec spec = sim::load_sweep(path);
    // Expanding loads every point's scenario: a legitimate 100,000-point sweep takes minutes, which
    // is no bug but would stall the fuzzer. Small sweeps exercise the same code.
    std::size_t points = static_cast<std::size_t>(spec.replications);
    for (const sim::SweepGroup& g : spec.groups) points = std::min<std::size_t>(points * g.size(), 5);
    if (points <= 4) (void)sim::expand_sweep(spec);
  } catch (const sim::ScenarioError&) {
  } catch (const base::InputError&) {
  }
  return 0;
}
