#!/usr/bin/env python3
"""How far a closed-loop run's measured delivery rates are from making the grant bind, per policy.

    python3 analysis/grant_headroom.py RUN_DIR [RUN_DIR ...]

The grant of an episode is min(N, ⌊share · delivery rate · T / fps / B̄⌋) (docs/loop.md, "Budget"):
the cap N binds while the rate a robot measures exceeds N · B̄ · fps / (share · T). For each run and
each policy whose robots measured a delivery rate, this prints the median and the 10th percentile
of the rate at its decisions (decisions.csv, est_delivery_mbps), the rate at which the grant would
fall below N, and the grant the median rate would give without the cap. share, T, fps and N are the
run's own (scenario.resolved.yaml: loop.budget_share, stream.horizon, loop.fps, loop.budget); B̄ is
the mean size of its queries (queries.csv).
"""
import csv
import math
import os
import statistics
import sys


def resolved(path):
    """section.key -> value text of a resolved scenario (offloadsim's own YAML: two levels deep)."""
    values, section = {}, None
    with open(path) as f:
        for line in f:
            text = line.split(" #")[0].rstrip()
            if not text or text.lstrip().startswith("#"):
                continue
            if not text.startswith(" ") and text.endswith(":"):
                section = text[:-1]
            elif section and text.startswith("  ") and not text.startswith("   ") and ":" in text:
                key, value = text.strip().split(":", 1)
                values[f"{section}.{key}"] = value.strip()
    return values


def main(roots):
    for root in roots:
        s = resolved(os.path.join(root, "scenario.resolved.yaml"))
        share, horizon = float(s["loop.budget_share"]), int(s["stream.horizon"])
        fps, budget = float(s["loop.fps"]), float(s["loop.budget"])
        cap = math.floor(budget * horizon + 1e-9)
        with open(os.path.join(root, "queries.csv"), newline="") as f:
            sizes = [float(r["bytes"]) for r in csv.DictReader(f) if r["kind"] != "probe" and r["bytes"]]
        mean_bytes = statistics.fmean(sizes)
        binds_mbps = cap * mean_bytes * 8 * fps / (share * horizon) / 1e6
        print(f"{root}: N = {cap}, share {share:g}, T = {horizon}, {fps:g} frames/s, mean query {mean_bytes:.0f} B: "
              f"the grant falls below N under {binds_mbps:.2f} Mbps")
        rates = {}
        with open(os.path.join(root, "decisions.csv"), newline="") as f:
            for r in csv.DictReader(f):
                if r["est_delivery_mbps"] not in ("", "NA") and float(r["est_delivery_mbps"]) > 0:
                    rates.setdefault(r["policy"], []).append(float(r["est_delivery_mbps"]))
        for policy, xs in rates.items():
            xs.sort()
            median, p10 = statistics.median(xs), xs[int(0.1 * (len(xs) - 1))]
            uncapped = share * median * 1e6 / 8 * horizon / fps / mean_bytes
            print(f"  {policy}: measured delivery rate median {median:.2f} Mbps, 10th percentile {p10:.2f} "
                  f"({len(xs)} decisions); uncapped grant at the median {uncapped:.1f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    main(sys.argv[1:])
