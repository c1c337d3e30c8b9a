#!/bin/sh
# A robot whose cloud is killed (SIGKILL) mid-run finishes on its own predictions and exits 0.
#   cloud_killed.sh OFFLOADSIM SCENARIO
set -eu
bin=$1
scenario=$2
out=$(mktemp -d)
cloud=""
trap '[ -n "$cloud" ] && kill -9 $cloud 2>/dev/null; rm -rf "$out"' EXIT
"$bin" cloud "$scenario" --port-file "$out/port" > "$out/cloud.log" 2>&1 &
cloud=$!
i=0
while [ ! -s "$out/port" ]; do
  i=$((i + 1)); [ $i -lt 200 ] || { cat "$out/cloud.log"; echo "FAIL: the cloud did not start"; exit 1; }
  sleep 0.05
done
port=$(cat "$out/port")
"$bin" robot "$scenario" --index 1 --cloud "127.0.0.1:$port" --out "$out/robot" --set run.duration_s=8 \
  > "$out/robot.log" 2>&1 &
robot=$!
# The robot's clock starts when it prints its first line (after loading, which takes seconds under
# sanitizers): kill the cloud 2.5 s into the robot's run, 1.5 s after its first frame.
i=0
until grep -q "frames at" "$out/robot.log" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 1200 ] || { cat "$out/robot.log"; echo "FAIL: the robot did not start"; exit 1; }
  sleep 0.05
done
sleep 2.5
kill -9 $cloud
killed_at=2.5
rc=0
wait $robot || rc=$?
[ $rc -eq 0 ] || { cat "$out/robot.log"; echo "FAIL: the robot exited with $rc"; exit 1; }
grep -q "connection lost" "$out/robot.log" || { cat "$out/robot.log"; echo "FAIL: no 'connection lost' in the log"; exit 1; }
/usr/bin/python3 - "$out/robot/decisions.csv" "$killed_at" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
killed = float(sys.argv[2])
before = [r for r in rows if float(r["t_s"]) < killed - 0.5]
after = [r for r in rows if float(r["t_s"]) > killed + 0.5]
assert any(r["used"] == "cloud" for r in before), "no cloud answer before the kill"
assert after, "no frame after the kill"
bad = [r for r in after if r["used"] == "cloud"]
assert not bad, f"{len(bad)} frames used a cloud answer after the cloud was killed"
assert all(r["used"] in ("robot", "past_robot", "past_cloud") for r in after), {r["used"] for r in after}
print(f"PASS: {len(before)} frames before the kill, {len(after)} after, all on the robot's own predictions")
PY
