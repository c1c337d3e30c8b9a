#!/bin/sh
# A local sweep killed outright (SIGKILL: it cannot stop its tasks itself) does not leave its
# tasks running: each task stops within seconds (exit 130, as on Ctrl-C),
# and they remove their unfinished work.
# Usage: kill_test.sh OFFLOADSIM QUICKSTART_SCENARIO
set -u
offloadsim=$1
base=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cat >"$tmp/long.yaml" <<YAML
schema: 1
kind: sweep
name: long
base: $base
set:
  eval.test_traces: 20000   # minutes per point: still running when the sweep is killed
axes:
  - key: mdp.cost.cloud
    values: [2, 5]
YAML
"$offloadsim" sweep "$tmp/long.yaml" --out "$tmp/s" --jobs 2 -q >"$tmp/log" 2>&1 &
pid=$!
n=0
until [ "$(pgrep -f "sweep-task $tmp/s" | wc -l)" -ge 2 ]; do
  n=$((n + 1))
  [ "$n" -lt 600 ] || fail "the sweep's two tasks did not start: $(cat "$tmp/log")"
  sleep 0.1
done
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
n=0
while pgrep -f "sweep-task $tmp/s" >/dev/null; do
  n=$((n + 1))
  [ "$n" -lt 100 ] || { pkill -KILL -f "sweep-task $tmp/s"; fail "tasks still running 10 s after the sweep was killed"; }
  sleep 0.1
done
echo "tasks stopped $((n / 10)).$((n % 10)) s after the sweep was killed"
[ -z "$(ls "$tmp/s/.running")" ] || fail "the stopped tasks left their work behind: $(ls "$tmp/s/.running")"
echo "PASS: a killed local sweep's tasks stop"
