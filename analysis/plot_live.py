#!/usr/bin/env python3
"""Figure of a live result, drawn from its CSVs alone.

    python3 analysis/plot_live.py RESULT_DIR

fig_live_vs_sim: per policy (all robots), live beside the same scenario simulated
(comparison.csv): query latency median and 95th percentile, the share of queries answered by the
deadline, queries per second per robot, and the mean reward per frame.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

PANELS = [
    (("latency_p95_ms", "latency_p50_ms"), "query latency (ms): p50 solid, p95 light"),
    (("on_time_share",), "share of queries on time"),
    (("queries_per_s",), "queries/s per robot"),
    (("reward_per_frame",), "reward per frame"),
]


def value(x):
    return float("nan") if x in ("", "NA") else float(x)


def main(root):
    with open(f"{root}/comparison.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["robot"] == "all"]
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    get = {(r["policy"], r["metric"]): (value(r["live"]), value(r["sim"])) for r in rows}
    fig, axes = plt.subplots(1, len(PANELS), figsize=(14, 3.4))
    width = 0.38
    for ax, (metrics, title) in zip(axes, PANELS):
        for i, p in enumerate(policies):
            for m in metrics:  # a p95 first, light, then its p50 over it
                live, sim = get.get((p, m), (float("nan"), float("nan")))
                alpha = 0.4 if m.endswith("p95_ms") else 1.0
                first = i == 0 and m == metrics[-1]
                ax.bar(i - width / 2, live, width, color="C0", alpha=alpha, label="live" if first else None)
                ax.bar(i + width / 2, sim, width, color="C1", alpha=alpha, label="simulated" if first else None)
        ax.set_xticks(range(len(policies)))
        ax.set_xticklabels(policies, rotation=20, ha="right", fontsize=8)
        ax.set_title(title, fontsize=9)
    axes[0].legend(fontsize=8)
    fig.suptitle("live processes beside the same scenario simulated (all robots)", fontsize=10)
    save(fig, root, "fig_live_vs_sim")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
