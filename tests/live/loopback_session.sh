#!/bin/sh
# kind live on loopback: a cloud and 2 robots for 20 s, as real processes. Every query is answered
# or timed out, every robot scores every frame the simulation would, no robot spends more than its
# grant, and the simulated counterpart, comparison.csv and its figure are written.
#   loopback_session.sh OFFLOADSIM SCENARIO
set -eu
bin=$1
scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" run "$scenario" --out "$out/r" -q --set output.figures=true > "$out/log" 2>&1 || { cat "$out/log"; echo "FAIL: exit $?"; exit 1; }
for f in decisions.csv queries.csv summary.csv comparison.csv sim/summary.csv provenance.json live/cloud.json \
         fig_live_vs_sim.png fig_live_vs_sim.pdf; do
  [ -s "$out/r/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
/usr/bin/python3 - "$out/r" <<'PY'
import csv, sys, collections
d = sys.argv[1]
q = [r for r in csv.DictReader(open(d + "/queries.csv")) if r["kind"] == "query"]
assert q, "no query was sent"
open_ = [r for r in q if r["replied_s"] == "" and r["timed_out"] != "1"]
assert not open_, f"{len(open_)} queries neither answered nor timed out"
answered = sum(1 for r in q if r["replied_s"] != "")
dec = list(csv.DictReader(open(d + "/decisions.csv")))
sim = list(csv.DictReader(open(d + "/sim/decisions.csv")))
per = collections.Counter(r["robot"] for r in dec)
per_sim = collections.Counter(r["robot"] for r in sim)
assert per == per_sim, f"frames per robot: live {dict(per)}, simulated {dict(per_sim)}"
for r in dec:  # no robot exceeds its grant
    assert int(r["tokens"]) >= 0, r
grants = collections.defaultdict(int)
for r in dec:
    if r["executed"] == "cloud":
        grants[(r["robot"], r["episode"])] += 1
for r in dec:
    assert grants[(r["robot"], r["episode"])] <= int(r["tokens_granted"]), r
cmp_ = list(csv.DictReader(open(d + "/comparison.csv")))
assert {r["metric"] for r in cmp_} >= {"latency_p50_ms", "latency_p95_ms", "on_time_share", "queries_per_s", "reward_per_frame"}
print(f"PASS: {len(q)} queries ({answered} answered), {len(dec)} frames over {len(per)} robots")
PY
