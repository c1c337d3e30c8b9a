#!/bin/sh
# Ctrl-C while a run prepares its inputs — 100,000 LIDAR clouds to ray-cast, minutes of work —
# stops it within a second (exit 130), with no CSV written.
# Usage: setup_interrupt.sh OFFLOADSIM
set -u
offloadsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/clouds.yaml" <<YAML
schema: 1
kind: network-run
run: {duration_s: 2, warmup_s: 0}
lidar: {distinct_clouds: 100000}
YAML
"$offloadsim" run "$tmp/clouds.yaml" --out "$tmp/r" --no-figures >"$tmp/log" 2>&1 &
pid=$!
sleep 3
kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; echo "FAIL: the run ended before it was interrupted"; exit 1; }
kill -INT "$pid"
start=$(date +%s)
wait "$pid"
rc=$?
took=$(( $(date +%s) - start ))
cat "$tmp/log"
[ "$rc" -eq 130 ] || { echo "FAIL: exit $rc, expected 130"; exit 1; }
[ "$took" -le 1 ] || { echo "FAIL: took $took s to stop"; exit 1; }
ls "$tmp/r"/*.csv >/dev/null 2>&1 && { echo "FAIL: CSVs written"; exit 1; }
echo "PASS: stopped within a second while ray-casting clouds"
