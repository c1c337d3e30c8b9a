#!/bin/sh
# kind live across an emulated 802.11ac cell (live.network ns3): the robot and the cloud run in
# network namespaces joined to an ns-3 WiFi in real time; queries cross it end to end, taking
# longer than on loopback (WiFi access plus the wired hop), and the lag is recorded. Needs root.
#   emulated_wifi.sh OFFLOADSIM SCENARIO
set -eu
bin=$1
scenario=$2
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then echo "SKIP: needs root and /dev/net/tun"; exit 77; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" run "$scenario" --out "$out/r" -q --set live.network=ns3 --set network.type=wifi --set robots.count=1 \
  --set run.duration_s=8 --set live.max_lag_ms=200 > "$out/log" 2>&1 || { cat "$out/log"; cat "$out/r/live/emulation.log" 2>/dev/null; echo "FAIL"; exit 1; }
[ -s "$out/r/emulation_lag.csv" ] || { echo "FAIL: no emulation_lag.csv"; exit 1; }
/usr/bin/python3 - "$out/r" <<'PY'
import csv, sys
d = sys.argv[1]
q = [r for r in csv.DictReader(open(d + "/queries.csv")) if r["kind"] == "query"]
answered = [float(r["latency_ms"]) for r in q if r["replied_s"] != ""]
assert len(answered) >= 5, f"only {len(answered)} of {len(q)} queries answered across the emulated WiFi"
lat = sorted(answered)[len(answered) // 2]
assert lat > 0.5, f"median latency {lat} ms: too fast for a WiFi hop and a 2 ms wired link; not emulated?"
print(f"PASS: {len(answered)} of {len(q)} queries answered across the emulated WiFi, median {lat:.2f} ms")
PY
grep "real-time lag" "$out/log" || true
