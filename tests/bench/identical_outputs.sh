#!/usr/bin/env bash
# Two offloadsim builds on the same short runs of the shipped scenarios: every CSV each writes must
# be byte-identical (provenance.json and the wall-clock tables — timing.csv, emulation_lag.csv — are
# not compared). For a change that must not change any output (issue 30's moves and splits): keep
# the old binary aside (cp build/release/bin/offloadsim /tmp/offloadsim-before), rebuild, run
#   tests/bench/identical_outputs.sh /tmp/offloadsim-before build/release/bin/offloadsim
# Each run is shortened (--set) to keep the whole under ~15 minutes on 2 cores (10 min 30 s here);
# the list covers offload-eval, network-run, network-study, closed-loop and congestion-traces. Not
# live (its outputs depend on the wall clock: docs/live.md), nor the kinds that need another run's
# output first (surrogate-check, surrogate-train): ctest covers those.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BINARY_A BINARY_B" >&2; exit 2; }
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=(
  "quickstart|run scenarios/quickstart.yaml"
  "paper_code_protocol|run scenarios/paper_code_protocol.yaml"
  "wifi_4robots|run scenarios/wifi_4robots.yaml --set run.duration_s=4 --set run.warmup_s=1"
  "lte_4robots|run scenarios/lte_4robots.yaml --set run.duration_s=4 --set run.warmup_s=1"
  "ros_lidar_study|run scenarios/ros_lidar_study.yaml --set run.duration_s=4 --set run.warmup_s=1"
  "closed_loop_wifi_shared|run scenarios/closed_loop_wifi_shared.yaml --set run.duration_s=6 --set run.seeds=2 --set 'eval.policies=[all-robot, all-cloud, congestion-aware]'"
  "closed_loop_lte|run scenarios/closed_loop_lte.yaml --set run.duration_s=6 --set run.seeds=1"
  "congestion_traces|run scenarios/congestion_traces.yaml --set run.duration_s=6"
)
failed=0
for entry in "${runs[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  for side in A B; do
    bin=$1
    [ "$side" = B ] && bin=$2
    start=$(date +%s)
    if ! (cd "$here" && eval "\"$bin\" $args --jobs 1 --quiet --no-figures --out \"$tmp/$side/$name\"") > "$tmp/$name.$side.log" 2>&1; then
      echo "$name: $side failed (log: below)"; tail -n 5 "$tmp/$name.$side.log"; failed=1; continue 2
    fi
    echo "$name: $side ran in $(($(date +%s) - start)) s"
  done
  count=0
  while IFS= read -r f; do
    rel=${f#"$tmp/A/$name/"}
    case "$(basename "$f")" in timing.csv | emulation_lag.csv) continue ;; esac
    count=$((count + 1))
    if ! cmp -s "$f" "$tmp/B/$name/$rel"; then echo "$name: $rel DIFFERS"; failed=1; fi
  done < <(find "$tmp/A/$name" -name '*.csv' | sort)
  echo "$name: $count CSVs compared"
done
[ "$failed" = 0 ] && echo "PASS: every CSV byte-identical" || { echo "FAIL"; exit 1; }
