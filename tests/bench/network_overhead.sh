#!/usr/bin/env bash
# The testbed's cost over bare ns-3 on the ROS LIDAR study's traffic. For each condition, both
# tests/bench/bare_ns3_lidar.cc (plain ns-3: the same WiFi, TCP settings and message sizes, nothing
# of offloadsim) and `offloadsim run scenarios/ros_lidar_study.yaml` on that condition alone (TCPROS
# framing and queues, the subscriber model, rostopic-bw sampling, per-message records, CSVs) run for
# SHORT and LONG simulated seconds. The cost per simulated second is the slope between the two, so
# fixed start-up costs (loading libraries, ray-casting the clouds) are reported apart.
#
# Measured: CPU time (user + system) of each process, not wall time, and the four runs of a
# repetition are interleaved (bare short, testbed short, bare long, testbed long) so that a slow
# spell of a shared VM hits both programs alike. Each repetition gives one overhead ratio; the
# table shows the median over REPS repetitions and the range. (Single wall-time runs on this kind
# of VM vary by ±20%, and a slope of two noisy times more: report the median, never one run.)
#   tests/bench/network_overhead.sh [BUILD_DIR] [SHORT] [LONG] [REPS]   defaults: build/release 10 30 5
#   CONDITIONS="two_pairs" tests/bench/network_overhead.sh              one condition (default: all three)
#   RAW=times.csv tests/bench/network_overhead.sh                        also keep every run's CPU seconds
# Run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/release}/bin
short=${2:-10}
long=${3:-30}
reps=${4:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_seconds() {  # user + system CPU seconds of a command
  local TIMEFORMAT='%U %S' t
  t=$({ time "$@" > /dev/null 2>&1; } 2>&1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}
bare() { "$bin/bare_ns3_lidar" "$1" "$2"; }
testbed() {
  "$bin/offloadsim" run "$here/scenarios/ros_lidar_study.yaml" --quiet --no-figures --out "$tmp/$1-$2" \
    --set "study.conditions=[$1]" --set run.duration_s="$2"
}

echo "CPU s per simulated s (slope between $short and $long simulated s), median [min, max] of $reps interleaved repetitions, $(nproc) cores"
printf "%-14s %10s %12s %24s %18s\n" condition "bare s/s" "testbed s/s" "overhead" "testbed start-up"
for c in ${CONDITIONS:-one_receiver with_download two_pairs}; do
  : > "$tmp/$c.reps"
  for _ in $(seq "$reps"); do
    b1=$(cpu_seconds bare "$c" "$short")
    t1=$(cpu_seconds testbed "$c" "$short")
    b2=$(cpu_seconds bare "$c" "$long")
    t2=$(cpu_seconds testbed "$c" "$long")
    echo "$b1 $b2 $t1 $t2" >> "$tmp/$c.reps"
  done
  if [ -n "${RAW:-}" ]; then
    [ -s "$RAW" ] || echo "condition,bare_short_s,bare_long_s,testbed_short_s,testbed_long_s" > "$RAW"
    sed "s/^/$c /; s/ /,/g" "$tmp/$c.reps" >> "$RAW"
  fi
  awk -v c="$c" -v d1="$short" -v d2="$long" '
    function median(x, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
      return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    }
    { b[NR] = ($2 - $1) / (d2 - d1); t[NR] = ($4 - $3) / (d2 - d1); o[NR] = 100 * (t[NR] / b[NR] - 1);
      s[NR] = $3 - t[NR] * d1; if (NR == 1 || o[NR] < lo) lo = o[NR]; if (NR == 1 || o[NR] > hi) hi = o[NR] }
    END { n = NR; mb = median(b, n); mt = median(t, n); mo = median(o, n); ms = median(s, n);
      printf "%-14s %10.3f %12.3f %8.1f%% [%+.1f, %+.1f]%% %16.2f s\n", c, mb, mt, mo, lo, hi, ms }' "$tmp/$c.reps"
done
