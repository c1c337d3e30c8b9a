#!/bin/sh
# Ctrl-C during a packet-level run: offloadsim stops at the next 0.1 simulated s, exits 130 and
# leaves no CSV in the result directory (wifi_4robots runs ~50 s here; it is stopped after 5).
# Usage: network_interrupt.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$offloadsim" run "$scenario" --out "$out/r" --no-figures >"$out/log" 2>&1 &
pid=$!
sleep 5
kill -INT "$pid"
started=$(date +%s)
wait "$pid"
rc=$?
took=$(( $(date +%s) - started ))
cat "$out/log"
if [ "$rc" -ne 130 ]; then
  echo "FAIL: exit code $rc after SIGINT, expected 130"
  exit 1
fi
if ls "$out/r"/*.csv >/dev/null 2>&1; then
  echo "FAIL: CSVs left behind:"; ls "$out/r"
  exit 1
fi
if [ "$took" -gt 10 ]; then
  echo "FAIL: took ${took} s to stop"
  exit 1
fi
echo "PASS: stopped ${took} s after SIGINT, exit 130, no CSV written"
