#!/bin/sh
# A stop while the figures are drawn — SIGINT or SIGTERM to offloadsim alone (how a scheduler
# stops a job), or SIGINT to its whole process group (Ctrl-C at a terminal) — ends in exit 130
# within a second, with no partial file, no provenance.json and no result under a final name (its
# CSVs and the figures drawn so far are removed: issue 33, item 6); a partial file an earlier,
# killed run left in the directory is removed by the next run. A run killed outright (SIGKILL)
# during its figures leaves its journal, and the next run into the directory — here one without
# figures — removes every file the killed run wrote, so no stale figure sits beside new tables.
# Usage: figures_interrupt.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for how in INT TERM INT-group; do
  out="$tmp/$how"
  mkdir -p "$out"
  touch "$out/fig_old.pdf.partial-99999.pdf"  # left by a run killed in an earlier life
  setsid "$offloadsim" run "$scenario" --out "$out" -q >"$tmp/log" 2>&1 &
  pid=$!
  n=0
  until pgrep -P "$pid" >/dev/null 2>&1; do  # the figure script has started
    kill -0 "$pid" 2>/dev/null || fail "$how: the run ended before it drew figures: $(cat "$tmp/log")"
    n=$((n + 1))
    [ "$n" -lt 6000 ] || fail "$how: no figure script after 300 s"
    sleep 0.05
  done
  sleep 0.3
  case $how in
    INT-group) kill -INT "-$pid" ;;  # setsid: the run leads its own group
    *) kill "-$how" "$pid" ;;
  esac
  start=$(date +%s)
  wait "$pid"
  rc=$?
  took=$(( $(date +%s) - start ))
  [ "$rc" -eq 130 ] || fail "$how: exit $rc, expected 130: $(cat "$tmp/log")"
  [ "$took" -le 2 ] || fail "$how: took $took s to stop"
  leftovers=$(ls -A "$out" | grep -v -x -e .offloadsim.lock)
  [ -z "$leftovers" ] || fail "$how: left behind: $leftovers"
  grep -q Traceback "$tmp/log" && fail "$how: a Python traceback was printed: $(cat "$tmp/log")"
  echo "$how: exit 130 after ${took} s, no partial file, no provenance"
done
# Killed outright while drawing: the journal outlives the run; the next run cleans up after it.
out="$tmp/KILL"
mkdir -p "$out"
"$offloadsim" run "$scenario" --out "$out" -q >"$tmp/log" 2>&1 &
pid=$!
n=0
until ls "$out" | grep -q -e '^fig_.*\.png$'; do  # a first figure is under its final name
  kill -0 "$pid" 2>/dev/null || fail "KILL: the run ended before a figure appeared: $(cat "$tmp/log")"
  n=$((n + 1))
  [ "$n" -lt 6000 ] || fail "KILL: no figure after 300 s"
  sleep 0.05
done
script=$(pgrep -P "$pid")
kill -KILL "$pid" $script
wait "$pid" 2>/dev/null
[ -e "$out/.offloadsim-unfinished" ] || fail "KILL: no journal left by the killed run"
"$offloadsim" run "$scenario" --out "$out" -q --no-figures >"$tmp/log2" 2>&1 || fail "KILL: the next run failed: $(cat "$tmp/log2")"
grep -q "left by an earlier run that did not finish" "$tmp/log2" || fail "KILL: the next run said nothing: $(cat "$tmp/log2")"
stale=$(ls "$out" | grep -e '^fig_')
[ -z "$stale" ] || fail "KILL: stale figures beside the new run's tables: $stale"
[ ! -e "$out/.offloadsim-unfinished" ] || fail "KILL: the finished run left its journal"
[ -e "$out/provenance.json" ] || fail "KILL: no provenance.json after the finished run"
echo "KILL: the next run removed what the killed run wrote"
echo "PASS: every stop during the figures exits 130 and leaves nothing partial"
