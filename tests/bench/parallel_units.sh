#!/usr/bin/env bash
# A run's simulations in parallel (`offloadsim run --jobs N`: a closed loop's policies, a network
# study's conditions): runs the scenario with
# --jobs 1 (one after the other, in one process) and then with each N given, each into a fresh
# temporary directory, checks that every CSV is the same bytes, and prints the wall time, the
# speed-up and the peak memory of each. From the serial run's per-unit times (provenance.json)
# it also prints the wall time to expect on N cores: the run's setup plus the longest-first
# schedule of its units over N processes.
#   tests/bench/parallel_units.sh [OFFLOADSIM] [SCENARIO] [JOBS...]   (overrides: SET='key=value ...')
# Defaults: build/release/bin/offloadsim, scenarios/closed_loop_wifi.yaml, jobs = this machine's cores.
# Example: SET=run.duration_s=10 tests/bench/parallel_units.sh build/release/bin/offloadsim scenarios/ros_lidar_study.yaml 2 4
# Time it alone: a second simulation on a 2-core machine slows the first 2-3x.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
offloadsim=${1:-$here/build/release/bin/offloadsim}
scenario=${2:-$here/scenarios/closed_loop_wifi.yaml}
shift $(( $# > 2 ? 2 : $# ))
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=("$(nproc)")
sets=()
for kv in ${SET:-}; do sets+=(--set "$kv"); done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$(basename "$scenario"): $(nproc) cores, $("$offloadsim" --version 2>/dev/null | head -n 1)"

run() {  # run JOBS: wall seconds and peak RSS (MB) of the parent and its children, on one line
  local j=$1
  /usr/bin/time -f "%e %M" -o "$tmp/time$j" \
    "$offloadsim" run "$scenario" "${sets[@]}" --jobs "$j" --out "$tmp/j$j" --quiet --no-figures > "$tmp/log$j"
  cat "$tmp/time$j"
}

read -r serial serial_rss <<< "$(run 1)"
printf "jobs  1: %7.1f s wall, speed-up 1.00, peak RSS %4.0f MB (one process)\n" "$serial" "$((serial_rss / 1024))"
for j in "${jobs[@]}"; do
  [ "$j" != 1 ] || continue
  read -r wall rss <<< "$(run "$j")"
  for f in "$tmp"/j1/*.csv; do
    cmp -s "$f" "$tmp/j$j/$(basename "$f")" || { echo "jobs $j: $(basename "$f") differs from the serial run's" >&2; exit 1; }
  done
  children=$(python3 - "$tmp/j$j/provenance.json" <<'EOF'
import json, sys
notes = json.load(open(sys.argv[1]))["notes"]
units = notes.get("policies") or notes["conditions"]
print(", ".join("{} {:.0f}".format(u.get("policy") or u["condition"], u["peak_rss_mb"]) for u in units))
EOF
)
  printf "jobs %2d: %7.1f s wall, speed-up %.2f (%.2f x serial), parent peak RSS %4.0f MB, children's (MB): %s; CSVs identical\n" \
    "$j" "$wall" "$(awk -v s="$serial" -v w="$wall" 'BEGIN { print s / w }')" \
    "$(awk -v s="$serial" -v w="$wall" 'BEGIN { print w / s }')" "$((rss / 1024))" "$children"
done

# Expected wall time on N cores from the serial run: setup (all but the policies' simulations)
# plus the makespan of scheduling the policies longest first on N processes.
python3 - "$tmp/j1/provenance.json" "$serial" <<'EOF'
import json, sys
notes = json.load(open(sys.argv[1]))["notes"]
units = [dict(u, name=u.get("policy") or u["condition"]) for u in notes.get("policies") or notes["conditions"]]
serial = float(sys.argv[2])
times = sorted((u["wall_s"] for u in units), reverse=True)
setup = serial - sum(times)
print("per unit (s, serial run): " + ", ".join(f"{u['name']} {u['wall_s']:.1f}" for u in units) + f"; setup and tables {setup:.1f}")
for n in (1, 2, 4, 8, 16, 32):
    load = [0.0] * n
    for t in times:
        load[load.index(min(load))] += t
    expected = setup + max(load)
    print(f"expected on {n:2d} cores: {expected:7.1f} s ({expected / serial:.2f} x serial)")
EOF
