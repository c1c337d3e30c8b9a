#!/usr/bin/env bash
# The testbed's cost over bare ns-3 on the ROS LIDAR study's traffic: for each condition, the wall
# time per simulated second of tests/bench/bare_ns3_lidar.cc (plain ns-3, the same WiFi, TCP and
# message sizes) and of `offloadsim run scenarios/ros_lidar_study.yaml` on that condition alone
# (TCPROS framing and queues, the subscriber model, rostopic-bw sampling, FlowMonitor, CSVs).
#   tests/bench/network_overhead.sh [BUILD_DIR] [SIMULATED_SECONDS]
# Defaults: build/release, 20. Run it on an otherwise idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/release}/bin
duration=${2:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf "%-14s %12s %12s %9s\n" condition "bare s/s" "testbed s/s" overhead
for c in one_receiver with_download two_pairs; do
  bare=$("$bin/bare_ns3_lidar" "$c" "$duration" | awk '{print $(NF-3)}')
  start=$(date +%s.%N)
  "$bin/offloadsim" run "$here/scenarios/ros_lidar_study.yaml" --quiet --no-figures --out "$tmp/$c" \
    --set "study.conditions=[$c]" --set run.duration_s="$duration" > /dev/null
  end=$(date +%s.%N)
  awk -v c="$c" -v b="$bare" -v s="$start" -v e="$end" -v d="$duration" \
    'BEGIN { t = (e - s) / d; printf "%-14s %12.3f %12.3f %8.1f%%\n", c, b, t, 100 * (t / b - 1) }'
done
