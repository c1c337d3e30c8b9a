#!/usr/bin/env bash
# The closed loop's cost as robots are added, on WiFi and LTE: for N in ROBOTS, the shipped
# closed-loop scenarios with robots.count=N, one policy (all-cloud), SECONDS_SIMULATED simulated, timed in
# process by bin/closed_loop_overhead (wall time per simulated second of the simulation alone,
# without start-up such as ray-casting the LIDAR's clouds), with the same requests replayed open
# loop beside it. Wall time on a shared VM varies: run it on an otherwise idle machine.
#   tests/bench/closed_loop_scaling.sh [BUILD_DIR]     ROBOTS="1 2 4 8 16" SECONDS_SIMULATED=5 REPEAT=1 by default
#   (the WiFi scenario's download starts at 3 s: runs must be longer than that)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build/release}
robots=${ROBOTS:-1 2 4 8 16}
seconds=${SECONDS_SIMULATED:-5}
repeat=${REPEAT:-1}
echo "network,robots,closed_loop_s_per_sim_s,open_loop_s_per_sim_s,overhead_pct"
for net in wifi lte; do
  for n in $robots; do
    out=$("$build/bin/closed_loop_overhead" "$here/scenarios/closed_loop_$net.yaml" --policy all-cloud \
      --repeat "$repeat" --set "robots.count=$n" --set "run.duration_s=$seconds" --set "run.warmup_s=1")
    line=$(echo "$out" | grep "closed loop:")
    loop=$(echo "$line" | sed -E 's/.*closed loop: ([0-9.]+) s.*/\1/')
    open=$(echo "$line" | sed -E 's/.*open loop: ([0-9.]+);.*/\1/')
    pct=$(echo "$line" | sed -E 's/.*overhead ([-+0-9.]+)%.*/\1/')
    echo "$net,$n,$loop,$open,$pct"
  done
done
