#!/bin/sh
# Peak memory and wall time of the exact oracle on long episodes (docs/limits.md). Builds one long
# trace from the synthetic FaceNet stream (20 episodes of 1,000 frames, end to end), then runs
# offload-eval with all-robot and the oracle on its first T frames at budget fraction F.
# Usage: tests/bench/oracle_memory.sh [OFFLOADSIM]     (default build/release/bin/offloadsim)
set -eu
offloadsim=${1:-build/release/bin/offloadsim}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$offloadsim" run "$root/scenarios/quickstart.yaml" --out "$tmp/src" -q --no-figures \
  --set stream.horizon=1000 --set eval.test_traces=20 --set 'eval.policies=[all-robot]' \
  --set eval.reference_policy=all-robot --set 'eval.budgets=[0.1]' >/dev/null
echo "frames budget robot_labels cloud_labels full_table_GB peak_rss_MB wall_s"
for case in 2000:0.2 4000:0.5 20000:0.1; do
  T=${case%%:*}
  F=${case##*:}
  awk -F, -v OFS=, -v T="$T" 'NR == 1 { print; next } NR - 2 < T { $1 = "long"; $2 = NR - 2; print }' \
    "$tmp/src/test_traces.csv" >"$tmp/long_$T.csv"
  printf 'schema: 1\nkind: offload-eval\nstream: {source: traces, test_traces: long_%s.csv}\neval: {policies: [all-robot, oracle], reference_policy: oracle}\n' \
    "$T" >"$tmp/oracle_$T.yaml"
  /usr/bin/time -f "%M %e" -o "$tmp/time" "$offloadsim" run "$tmp/oracle_$T.yaml" --out "$tmp/out_$T" -q \
    --no-figures --set "eval.budgets=[$F]" >/dev/null
  read -r kb s <"$tmp/time"
  # What the full table of (T + 1) layers would have taken: (T+1)(K_robot+1)(K_cloud+1)(B+1) doubles.
  awk -F, -v T="$T" -v F="$F" -v kb="$kb" -v s="$s" 'NR > 1 { r[$4] = 1; c[$6] = 1 }
    END { nr = length(r); nc = length(c); B = int(F * T + 0.5);
          printf "%d %s %d %d %.1f %d %s\n", T, F, nr, nc, (T + 1) * (nr + 1) * (nc + 1) * (B + 1) * 8 / 1e9, kb / 1024, s }' \
    "$tmp/long_$T.csv"
done
