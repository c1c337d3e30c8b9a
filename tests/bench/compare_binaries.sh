#!/usr/bin/env bash
# Two offloadsim builds on the same run, interleaved (A, B, A, B, …) so a slow minute of the machine
# falls on both alike, each with --jobs 1, --quiet, --no-figures into a fresh directory: the median
# wall time of each, the spread (min–max), B's ratio to A, and whether B's CSVs are byte-identical
# to A's. For a change to how offloadsim is built (the allocator linked in, an optimized ns-3):
# keep the old binary aside (cp build/release/bin/offloadsim /tmp/offloadsim-before), rebuild, run
#   tests/bench/compare_binaries.sh /tmp/offloadsim-before build/release/bin/offloadsim 3 -- \
#       scenarios/closed_loop_wifi.yaml --set run.duration_s=4 --set 'eval.policies=[all-cloud]'
# Time it alone: a second run on a 2-core machine slows yours 2-3x.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 A B REPEAT -- SCENARIO [--set ...]" >&2; exit 2; }
bins=("$1" "$2")
repeat=$3
shift 3
[ "${1:-}" = -- ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$*: $(nproc) cores, ${repeat} interleaved repetitions"
echo "  A: ${bins[0]} ($("${bins[0]}" --version | head -n 1))"
echo "  B: ${bins[1]} ($("${bins[1]}" --version | head -n 1))"
for r in $(seq 1 "$repeat"); do
  for i in 0 1; do
    out=$tmp/b$i.r$r
    start=$(date +%s.%N)
    "${bins[$i]}" run "$@" --jobs 1 --quiet --no-figures --out "$out" > "$tmp/log" 2>&1 ||
      { echo "${bins[$i]} failed:" >&2; cat "$tmp/log" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }' >> "$tmp/b$i.times"
    for f in "$tmp"/b0.r1/*.csv; do cmp -s "$f" "$out/$(basename "$f")" || echo "DIFFERENT ($(basename "$f"))" > "$tmp/b$i.same"; done
    [ "$i" = 0 ] && [ "$r" = 1 ] || rm -rf "$out"
  done
done
base=$(sort -n "$tmp/b0.times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf "%-4s %9s %17s %6s  %s\n" "" "median s" "min-max s" "x A" "CSVs"
for i in 0 1; do
  name=A; [ "$i" = 1 ] && name=B
  sort -n "$tmp/b$i.times" | awk -v name="$name" -v base="$base" -v same="$(cat "$tmp/b$i.same" 2>/dev/null || echo identical)" '
    { a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%-4s %9.2f %8.2f-%-8.2f %6.3f  %s\n", name, m, a[1], a[NR], m / base, same }'
done
