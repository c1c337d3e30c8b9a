#!/bin/sh
# Ctrl-C (SIGINT) during a live session: exit 130 within seconds, every child process gone, no
# result under a final name.
#   interrupt.sh OFFLOADSIM SCENARIO
set -eu
bin=$1
scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" run "$scenario" --out "$out/r" -q > "$out/log" 2>&1 &
pid=$!
i=0
until ls "$out/r/live/"*/robot1.log > /dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 200 ] || { cat "$out/log"; echo "FAIL: no robot started"; exit 1; }
  sleep 0.05
done
sleep 1
kill -INT $pid
rc=0
wait $pid || rc=$?
[ $rc -eq 130 ] || { cat "$out/log"; echo "FAIL: exit $rc, not 130"; exit 1; }
sleep 0.5
if pgrep -f "offloadsim (cloud|robot) .*$out" > /dev/null; then echo "FAIL: child processes left"; exit 1; fi
[ ! -e "$out/r/summary.csv" ] || { echo "FAIL: summary.csv written"; exit 1; }
[ ! -e "$out/r/provenance.json" ] || { echo "FAIL: provenance.json written"; exit 1; }
echo "PASS: stopped with 130, no child left, no result"
