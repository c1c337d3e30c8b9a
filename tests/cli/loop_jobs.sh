#!/bin/sh
# Issue 32: the policies of a closed loop in parallel child processes give the same bytes as one
# after the other in one process; Ctrl-C stops every child within a second and leaves nothing.
# Usage: loop_jobs.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$offloadsim" run "$scenario" --out "$tmp/serial" --jobs 1 -q >"$tmp/serial.log" 2>&1 || fail "serial: $(cat "$tmp/serial.log")"
"$offloadsim" run "$scenario" --out "$tmp/parallel" --jobs 3 -q >"$tmp/parallel.log" 2>&1 || fail "parallel: $(cat "$tmp/parallel.log")"
grep -q "6 runs in 3 child processes" "$tmp/parallel.log" || fail "the policies did not run in children: $(cat "$tmp/parallel.log")"
for f in decisions.csv queries.csv summary.csv comparison.csv rates.csv messages.csv background.csv; do
  cmp "$tmp/serial/$f" "$tmp/parallel/$f" || fail "$f differs between --jobs 1 and --jobs 3"
done
# The terminal table is the same too.
sed -n '/^policy (all robots)/,/comparison.csv has every metric/p' "$tmp/serial.log" >"$tmp/a"
sed -n '/^policy (all robots)/,/comparison.csv has every metric/p' "$tmp/parallel.log" >"$tmp/b"
cmp "$tmp/a" "$tmp/b" || fail "the terminal tables differ"
ls -A "$tmp/parallel" | grep -q partial && fail "a work directory was left: $(ls -A "$tmp/parallel")"
echo "same bytes with --jobs 1 and --jobs 3"

# Ctrl-C while the children simulate: exit 130 within a second or two, no child left, nothing written.
"$offloadsim" run "$scenario" --out "$tmp/stopped" --jobs 2 --set run.duration_s=30 >"$tmp/stop.log" 2>&1 &
pid=$!
n=0
until [ -n "$(pgrep -P "$pid" 2>/dev/null)" ]; do
  kill -0 "$pid" 2>/dev/null || fail "the run ended before its children started: $(cat "$tmp/stop.log")"
  n=$((n + 1)); [ "$n" -lt 1200 ] || fail "no child after 60 s"
  sleep 0.05
done
sleep 2
children=$(pgrep -P "$pid" | tr '\n' ' ')
kill -INT "$pid"
start=$(date +%s)
wait "$pid"
rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" -eq 130 ] || fail "exit $rc after Ctrl-C, expected 130: $(cat "$tmp/stop.log")"
[ "$took" -le 2 ] || fail "took $took s to stop"
for c in $children; do kill -0 "$c" 2>/dev/null && fail "child $c outlived the run"; done
left=$(ls -A "$tmp/stopped" | grep -v -x -e .offloadsim.lock)
[ -z "$left" ] || fail "left behind: $left"
echo "Ctrl-C: exit 130 in ${took} s, children ($children) gone, nothing left"
echo "PASS: parallel policies"
