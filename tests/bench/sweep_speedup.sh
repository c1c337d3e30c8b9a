#!/usr/bin/env bash
# Local sweep speed-up: runs a sweep from scratch with 1 worker, then with 2 (or the workers
# given), each into a fresh temporary directory, and prints points per minute for each.
#   tests/bench/sweep_speedup.sh [OFFLOADSIM] [SWEEP_FILE] [WORKERS...]
# Defaults: build/release/bin/offloadsim, scenarios/sweep_example.yaml, workers 1 2.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
offloadsim=${1:-$here/build/release/bin/offloadsim}
sweep=${2:-$here/scenarios/sweep_example.yaml}
shift $(( $# > 2 ? 2 : $# ))
workers=("$@")
[ ${#workers[@]} -gt 0 ] || workers=(1 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
points=$("$offloadsim" sweep "$sweep" --dry-run | tail -n 1 | cut -d' ' -f1)
echo "sweep $(basename "$sweep"): $points points, $(nproc) cores"
base=""
for w in "${workers[@]}"; do
  start=$(date +%s.%N)
  "$offloadsim" sweep "$sweep" --out "$tmp/w$w" --jobs "$w" --quiet --no-collect > /dev/null
  end=$(date +%s.%N)
  read -r secs rate <<< "$(awk -v s="$start" -v e="$end" -v n="$points" 'BEGIN { printf "%.1f %.1f", e - s, n / ((e - s) / 60) }')"
  [ -n "$base" ] || base=$rate
  printf "%2d worker(s): %6.1f s, %6.1f points/minute, speed-up %.2f\n" "$w" "$secs" "$rate" "$(awk -v r="$rate" -v b="$base" 'BEGIN { print r / b }')"
done
