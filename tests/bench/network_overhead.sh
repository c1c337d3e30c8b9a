#!/usr/bin/env bash
# The testbed's cost over bare ns-3 on the ROS LIDAR study's traffic. For each condition, both
# tests/bench/bare_ns3_lidar.cc (plain ns-3: the same WiFi, TCP settings and message sizes, nothing
# of offloadsim) and `offloadsim run scenarios/ros_lidar_study.yaml` on that condition alone (TCPROS
# framing and queues, the subscriber model, rostopic-bw sampling, per-message records, CSVs) run for
# SHORT and LONG simulated seconds; wall time per simulated second is the slope between the two, so
# fixed start-up costs (loading libraries, ray-casting the clouds) are reported apart. Each time is
# the best of REPS runs: wall times on a shared VM vary by ±20% from run to run.
#   tests/bench/network_overhead.sh [BUILD_DIR] [SHORT] [LONG] [REPS]   defaults: build/release 10 30 3
# Run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/release}/bin
short=${2:-10}
long=${3:-30}
reps=${4:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seconds() {  # the best wall seconds of a command over $reps runs
  local s e best=""
  for _ in $(seq "$reps"); do
    s=$(date +%s.%N)
    "$@" > /dev/null
    e=$(date +%s.%N)
    best=$(awk -v s="$s" -v e="$e" -v b="$best" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.3f", b }')
  done
  echo "$best"
}
testbed() {
  "$bin/offloadsim" run "$here/scenarios/ros_lidar_study.yaml" --quiet --no-figures --out "$tmp/$1-$2" \
    --set "study.conditions=[$1]" --set run.duration_s="$2"
}

echo "wall time per simulated second (slope between $short and $long simulated s, best of $reps), $(nproc) cores"
printf "%-14s %10s %12s %9s %18s\n" condition "bare s/s" "testbed s/s" overhead "testbed start-up"
for c in one_receiver with_download two_pairs; do
  b1=$(seconds "$bin/bare_ns3_lidar" "$c" "$short")
  b2=$(seconds "$bin/bare_ns3_lidar" "$c" "$long")
  t1=$(seconds testbed "$c" "$short")
  t2=$(seconds testbed "$c" "$long")
  awk -v c="$c" -v b1="$b1" -v b2="$b2" -v t1="$t1" -v t2="$t2" -v d1="$short" -v d2="$long" 'BEGIN {
    b = (b2 - b1) / (d2 - d1); t = (t2 - t1) / (d2 - d1);
    printf "%-14s %10.3f %12.3f %8.1f%% %16.2f s\n", c, b, t, 100 * (t / b - 1), t1 - t * d1 }'
done
