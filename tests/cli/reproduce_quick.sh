#!/bin/sh
# `offloadsim reproduce` on its two quick parts: the paper-code protocol's four published ratios
# come out within tolerance in REPORT.md (and report.html is written), a second run skips the done
# parts, a part that is not there is refused with exit code 2, and a Ctrl-C during a part stops it
# with exit 130 and no provenance, and the next run finishes it.
# Usage: reproduce_quick.sh OFFLOADSIM
set -u
offloadsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out="$tmp/repro"
"$offloadsim" reproduce --out "$out" --only fig5_paper_code --only fig5_way_between >"$tmp/log1" 2>&1 ||
  fail "first run: $(tail -5 "$tmp/log1")"
[ -f "$out/REPORT.md" ] && [ -f "$out/report.html" ] || fail "no REPORT.md or report.html"
n=$(grep -c "Fig. 5, the paper's code .* | within tolerance |" "$out/REPORT.md")
[ "$n" -eq 4 ] || fail "expected the 4 paper-code ratios within tolerance, got $n: $(grep "paper's code" "$out/REPORT.md")"
grep -q "| 12 | + 100 traces |" "$out/REPORT.md" || fail "the way-between table is missing"
grep -q "Fig. 5, our protocol .* | not run |" "$out/REPORT.md" || fail "parts not run are not marked"

"$offloadsim" reproduce --out "$out" --only fig5_paper_code >"$tmp/log2" 2>&1 || fail "second run failed"
grep -q "fig5_paper_code: done already" "$tmp/log2" || fail "a done part ran again: $(cat "$tmp/log2")"

"$offloadsim" reproduce --out "$out" --only nosuchpart >"$tmp/log3" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "an unknown part gave exit $rc, not 2"

# Ctrl-C (SIGINT to the process group) during the sweep part: exit 130, the part not done.
out2="$tmp/stopped"
setsid "$offloadsim" reproduce --out "$out2" --only fig5_way_between >"$tmp/log4" 2>&1 &
pid=$!
n=0
until grep -q "fig5_way_between: " "$tmp/log4" 2>/dev/null; do
  n=$((n + 1))
  [ "$n" -lt 600 ] || fail "the part never started"
  sleep 0.05
done
sleep 1
kill -INT "-$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "Ctrl-C gave exit $rc, not 130: $(tail -3 "$tmp/log4")"
[ ! -f "$out2/fig5_way_between/collected/summary.csv" ] || fail "a stopped part looks done"
"$offloadsim" reproduce --out "$out2" --only fig5_way_between >"$tmp/log5" 2>&1 || fail "the resumed run failed"
[ -f "$out2/fig5_way_between/collected/summary.csv" ] || fail "the resumed run did not finish the part"
echo "PASS: reproduce quick parts, skip, bad part, stop and resume"
