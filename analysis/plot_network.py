#!/usr/bin/env python3
"""Figures of a network-study or network-run result, drawn from its CSVs alone.

    python3 analysis/plot_network.py RESULT_DIR

network-study (summary.csv has a measured_share_pct column): one panel per condition with the
rostopic-bw rate at the sender and at each receiver over time, the measured rostopic bw series
(measured.csv: the paper's raw logs by default, one sample per second) in grey, and its median dashed
— Fig. 2's layout. Writes fig_lidar_study.png/.pdf.
network-run: per stream, the received rate over time and the latency distribution.
Writes fig_network_run.png/.pdf.
"""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

TITLES = {"sender": "sender (no remote subscriber)", "one_receiver": "one receiver",
          "with_download": "one receiver + download on another station", "two_pairs": "two robot→server pairs"}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def series(rows, key):
    out = defaultdict(lambda: ([], []))
    for r in rows:
        t, v = out[(r["condition"], r["flow"])]
        t.append(float(r["t_s"]))
        v.append(float(r[key]))
    return out


def study(root, summary):
    rates = read_csv(os.path.join(root, "rates.csv"))
    measured = defaultdict(list)
    for r in read_csv(os.path.join(root, "measured.csv")):
        measured[r["condition"]].append(float(r["mbps"]))
    conditions = list(dict.fromkeys(r["condition"] for r in summary))
    sent, received = series(rates, "sent_mbps"), series(rates, "received_mbps")
    fig, axes = plt.subplots(1, len(conditions), figsize=(3.2 * len(conditions), 3.0), sharey=True, squeeze=False)
    for ax, cond in zip(axes[0], conditions):
        rows = [r for r in summary if r["condition"] == cond]
        for i, r in enumerate(rows):
            t, v = sent[(cond, r["flow"])]
            if i == 0:
                ax.plot(t, v, color="#1f77b4", label="sender (rostopic bw on the robot)")
            if cond != "sender":
                t, v = received[(cond, r["flow"])]
                ax.plot(t, v, color=["#d62728", "#ff7f0e"][i % 2], label=f"receiver {r['flow']}")
        m = measured[cond]
        ax.plot(range(1, len(m) + 1), m, color="#9a9a9a", lw=0.8, label="measured (rostopic bw log)")
        ax.axhline(float(rows[0]["measured_median_mbps"]), color="k", ls="--", lw=1, label="measured median")
        share = ", ".join(f"{float(r['receiver_share_pct']):.0f}%" for r in rows)
        ax.set_title(f"{TITLES.get(cond, cond)}\nsimulated {share}, measured {float(rows[0]['measured_share_pct']):.0f}%",
                     fontsize=8)
        ax.set_xlabel("time (s)")
        ax.set_ylim(0, 90)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("rate (Mbps)")
    axes[0][-1].legend(fontsize=6, loc="lower right")
    fig.tight_layout()
    save(fig, root, "fig_lidar_study")


def network_run(root):
    rates = read_csv(os.path.join(root, "rates.csv"))
    messages = read_csv(os.path.join(root, "messages.csv"))
    received = series(rates, "received_mbps")
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    for (cond, flow), (t, v) in sorted(received.items()):
        a.plot(t, v, label=flow)
    a.set_xlabel("simulated time (s)")
    a.set_ylabel("received rate (Mbps, rostopic bw)")
    a.grid(alpha=0.3)
    a.legend(fontsize=6)
    by_flow = defaultdict(list)
    for m in messages:
        if m["latency_ms"] != "NA":
            by_flow[m["flow"]].append(float(m["latency_ms"]))
    flows = sorted(by_flow)
    if flows:
        b.boxplot([by_flow[f] for f in flows], labels=flows, showfliers=False)
    b.set_ylabel("message latency (ms)")
    b.tick_params(axis="x", labelrotation=60, labelsize=6)
    b.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, root, "fig_network_run")


def main(root):
    summary = read_csv(os.path.join(root, "summary.csv"))
    if summary and "measured_share_pct" in summary[0]:
        study(root, summary)
    else:
        network_run(root)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
