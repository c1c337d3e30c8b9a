#!/bin/sh
# How far the real-time ns-3 network of live.network ns3 lags the wall clock on this machine, at
# 1, 2 and 4 robots, with and without the background download of scenarios/live_wifi.yaml: the
# network of live_wifi.yaml, the robots in stream mode (a 512-byte query each frame the all-cloud
# policy may spend, 10 frames/s), 20 s each. Needs root. docs/benchmarks.md.
#   tests/bench/live_emulation_lag.sh [OFFLOADSIM]
set -eu
bin=${1:-build/release/bin/offloadsim}
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for bg in 0 1; do
  for n in 1 2 4; do
    "$bin" run "$here/scenarios/live_wifi.yaml" --out "$out/r$n-$bg" -q --no-figures \
      --set live.source=stream --set robots.count=$n --set background.flows=$bg --set run.duration_s=20 \
      --set 'eval.policies=[all-cloud]' --set loop.fps=10 --set loop.deadline_ms=100 --set loop.budget=1 \
      --set live.compare=false --set live.max_lag_ms=1000 > "$out/log" 2>&1 || { cat "$out/log"; exit 1; }
    queries=$(grep -c ',query,' "$out/r$n-$bg/queries.csv" || true)
    printf '%d robot(s), background %s, %s queries: %s\n' "$n" "$([ $bg = 1 ] && echo '10 Mbps' || echo none)" \
      "$queries" "$(grep 'real-time lag' "$out/log" | sed 's/.*samples after 1 s): //')"
  done
done
