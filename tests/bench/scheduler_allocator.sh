#!/usr/bin/env bash
# ns-3's event schedulers and a malloc made for many small objects, on one offloadsim run
# (issue 32, step 2): each variant runs REPEAT times, interleaved (variant 1, 2, …, 1, 2, …) so a
# slow minute of the machine falls on all of them alike, each with --jobs 1, --quiet, --no-figures
# into a fresh directory. Prints per variant the median wall time, the spread (min–max) and the
# ratio to the default, and whether every CSV is byte-identical to the default run's.
#   tests/bench/scheduler_allocator.sh [OFFLOADSIM] [REPEAT] -- SCENARIO [--set ...]
# Defaults: build/release/bin/offloadsim, 3 repetitions. Examples:
#   tests/bench/scheduler_allocator.sh build/release/bin/offloadsim 3 -- scenarios/closed_loop_wifi.yaml \
#       --set run.duration_s=5 --set 'eval.policies=[all-cloud]'
#   tests/bench/scheduler_allocator.sh build/release/bin/offloadsim 3 -- scenarios/ros_lidar_study.yaml --set run.duration_s=10
# The scheduler is chosen by ns-3's own global value (NS_GLOBAL_VALUE=SchedulerType=…, read by every
# ns-3 program); the allocators are preloaded (LD_PRELOAD) when their Debian package is installed
# (libjemalloc2, libtcmalloc-minimal4). Time it alone: a second run on a 2-core machine slows yours 2-3x.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
offloadsim=$here/build/release/bin/offloadsim
repeat=3
if [ $# -gt 0 ] && [ "$1" != -- ]; then offloadsim=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != -- ]; then repeat=$1; shift; fi
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [OFFLOADSIM] [REPEAT] -- SCENARIO [--set ...]" >&2; exit 2; }
lib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
variants=("default (MapScheduler, glibc malloc)|"
          "HeapScheduler|NS_GLOBAL_VALUE=SchedulerType=ns3::HeapScheduler"
          "CalendarScheduler|NS_GLOBAL_VALUE=SchedulerType=ns3::CalendarScheduler"
          "PriorityQueueScheduler|NS_GLOBAL_VALUE=SchedulerType=ns3::PriorityQueueScheduler")
# ListScheduler (a sorted list: O(n) inserts) took 2.0x the default on the LIDAR study: LIST=1 adds it.
[ -n "${LIST:-}" ] && variants+=("ListScheduler|NS_GLOBAL_VALUE=SchedulerType=ns3::ListScheduler")
[ -e "$lib/libjemalloc.so.2" ] && variants+=("jemalloc 5 (preloaded)|LD_PRELOAD=$lib/libjemalloc.so.2")
[ -e "$lib/libtcmalloc_minimal.so.4" ] && variants+=("tcmalloc-minimal (preloaded)|LD_PRELOAD=$lib/libtcmalloc_minimal.so.4")
[ -e "$lib/libjemalloc.so.2" ] &&
  variants+=("PriorityQueueScheduler + jemalloc|NS_GLOBAL_VALUE=SchedulerType=ns3::PriorityQueueScheduler LD_PRELOAD=$lib/libjemalloc.so.2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$*: $(nproc) cores, ${repeat} interleaved repetitions, $("$offloadsim" --version | head -n 1)"
for r in $(seq 1 "$repeat"); do
  for i in "${!variants[@]}"; do
    setting=${variants[$i]#*|}
    out=$tmp/v$i.r$r
    start=$(date +%s.%N)
    env $setting "$offloadsim" run "$@" --jobs 1 --quiet --no-figures --out "$out" > "$tmp/log" 2>&1 ||
      { echo "${variants[$i]%%|*} failed:" >&2; cat "$tmp/log" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }' >> "$tmp/v$i.times"
    for f in "$tmp"/v0.r1/*.csv; do cmp -s "$f" "$out/$(basename "$f")" || echo "DIFFERENT ($(basename "$f"))" > "$tmp/v$i.same"; done
    [ "$i" = 0 ] && [ "$r" = 1 ] || rm -rf "$out"
  done
done
base=$(sort -n "$tmp/v0.times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf "%-38s %9s %17s %8s  %s\n" variant "median s" "min-max s" "x default" "CSVs"
for i in "${!variants[@]}"; do
  sort -n "$tmp/v$i.times" | awk -v name="${variants[$i]%%|*}" -v base="$base" -v same="$(cat "$tmp/v$i.same" 2>/dev/null || echo identical)" '
    { a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%-38s %9.2f %8.2f-%-8.2f %8.3f  %s\n", name, m, a[1], a[NR], m / base, same }'
done
