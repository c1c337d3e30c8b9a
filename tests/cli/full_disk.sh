#!/bin/sh
# Issue 33, items 6 and 8: a run that fills the disk says why ("No space left on device", not only
# "write failed") and leaves no result under a final name. Needs root (a 60 kB tmpfs): skipped
# (77) otherwise.
# Usage: full_disk.sh OFFLOADSIM SCENARIO
set -u
offloadsim=$1
scenario=$2
disk=$(mktemp -d)
trap 'umount "$disk" 2>/dev/null; rm -rf "$disk"' EXIT
mount -t tmpfs -o size=60k tmpfs "$disk" 2>/dev/null || { echo "SKIP: cannot mount a tmpfs (not root?)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
"$offloadsim" run "$scenario" --out "$disk/run" -q >"$disk/../full_disk.log.$$" 2>&1
rc=$?
log=$(cat "$disk/../full_disk.log.$$"); rm -f "$disk/../full_disk.log.$$"
[ "$rc" -ne 0 ] || fail "the run succeeded on a 60 kB disk"
echo "$log" | grep -q "No space left on device" || fail "no reason given: $log"
leftovers=$(ls -A "$disk/run" | grep -v -x -e .offloadsim.lock)
[ -z "$leftovers" ] || fail "left behind: $leftovers"
echo "PASS: a full disk is named and leaves nothing behind"
