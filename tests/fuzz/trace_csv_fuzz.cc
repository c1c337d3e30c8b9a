// libFuzzer target: the trace CSV reader (and the FaceNet table reader, the other CSV a stream is
// made of) on arbitrary bytes. A base::InputError naming file, line and column is a correct answer;
// any other exception, a crash, a leak or undefined behaviour is a bug; and whatever is read must
// write back as a trace CSV that reads again. Run: tests/fuzz/run_fuzz.sh (docs/limits.md).
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "agents/streams/facenet_table.h"
#include "agents/streams/trace_csv.h"
#include "base/input_error.h"
#include "fuzz_input.h"

using namespace offloadsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::write_input(data, size, "csv");
  try {
    const std::vector<agents::Trace> traces = agents::read_traces_csv(path);
    std::ostringstream out;
    agents::write_traces_csv(out, traces);
    const std::string again =
        fuzz::write_input(reinterpret_cast<const std::uint8_t*>(out.str().data()), out.str().size(), "again.csv");
    if (agents::read_traces_csv(again).size() != traces.size()) __builtin_trap();
  } catch (const base::InputError&) {
  }
  try {
    (void)agents::FacenetTable::load(path);
  } catch (const base::InputError&) {
  }
  return 0;
}
