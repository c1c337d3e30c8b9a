#!/bin/sh
# Ctrl-C during a packet-level run: offloadsim stops at the next 0.1 simulated s, exits 130 and
# leaves no CSV in the result directory. The signal is sent once the simulation is under way (its
# first progress line, after 2 of lte_4robots' 20 simulated s), so slow builds (ASan) test the same.
# Usage: network_interrupt.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$offloadsim" run "$scenario" --out "$out/r" --no-figures >"$out/log" 2>&1 &
pid=$!
waited=0
until grep -q "simulated s" "$out/log"; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge 300 ]; then
    cat "$out/log"
    echo "FAIL: no progress line after ${waited} s"
    kill -KILL "$pid" 2>/dev/null
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
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
echo "PASS: stopped ${took} s after SIGINT (sent ${waited} s into the run), exit 130, no CSV written"
