#!/usr/bin/env bash
# The testbed's cost over bare ns-3 on the ROS LIDAR study's traffic. For each condition, both
# tests/bench/bare_ns3_lidar.cc (plain ns-3: the same WiFi, TCP settings and message sizes, nothing
# of offloadsim) and `offloadsim run scenarios/ros_lidar_study.yaml` on that condition alone (TCPROS
# framing and queues, the subscriber model, rostopic-bw sampling, per-message records, CSVs) run for
# SHORT and LONG simulated seconds. The cost per simulated second is the slope between the two, so
# fixed start-up costs (loading libraries, ray-casting the clouds) are reported apart.
#
# Two measures (MEASURE=...):
#   cpu (default)   CPU time (user + system) of each process. The four runs of a repetition are
#                   interleaved (bare short, testbed short, bare long, testbed long) so that a slow
#                   spell of a shared VM hits both programs alike; the table shows the median over
#                   REPS repetitions and the range. Single runs on a shared VM vary by tens of per
#                   cent: report the median, never one run, and run it on an otherwise idle machine.
#   instructions    instructions executed, counted by valgrind (cachegrind, no cache simulation).
#                   Both programs are deterministic, so the count is the same on every run and on
#                   a busy machine: one repetition suffices, and it is the measure to quote when the
#                   machine's timing noise is larger than the overhead. ~40x slower than native
#                   (about 30 minutes for the three conditions on 2 cores; bare and testbed run side
#                   by side). It preloads build/*/lib/libvalgrind_hwy_timer.so so that valgrind can
#                   run offloadsim on CPUs that do not advertise RDTSCP (see its source).
#   tests/bench/network_overhead.sh [BUILD_DIR] [SHORT] [LONG] [REPS]   defaults: build/release 10 30 5
#                                                                        (instructions: 4 8 1)
#   MEASURE=instructions tests/bench/network_overhead.sh                 the deterministic measure
#   CONDITIONS="two_pairs" tests/bench/network_overhead.sh              one condition (default: all three)
#   RAW=runs.csv tests/bench/network_overhead.sh                         also keep every run's measure
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build/release}
bin=$build/bin
measure=${MEASURE:-cpu}
case $measure in
  cpu) short=${2:-10} long=${3:-30} reps=${4:-5} unit="CPU s" ;;
  instructions)
    short=${2:-4} long=${3:-8} reps=${4:-1} unit="G instructions"
    command -v valgrind > /dev/null || { echo "network_overhead.sh: MEASURE=instructions needs valgrind (scripts/install-deps)" >&2; exit 2; }
    shim=$build/lib/libvalgrind_hwy_timer.so
    [ -f "$shim" ] || { echo "network_overhead.sh: $shim is missing: build the benchmarks (make build)" >&2; exit 2; } ;;
  *) echo "network_overhead.sh: MEASURE must be cpu or instructions, not '$measure'" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_seconds() {  # user + system CPU seconds of a command
  local TIMEFORMAT='%U %S' t
  t=$({ time "$@" > /dev/null 2>&1; } 2>&1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}
instructions() {  # billions of instructions a command executes (valgrind's "I refs")
  local out
  out=$(LD_PRELOAD=$shim valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 > /dev/null) ||
    { echo "network_overhead.sh: failed under valgrind: $*" >&2; echo "$out" | tail -5 >&2; exit 1; }
  awk '/I *refs:/ { gsub(",", "", $NF); printf "%.4f", $NF / 1e9; found = 1 } END { exit !found }' <<< "$out"
}
bare=("$bin/bare_ns3_lidar")
testbed=("$bin/offloadsim" run "$here/scenarios/ros_lidar_study.yaml" --quiet --no-figures --set run.warmup_s=0)
# Measures bare and testbed for condition $1 over $2 simulated seconds: "bare testbed".
measure_pair() {
  local b t
  if [ "$measure" = cpu ]; then
    b=$(cpu_seconds "${bare[@]}" "$1" "$2")
    t=$(cpu_seconds "${testbed[@]}" --out "$tmp/$1-$2" --set "study.conditions=[$1]" --set run.duration_s="$2")
  else  # deterministic: the two may share the machine
    local pb pt
    instructions "${bare[@]}" "$1" "$2" > "$tmp/bare" & pb=$!
    instructions "${testbed[@]}" --out "$tmp/$1-$2" --set "study.conditions=[$1]" --set run.duration_s="$2" > "$tmp/testbed" & pt=$!
    wait "$pb" && wait "$pt" || exit 1
    b=$(cat "$tmp/bare") t=$(cat "$tmp/testbed")
  fi
  echo "$b $t"
}

echo "$unit per simulated s (slope between $short and $long simulated s), median [min, max] of $reps repetition(s), $(nproc) cores"
printf "%-14s %10s %12s %24s %18s\n" condition "bare" "testbed" "overhead" "testbed start-up"
for c in ${CONDITIONS:-one_receiver with_download two_pairs}; do
  : > "$tmp/$c.reps"
  for _ in $(seq "$reps"); do
    read -r b1 t1 < <(measure_pair "$c" "$short")
    read -r b2 t2 < <(measure_pair "$c" "$long")
    [ -n "$t1" ] && [ -n "$t2" ] || exit 1
    echo "$b1 $b2 $t1 $t2" >> "$tmp/$c.reps"
  done
  if [ -n "${RAW:-}" ]; then
    [ -s "$RAW" ] || echo "measure,condition,bare_short,bare_long,testbed_short,testbed_long" > "$RAW"
    sed "s/^/$measure $c /; s/ /,/g" "$tmp/$c.reps" >> "$RAW"
  fi
  awk -v c="$c" -v d1="$short" -v d2="$long" '
    function median(x, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
      return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    }
    { b[NR] = ($2 - $1) / (d2 - d1); t[NR] = ($4 - $3) / (d2 - d1); o[NR] = 100 * (t[NR] / b[NR] - 1);
      s[NR] = $3 - t[NR] * d1; if (NR == 1 || o[NR] < lo) lo = o[NR]; if (NR == 1 || o[NR] > hi) hi = o[NR] }
    END { n = NR; mb = median(b, n); mt = median(t, n); mo = median(o, n); ms = median(s, n);
      printf "%-14s %10.3f %12.3f %8.1f%% [%+.1f, %+.1f]%% %16.2f\n", c, mb, mt, mo, lo, hi, ms }' "$tmp/$c.reps"
done
