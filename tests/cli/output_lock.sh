#!/bin/sh
# One writer per result directory: while another process holds a directory's lock, `run`, `sweep`
# and `collect` into it are refused (exit 2, the directory named) and write nothing; once the
# holder is gone the same command runs.
# Usage: output_lock.sh OFFLOADSIM SCENARIO SWEEP_FILE
set -u
offloadsim=$1
scenario=$2
sweep=$3
tmp=$(mktemp -d)
trap 'kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$tmp/r" "$tmp/s"
# flock(1) takes the same flock(2) lock a running offloadsim holds; the holder is `sleep` with the
# locked descriptors, so killing it releases both.
(exec 8>"$tmp/r/.offloadsim.lock" 9>"$tmp/s/.offloadsim.lock"; flock 8; flock 9; exec sleep 60) &
holder=$!
sleep 0.5
"$offloadsim" run "$scenario" --out "$tmp/r" -q --no-figures >"$tmp/log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "run into a locked directory: exit $rc, expected 2: $(cat "$tmp/log")"
grep -q "r: is in use by another offloadsim run" "$tmp/log" || fail "run: message: $(cat "$tmp/log")"
[ -z "$(ls "$tmp/r")" ] || fail "run wrote into a locked directory: $(ls "$tmp/r")"
"$offloadsim" sweep "$sweep" --out "$tmp/s" --jobs 1 -q >"$tmp/log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "sweep into a locked directory: exit $rc, expected 2: $(cat "$tmp/log")"
[ -z "$(ls "$tmp/s")" ] || fail "sweep wrote into a locked directory: $(ls "$tmp/s")"
"$offloadsim" collect "$tmp/s" >"$tmp/log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "collect of a locked directory: exit $rc, expected 2: $(cat "$tmp/log")"
kill "$holder"
wait "$holder" 2>/dev/null
sleep 0.2
"$offloadsim" run "$scenario" --out "$tmp/r" -q --no-figures >"$tmp/log" 2>&1 || fail "run after the lock was released: $(cat "$tmp/log")"
echo "PASS: a locked directory is refused by run, sweep and collect, and usable once released"
