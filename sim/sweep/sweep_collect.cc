// Collect: every done point's tables into one tidy CSV per table, the point's parameters as
// columns, and the figures drawn from them.
#include "sim/sweep/sweep_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <list>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "base/csv_table.h"
#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/io/shell_quote.h"
#include "sim/runners/experiment.h"
#include "sim/runners/figures.h"
#include "sim/sweep/sweep_files.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace offloadsim::sim {

using sweep_files::csv_cell;

namespace {

// A collected row is the sweep's columns followed by the point's: a column name in both would
// make a table that csv readers silently collapse (Python's DictReader keeps the last) or rename.
void check_no_shared_column(const std::string& sweep_header, const std::string& table_header, const fs::path& file) {
  const std::vector<std::string> sweep = base::split_csv_line(sweep_header);
  for (const std::string& column : base::split_csv_line(table_header)) {
    if (std::find(sweep.begin(), sweep.end(), column) != sweep.end()) {
      throw base::InputError(file.string(), 1, column,
                             "this column has the name of one of the sweep's own columns (" + sweep_header +
                                 "), so the collected table would have it twice");
    }
  }
}

}  // namespace

void collect_sweep(const fs::path& root, bool partial, bool figures, std::ostream& out) {
  const SweepManifest m = read_sweep_manifest(root);
  std::vector<const SweepPoint*> done;
  for (const SweepPoint& p : m.points) {
    if (point_state(m, p) == PointState::kDone) done.push_back(&p);
  }
  if (done.size() < m.points.size() && !partial) {
    throw std::runtime_error(fmt::format(
        "sweep '{}': {} of {} points are not finished (see `offloadsim sweep status {}`); finish them or collect "
        "with --partial",
        m.name, m.points.size() - done.size(), m.points.size(), root.string()));
  }
  if (done.empty()) throw std::runtime_error("sweep '" + m.name + "': no finished point to collect");

  // Every table any finished point wrote. Some exist only under some settings (flows.csv with
  // network.flow_monitor, cell_capacity.csv with a background share): a point without one adds
  // no rows to it.
  std::vector<std::string> tables;
  for (const SweepPoint* p : done) {
    for (const auto& e : fs::directory_iterator(root / p->id)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() == ".csv" && std::find(tables.begin(), tables.end(), name) == tables.end()) {
        tables.push_back(name);
      }
    }
  }
  std::sort(tables.begin(), tables.end());
  std::error_code ec;
  fs::create_directories(root / "collected", ec);
  remove_partial_files(root / "collected");  // an interrupted collect's; the caller holds the sweep's lock
  // A table whose rows carry their own seed (a closed loop of run.seeds seeds; with one, it is the
  // point's) is collected without the point's.
  std::string keys_header;
  for (const auto& k : m.keys) {
    if (k != "seed") keys_header += "," + csv_cell(k);
  }
  const std::string prefix_header = "point,id,replication,seed" + keys_header;
  const std::string own_seed_header = "point,id,replication" + keys_header;
  size_t rows_total = 0;
  for (const std::string& table : tables) {
    check_interrupt();
    AtomicFile f(root / "collected" / table);
    std::string header;
    bool own_seed = false;
    size_t rows = 0;
    for (const SweepPoint* p : done) {
      const fs::path file = root / p->id / table;
      if (!fs::exists(file)) continue;
      std::ifstream in(file);
      if (!in) throw base::InputError(file.string(), 0, "", "cannot be read");
      std::string line;
      std::getline(in, line);
      if (header.empty()) {
        header = line;
        const std::vector<std::string> columns = base::split_csv_line(header);
        own_seed = std::find(columns.begin(), columns.end(), "seed") != columns.end();
        const std::string& sweep_header = own_seed ? own_seed_header : prefix_header;
        check_no_shared_column(sweep_header, header, file);
        f.stream() << sweep_header << "," << header << "\n";
      } else if (line != header) {
        throw base::InputError(file.string(), 1, "", "its columns differ from the other points' " + table);
      }
      std::string prefix = fmt::format("{},{},{}", p->index, p->id, p->replication);
      if (!own_seed) prefix += fmt::format(",{}", p->seed);
      for (const auto& [k, v] : p->params) {
        if (k != "seed") prefix += "," + csv_cell(v);
      }
      while (std::getline(in, line)) {
        if (line.empty()) continue;
        f.stream() << prefix << "," << line << "\n";
        ++rows;
      }
    }
    f.commit();
    rows_total += rows;
    fmt::print(out, "collected {} rows from {} points into {}\n", rows, done.size(),
               (root / "collected" / table).string());
  }
  (void)rows_total;
  if (figures && std::find(tables.begin(), tables.end(), "summary.csv") != tables.end()) {
    draw_figures("plot_sweep.py", root);
    fmt::print(out, "figures in {}\n", (root / "collected").string());
  }
}

void print_sweep_points(const SweepSpec& spec, const std::vector<SweepPoint>& points, std::ostream& out) {
  const auto keys = swept_keys(spec);
  fmt::print(out, "sweep '{}' from {}: {} points ({} replication{} each)\n", spec.name, spec.base, points.size(),
             spec.replications, spec.replications == 1 ? "" : "s");
  fmt::print(out, "{:>5}  {:12}  {:>4}  {:>20}  {}\n", "point", "id", "rep", "seed", fmt::join(keys, "  "));
  for (const SweepPoint& p : points) {
    std::vector<std::string> values;
    for (const auto& [k, v] : p.params) values.push_back(v);
    fmt::print(out, "{:>5}  {:12}  {:>4}  {:>20}  {}\n", p.index, p.id, p.replication, p.seed, fmt::join(values, "  "));
  }
  fmt::print(out, "{} points\n", points.size());
}

}  // namespace offloadsim::sim
