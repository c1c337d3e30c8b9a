#!/usr/bin/env python3
"""Figure of a surrogate-check result, drawn from its CSVs alone.

    python3 analysis/plot_surrogate_check.py RESULT_DIR

fig_surrogate_check: the surrogate against ns-3, one point per condition and policy
(surrogate_check.csv): the queries' median and 95th-percentile latency, on log axes with the
±10% and ±20% bands the check asks for, and the reward per frame, on the diagonal where the two
agree. Marker: the network; colour: robots per cell; hollow: with background load.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

PANELS = [
    ("latency_p50_ms", "median query latency (ms)", 0.10, True),
    ("latency_p95_ms", "95th-percentile query latency (ms)", 0.20, True),
    ("reward_per_frame", "reward per frame", None, False),
]
MARKERS = {"wifi": "o", "lte": "s", "wired": "^"}


def value(x):
    return float("nan") if x in ("", "NA") else float(x)


def main(root):
    with open(f"{root}/surrogate_check.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    robots = sorted({int(r["robots"]) for r in rows})
    colour = {n: f"C{i}" for i, n in enumerate(robots)}
    fig, axes = plt.subplots(1, len(PANELS), figsize=(14, 4.2))
    for ax, (metric, title, band, log) in zip(axes, PANELS):
        xs, ys = [], []
        for r in rows:
            x, y = value(r[f"ns3_{metric}"]), value(r[f"surrogate_{metric}"])
            if x != x or y != y:
                continue
            xs.append(x)
            ys.append(y)
            filled = float(r["background_mbps"]) == 0
            c = colour[int(r["robots"])]
            ax.scatter(x, y, marker=MARKERS.get(r["network"], "x"), s=28, edgecolors=c,
                       facecolors=c if filled else "none", linewidths=1.2)
        if not xs:
            continue
        lo, hi = min(xs + ys), max(xs + ys)
        if log:
            lo, hi = lo / 1.5, hi * 1.5
            ax.set_xscale("log")
            ax.set_yscale("log")
        else:
            pad = 0.1 * (hi - lo or 1)
            lo, hi = lo - pad, hi + pad
        ax.plot([lo, hi], [lo, hi], color="k", lw=0.8)
        if band:
            ax.fill_between([lo, hi], [lo * (1 - band), hi * (1 - band)], [lo * (1 + band), hi * (1 + band)],
                            color="k", alpha=0.08, label=f"±{band:.0%}")
            ax.legend(fontsize=8, loc="upper left")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("ns-3", fontsize=9)
        ax.set_ylabel("surrogate", fontsize=9)
        ax.set_title(title, fontsize=9)
    handles = [plt.Line2D([], [], marker=m, ls="", color="grey", label=n) for n, m in MARKERS.items()
               if any(r["network"] == n for r in rows)]
    handles += [plt.Line2D([], [], marker="o", ls="", color=colour[n], label=f"{n} robots") for n in robots]
    handles.append(plt.Line2D([], [], marker="o", ls="", mfc="none", color="grey", label="with background"))
    axes[-1].legend(handles=handles, fontsize=7, loc="lower right")
    fig.suptitle("the congestion surrogate against ns-3: one point per condition and policy", fontsize=10)
    save(fig, root, "fig_surrogate_check")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
