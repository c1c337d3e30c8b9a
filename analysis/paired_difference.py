#!/usr/bin/env python3
"""What one swept field, one policy over another, or one run over another does, paired by seed,
from the CSVs alone.

    python3 analysis/paired_difference.py SWEEP_DIR FIELD [METRIC ...]
    python3 analysis/paired_difference.py SWEEP_DIR FIELD --policies A B [METRIC ...]
    python3 analysis/paired_difference.py --runs RUN_A RUN_B [METRIC ...]

Reads SWEEP_DIR/collected/summary.csv (`offloadsim collect` of a closed-loop sweep) and keeps the
rows of all robots together (robot "all"). For each METRIC (default: reward per frame, on-time
share, mean price, median latency, the replies' median and 95th-percentile round trip less the
cloud's service time, accuracy, the sensors' goodput) it prints the mean over seeds of a paired
difference with its 95% confidence interval over seeds (Student's t), each seed paired with
itself: the same robots, streams and channel.

- Without --policies, for each policy: metric(FIELD = its last value) − metric(FIELD = its first).
- With --policies A B, for each value of FIELD: metric(policy B) − metric(policy A).

- With --runs A B, two closed-loop runs (`offloadsim run`, e.g. a scenario and the same with
  `--set background.flows=0`): for each policy of both, metric(run B) − metric(run A) over the
  seeds both ran. It first prints how the two runs were made (each provenance.json's command line
  and revision), so the difference can be read as that change's. With --figure PATH it also draws
  PATH.png and PATH.pdf: per policy, B − A of the price, the grant, the median latency and the
  on-time share, each with its 95% CI over seeds (a bar whose interval excludes 0 is solid).

FIELD must take exactly two values without --policies, and the sweep must vary nothing else
beside the seeds.
"""
import contextlib
import csv
import json
import math
import os
import sys

from loop_sweep import as_number, mean_ci, take_one, take_two

DEFAULT_METRICS = ["reward_per_frame", "on_time_share", "price_mean", "tokens_granted_mean", "latency_p50_ms", "net_rtt_p50_ms",
                   "net_rtt_p95_ms", "accuracy", "sensor_goodput_mbps"]


def by_policy_seed_value(rows, field, metric):
    """(policy, seed, value of field) -> metric, refusing a sweep that varies more than field."""
    by = {}
    for r in rows:
        x = as_number(r.get(metric, ""))
        if x is not None:
            key = (r["policy"], r["seed"], r[field])
            if key in by:
                sys.exit(f"paired_difference: two rows for policy {r['policy']}, seed {r['seed']}, {field} = "
                         f"{r[field]}: the sweep varies more than {field}")
            by[key] = x
    return by


def differences(rows, field, metric):
    """policy -> [(seed, difference)] for every seed that has both values of field."""
    values = list(dict.fromkeys(r[field] for r in rows))
    if len(values) != 2:
        sys.exit(f"paired_difference: {field} takes {len(values)} values ({', '.join(values)}); it must take two")
    by = by_policy_seed_value(rows, field, metric)
    out = {}
    for policy in dict.fromkeys(r["policy"] for r in rows):
        seeds = dict.fromkeys(r["seed"] for r in rows if r["policy"] == policy)
        out[policy] = [(s, by[(policy, s, values[1])] - by[(policy, s, values[0])]) for s in seeds
                       if (policy, s, values[0]) in by and (policy, s, values[1]) in by]
    return values, out


def policy_differences(rows, field, first, second, metric):
    """value of field -> [(seed, metric(second) - metric(first))] for every seed that has both."""
    for policy in (first, second):
        if not any(r["policy"] == policy for r in rows):
            sys.exit(f"paired_difference: no policy {policy} in the sweep (it has "
                     f"{', '.join(dict.fromkeys(r['policy'] for r in rows))})")
    by = by_policy_seed_value(rows, field, metric)
    out = {}
    for value in dict.fromkeys(r[field] for r in rows):
        seeds = dict.fromkeys(r["seed"] for r in rows if r[field] == value)
        out[value] = [(s, by[(second, s, value)] - by[(first, s, value)]) for s in seeds
                      if (first, s, value) in by and (second, s, value) in by]
    return out


def run_rows(root):
    """The rows of all robots of a closed-loop run's summary.csv, and how the run was made."""
    path = os.path.join(root, "summary.csv")
    if not os.path.isfile(path):
        sys.exit(f"paired_difference: {path}: no such file (a closed-loop run's directory is wanted)")
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("robot") == "all"]
    if not rows or "seed" not in rows[0]:
        sys.exit(f"paired_difference: {path} has no rows of all robots with a seed column")
    made = "?"
    with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
        with open(os.path.join(root, "provenance.json")) as f:
            p = json.load(f)
        made = " ".join(["offloadsim"] + p["command_line"][1:]) + f" (revision {p.get('git_revision', '?')})"
    return rows, made


def run_differences(first, second, metric):
    """policy -> [(seed, metric(second) - metric(first))] for every seed both runs have."""
    def by(rows):
        return {(r["policy"], r["seed"]): as_number(r.get(metric, "")) for r in rows}
    a, b = by(first), by(second)
    out = {}
    for policy in dict.fromkeys(r["policy"] for r in first):
        seeds = dict.fromkeys(r["seed"] for r in first if r["policy"] == policy)
        out[policy] = [(s, b[(policy, s)] - a[(policy, s)]) for s in seeds
                       if a.get((policy, s)) is not None and b.get((policy, s)) is not None]
    return out


def compare_runs(first_root, second_root, metrics):
    first, first_made = run_rows(first_root)
    second, second_made = run_rows(second_root)
    print(f"A: {first_root}: {first_made}")
    print(f"B: {second_root}: {second_made}")
    shared = [p for p in dict.fromkeys(r["policy"] for r in first) if any(r["policy"] == p for r in second)]
    if not shared:
        sys.exit(f"paired_difference: {first_root} and {second_root} have no policy in common")
    for metric in metrics:
        for policy, pairs in run_differences(first, second, metric).items():
            if pairs:
                print(f"{policy}: {metric} of B minus A: {described(pairs)}")


FIGURE_METRICS = [("price_mean", "price of a query", 1.0, ""), ("tokens_granted_mean", "grant (tokens per episode)", 1.0, ""),
                  ("latency_p50_ms", "median query latency", 1.0, " (ms)"),
                  ("on_time_share", "answers on time", 100.0, " (points)")]


def draw_runs(first_root, second_root, path):
    """B − A per policy for FIGURE_METRICS, with 95% CIs over seeds, one panel each."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from figure_io import save
    first, _ = run_rows(first_root)
    second, _ = run_rows(second_root)
    policies = list(dict.fromkeys(r["policy"] for r in first))
    fig, axes = plt.subplots(1, len(FIGURE_METRICS), figsize=(4.2 * len(FIGURE_METRICS), 3.8))
    seeds = 0
    for ax, (metric, title, scale, unit) in zip(axes, FIGURE_METRICS):
        differences = run_differences(first, second, metric)
        for i, policy in enumerate(policies):
            pairs = differences.get(policy, [])
            if not pairs:
                ax.text(i, 0, "no queries", ha="center", va="bottom", fontsize=8, color="#555555", rotation=90)
                continue
            seeds = max(seeds, len(pairs))
            m, h = mean_ci([scale * d for _, d in pairs])
            excludes = not math.isnan(h) and (m - h > 0 or m + h < 0)
            ax.bar(i, m, color="#1f77b4" if excludes else "white", edgecolor="#1f77b4", hatch=None if excludes else "//")
            if not math.isnan(h):
                ax.errorbar(i, m, yerr=h, fmt="none", ecolor="black", capsize=3)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlim(-0.6, len(policies) - 0.4)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("B − A" + unit)
        ax.set_xticks(range(len(policies)))
        ax.set_xticklabels(policies, rotation=35, ha="right", fontsize=9)
    fig.suptitle(f"B − A, paired by seed over {seeds} seeds (95% CI); solid: the interval excludes 0\n"
                 f"A: {os.path.basename(os.path.normpath(first_root))}   B: {os.path.basename(os.path.normpath(second_root))}",
                 fontsize=10)
    fig.tight_layout()
    save(fig, os.path.dirname(path) or ".", os.path.basename(path))
    plt.close(fig)


def described(pairs):
    m, h = mean_ci([d for _, d in pairs])
    ci = "" if math.isnan(h) else f" [{m - h:+.4f}, {m + h:+.4f}]"
    return f"{m:+.4f}{ci} over {len(pairs)} seeds ({', '.join(f'{s}: {d:+.4f}' for s, d in pairs)})"


def main(root, field, metrics, policies=None):
    with open(os.path.join(root, "collected", "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("robot") == "all"]
    if not rows or field not in rows[0]:
        sys.exit(f"paired_difference: {root}/collected/summary.csv has no rows of all robots with a column {field}")
    for metric in metrics:
        if policies:
            for value, pairs in policy_differences(rows, field, policies[0], policies[1], metric).items():
                if pairs:
                    print(f"{field} = {value}: {metric} of {policies[1]} minus {policies[0]}: {described(pairs)}")
            continue
        values, per_policy = differences(rows, field, metric)
        for policy, pairs in per_policy.items():
            if pairs:
                print(f"{policy}: {metric} at {field} = {values[1]} minus {values[0]}: {described(pairs)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    runs = take_two(args, "--runs", "two closed-loop run directories, A B (prints B minus A)")
    figure = take_one(args, "--figure", "a path without extension (PATH.png and PATH.pdf)")
    if runs:
        compare_runs(runs[0], runs[1], args or DEFAULT_METRICS)
        if figure:
            draw_runs(runs[0], runs[1], figure)
        sys.exit(0)
    if figure:
        sys.exit("paired_difference: --figure draws two runs' differences (--runs A B)")
    policies = take_two(args, "--policies", "policy names, A B (prints B minus A)")
    if len(args) < 2:
        sys.exit(__doc__)
    main(args[0], args[1], args[2:] or DEFAULT_METRICS, policies)
