#!/usr/bin/env bash
# A local sweep interrupted midway (Ctrl-C), then run again: the points finished before the
# interruption are kept untouched, only the others run, nothing partial is left anywhere, and the
# collected CSVs are byte-identical to those of an uninterrupted run.
#   tests/sweep/resume_test.sh OFFLOADSIM SWEEP_FILE
set -euo pipefail
offloadsim=$1
sweep=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
done_points() { find "$1" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{12}' | sort; }

"$offloadsim" sweep "$sweep" --out "$tmp/reference" --jobs 2 --quiet > "$tmp/reference.log"
total=$(done_points "$tmp/reference" | wc -l)
[ "$total" -gt 4 ] || fail "the example sweep should have more than 4 points, has $total"

# One worker, interrupted once at least 3 points are done.
"$offloadsim" sweep "$sweep" --out "$tmp/run" --jobs 1 --quiet --no-collect > "$tmp/run1.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ "$(done_points "$tmp/run" 2>/dev/null | wc -l)" -ge 3 ] && break
  sleep 0.1
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "interrupted sweep exited $rc, expected 130: $(cat "$tmp/run1.log")"
first=$(done_points "$tmp/run" | wc -l)
[ "$first" -ge 3 ] && [ "$first" -lt "$total" ] || fail "$first of $total points done after the interruption"
[ -z "$(find "$tmp/run" -name '*.partial-*')" ] || fail "partial files left: $(find "$tmp/run" -name '*.partial-*')"
[ -z "$(ls -A "$tmp/run/.running")" ] || fail "running directories left: $(ls -A "$tmp/run/.running")"
grep -q "run the same command again" "$tmp/run1.log" || fail "no resume hint in: $(cat "$tmp/run1.log")"
for d in $(done_points "$tmp/run"); do stat -c '%n %i %Y' "$d/provenance.json" "$d/summary.csv"; done > "$tmp/before"

# A stale entry of a killed task on this host (a pid that cannot exist) must not block its point.
stale_id=$(cut -d, -f2 "$tmp/run/points.csv" | tail -n 1)
mkdir -p "$tmp/run/.running/$stale_id.$(hostname).4194400"

"$offloadsim" sweep "$sweep" --out "$tmp/run" --jobs 2 --quiet > "$tmp/run2.log"
grep -q "$first already done, $((total - first)) to run" "$tmp/run2.log" || fail "resume did not skip: $(cat "$tmp/run2.log")"
for d in $(done_points "$tmp/run"); do stat -c '%n %i %Y' "$d/provenance.json" "$d/summary.csv"; done > "$tmp/after"
# Every point finished before is byte-for-byte the same file (same inode, same time): not redone.
grep -Fxf "$tmp/before" "$tmp/after" | cmp -s - "$tmp/before" || fail "points finished before were redone"
[ "$(done_points "$tmp/run" | wc -l)" -eq "$total" ] || fail "not every point is done after resuming"
[ -z "$(ls -A "$tmp/run/.running")" ] || fail "stale running entry not cleared"
for table in summary episodes; do
  cmp "$tmp/reference/collected/$table.csv" "$tmp/run/collected/$table.csv" || fail "$table.csv differs from the uninterrupted run"
done
"$offloadsim" sweep status "$tmp/run" | grep -q "$total done" || fail "status does not report every point done"
echo "PASS: interrupted after $first of $total points; resumed the other $((total - first)); results identical"
