#!/usr/bin/env python3
"""What one swept field does to each policy, paired by seed, from a collected sweep's CSVs alone.

    python3 analysis/paired_difference.py SWEEP_DIR FIELD [METRIC ...]

Reads SWEEP_DIR/collected/summary.csv (`offloadsim collect` of a closed-loop sweep), keeps the rows
of all robots together (robot "all"), and for each policy and each METRIC (default: reward per
frame, on-time share, mean price, median latency, accuracy, the sensors' goodput) prints the mean
over seeds of metric(FIELD = its last value) − metric(FIELD = its first value), with the 95%
confidence interval over seeds (Student's t), each seed paired with itself: the same robots,
streams and channel with and without the change. FIELD must take exactly two values, and the
sweep must vary nothing else beside the seeds.
"""
import csv
import math
import os
import sys

from loop_sweep import as_number, mean_ci

DEFAULT_METRICS = ["reward_per_frame", "on_time_share", "price_mean", "latency_p50_ms", "accuracy",
                   "sensor_goodput_mbps"]


def differences(rows, field, metric):
    """policy -> [(seed, difference)] for every seed that has both values of field."""
    values = list(dict.fromkeys(r[field] for r in rows))
    if len(values) != 2:
        sys.exit(f"paired_difference: {field} takes {len(values)} values ({', '.join(values)}); it must take two")
    by = {}
    for r in rows:
        x = as_number(r.get(metric, ""))
        if x is not None:
            key = (r["policy"], r["seed"], r[field])
            if key in by:
                sys.exit(f"paired_difference: two rows for policy {r['policy']}, seed {r['seed']}, {field} = "
                         f"{r[field]}: the sweep varies more than {field}")
            by[key] = x
    out = {}
    for policy in dict.fromkeys(r["policy"] for r in rows):
        seeds = dict.fromkeys(r["seed"] for r in rows if r["policy"] == policy)
        out[policy] = [(s, by[(policy, s, values[1])] - by[(policy, s, values[0])]) for s in seeds
                       if (policy, s, values[0]) in by and (policy, s, values[1]) in by]
    return values, out


def main(root, field, metrics):
    with open(os.path.join(root, "collected", "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("robot") == "all"]
    if not rows or field not in rows[0]:
        sys.exit(f"paired_difference: {root}/collected/summary.csv has no rows of all robots with a column {field}")
    for metric in metrics:
        values, per_policy = differences(rows, field, metric)
        for policy, pairs in per_policy.items():
            if not pairs:
                continue
            m, h = mean_ci([d for _, d in pairs])
            ci = "" if math.isnan(h) else f" [{m - h:+.4f}, {m + h:+.4f}]"
            print(f"{policy}: {metric} at {field} = {values[1]} minus {values[0]}: {m:+.4f}{ci} over "
                  f"{len(pairs)} seeds ({', '.join(f'{s}: {d:+.4f}' for s, d in pairs)})")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:] or DEFAULT_METRICS)
