#!/usr/bin/env python3
"""Figures of a collected sweep, drawn from its CSVs alone.

    python3 analysis/plot_sweep.py SWEEP_DIR

A closed-loop sweep (the congestion study) is handed to analysis/loop_sweep.py. Otherwise: reads
SWEEP_DIR/sweep.json (the swept fields) and SWEEP_DIR/collected/summary.csv (written by
`offloadsim collect`) and, for every swept field whose values are numbers and that takes at least
two values, writes SWEEP_DIR/collected/fig_sweep_<field>.png/.pdf: each policy family's mean
episode reward over all test budgets (budget_fraction "all"; the robot-heuristic family by its
best threshold at each point) against the field. With one swept field the line is the mean over
replications with 95% error bars (1.96 standard errors across replications); with several, the
line is the mean over the other fields and the replications, without error bars (the spread there
is the other fields' effect, not noise), and each point's own value is drawn as a faint dot.
"""
import csv
import json
import math
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import loop_sweep  # noqa: E402
from loop_sweep import as_number  # noqa: E402
from figure_io import save  # noqa: E402

FAMILY_ORDER = ["random", "all-robot", "all-cloud", "robot-heuristic", "rl", "oracle"]
COLORS = {"random": "#d62728", "all-robot": "#ff7f0e", "all-cloud": "#2ca02c",
          "robot-heuristic": "#9467bd", "rl": "#e6c619", "oracle": "#7f7f7f"}


def main(root):
    with open(os.path.join(root, "sweep.json")) as f:
        manifest = json.load(f)
    out_dir = os.path.join(root, "collected")
    with open(os.path.join(out_dir, "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r.get("budget_fraction") == "all" and r.get("best_in_family") == "1"]
    if not rows:
        with open(os.path.join(out_dir, "summary.csv"), newline="") as f:
            if "reward_per_frame" in (csv.DictReader(f).fieldnames or []):
                loop_sweep.main(root)  # a closed-loop sweep: its cost table and figures
                return
        print("plot_sweep: no overall rows in summary.csv; no figure", file=sys.stderr)
        return
    for key in manifest["keys"]:
        column = "seed" if key == "seed" else key
        values = {r[column] for r in rows}
        numbers = {v: as_number(v) for v in values}
        if len(values) < 2 or any(n is None for n in numbers.values()):
            continue
        by_family = defaultdict(lambda: defaultdict(list))
        for r in rows:
            by_family[r["family"]][numbers[r[column]]].append(float(r["reward_mean"]))
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        families = [f for f in FAMILY_ORDER if f in by_family] + sorted(set(by_family) - set(FAMILY_ORDER))
        single_axis = len(manifest["keys"]) == 1
        for family in families:
            xs = sorted(by_family[family])
            means, errors = [], []
            for x in xs:
                ys = by_family[family][x]
                mean = sum(ys) / len(ys)
                sd = math.sqrt(sum((y - mean) ** 2 for y in ys) / (len(ys) - 1)) if len(ys) > 1 else 0.0
                means.append(mean)
                errors.append(1.96 * sd / math.sqrt(len(ys)))
            color = COLORS.get(family)
            if single_axis:
                ax.errorbar(xs, means, yerr=errors, marker="o", capsize=3, label=family, color=color)
            else:
                ax.plot(xs, means, marker="o", label=family, color=color)
                for x in xs:
                    ys = by_family[family][x]
                    ax.scatter([x] * len(ys), ys, s=8, alpha=0.3, color=color, linewidths=0)
        ax.set_xlabel(key)
        ax.set_ylabel("mean episode reward (all budgets)")
        others = [k for k in manifest["keys"] if k != key]
        detail = f"mean over {', '.join(others)} and replications" if others else "mean over replications, 95% CI"
        ax.set_title(f"{manifest['sweep']}: reward against {key}\n({detail})", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="best")
        save(fig, out_dir, "fig_sweep_" + key.replace(".", "_"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
