#!/bin/sh
# Issue 33, item 8: `offloadsim cloud` stopped by SIGINT or SIGTERM exits 130, as every other
# subcommand does (it exited 0).
# Usage: cloud_sigint.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for sig in INT TERM; do
  "$offloadsim" cloud "$scenario" --set live.source=stream --port-file "$tmp/port.$sig" >"$tmp/log" 2>&1 &
  pid=$!
  n=0
  until [ -s "$tmp/port.$sig" ]; do
    kill -0 "$pid" 2>/dev/null || fail "$sig: the cloud ended before listening: $(cat "$tmp/log")"
    n=$((n + 1)); [ "$n" -lt 600 ] || fail "$sig: not listening after 60 s"
    sleep 0.1
  done
  kill "-$sig" "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" -eq 130 ] || fail "$sig: exit $rc, expected 130: $(cat "$tmp/log")"
  echo "$sig: exit 130"
done
echo "PASS: the cloud exits 130 when stopped"
