#!/bin/sh
# Issue 32: the LIDAR study's conditions in parallel child processes give the same bytes, and the
# same terminal table, as one after the other in one process.
# Usage: study_jobs.sh OFFLOADSIM SCENARIO [--set ...]
set -u
offloadsim=$1
scenario=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$offloadsim" run "$scenario" "$@" --out "$tmp/serial" --jobs 1 --no-figures -q >"$tmp/serial.log" 2>&1 ||
  fail "serial: $(cat "$tmp/serial.log")"
"$offloadsim" run "$scenario" "$@" --out "$tmp/parallel" --jobs 3 --no-figures -q >"$tmp/parallel.log" 2>&1 ||
  fail "parallel: $(cat "$tmp/parallel.log")"
grep -q "conditions in 3 child processes" "$tmp/parallel.log" || fail "the conditions did not run in children: $(cat "$tmp/parallel.log")"
n=0
for f in "$tmp"/serial/*.csv; do
  cmp "$f" "$tmp/parallel/$(basename "$f")" || fail "$(basename "$f") differs between --jobs 1 and --jobs 3"
  n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n CSVs written: $(ls "$tmp/serial")"
sed -n '/^condition /,/^measured:/p' "$tmp/serial.log" >"$tmp/a"
sed -n '/^condition /,/^measured:/p' "$tmp/parallel.log" >"$tmp/b"
[ -s "$tmp/a" ] || fail "no terminal table: $(cat "$tmp/serial.log")"
cmp "$tmp/a" "$tmp/b" || fail "the terminal tables differ"
ls -A "$tmp/parallel" | grep -q partial && fail "a work directory was left: $(ls -A "$tmp/parallel")"
echo "PASS: $n CSVs and the table are the same bytes with --jobs 1 and --jobs 3"
