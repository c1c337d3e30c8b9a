#!/bin/sh
# A stop while the figures are drawn — SIGINT or SIGTERM to offloadsim alone (how a scheduler
# stops a job), or SIGINT to its whole process group (Ctrl-C at a terminal) — ends in exit 130
# within a second, with no partial file and no provenance.json; a partial file an earlier,
# killed run left in the directory is removed by the next run.
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
  leftovers=$(ls -a "$out" | grep -e partial -e provenance.json)
  [ -z "$leftovers" ] || fail "$how: left behind: $leftovers"
  grep -q Traceback "$tmp/log" && fail "$how: a Python traceback was printed: $(cat "$tmp/log")"
  echo "$how: exit 130 after ${took} s, no partial file, no provenance"
done
echo "PASS: every stop during the figures exits 130 and leaves nothing partial"
