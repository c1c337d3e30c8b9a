#!/usr/bin/env python3
"""Figures of a closed-loop result, drawn from its CSVs alone.

    python3 analysis/plot_closed_loop.py RESULT_DIR

fig_closed_loop_policies: per policy (all robots), the mean reward per frame with the measured price
and with the paper's constant costs (bars, ±1.96 standard errors over episodes), the share of queries
answered by the deadline, and the query latency's median and 95th percentile.
fig_closed_loop_timeline: per robot, for the policy that queried most, the latency of every query
over time (late ones marked), the price the robot measured and the tokens it had, and its
decisions as ticks (cloud, on-board, reuse).
"""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def value(x):
    return float("nan") if x in ("", "NA") else float(x)


def policies_figure(root, summary):
    overall = [r for r in summary if r["robot"] == "all"]
    names = [r["policy"] for r in overall]
    x = range(len(names))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    ax = axes[0]
    width = 0.38
    for k, (key, label, color) in enumerate([("reward_per_frame", "measured price", "#1f77b4"),
                                             ("reward_fixed_cost_per_frame", "paper's constant cost", "#aaaaaa")]):
        heights = [value(r[key]) for r in overall]
        errors = [1.96 * value(r["episode_reward_se"]) / max(1.0, value(r["frames"]) / max(1.0, value(r["episodes"])))
                  if key == "reward_per_frame" else 0 for r in overall]
        ax.bar([i + (k - 0.5) * width for i in x], heights, width, yerr=errors, label=label, color=color)
    ax.set_xticks(list(x), names, rotation=30, ha="right")
    ax.set_ylabel("mean reward per frame")
    ax.legend(fontsize=7)
    ax = axes[1]
    ax.bar(list(x), [100 * value(r["on_time_share"]) for r in overall], color="#2ca02c")
    ax.set_xticks(list(x), names, rotation=30, ha="right")
    ax.set_ylabel("queries answered by the deadline (%)")
    ax.set_ylim(0, 105)
    ax = axes[2]
    ax.bar([i - 0.2 for i in x], [value(r["latency_p50_ms"]) for r in overall], 0.4, label="median", color="#ff7f0e")
    ax.bar([i + 0.2 for i in x], [value(r["latency_p95_ms"]) for r in overall], 0.4, label="95th pct.", color="#d62728")
    ax.set_xticks(list(x), names, rotation=30, ha="right")
    ax.set_ylabel("query latency (ms)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_policies")


def timeline_figure(root, summary, decisions):
    overall = [r for r in summary if r["robot"] == "all"]
    busiest = max(overall, key=lambda r: int(r["cloud_queries"]))["policy"]
    rows = [r for r in decisions if r["policy"] == busiest]
    robots = list(dict.fromkeys(r["robot"] for r in rows))
    fig, axes = plt.subplots(len(robots), 1, figsize=(10, 2.2 * len(robots)), sharex=True, squeeze=False)
    for ax, robot in zip(axes[:, 0], robots):
        mine = [r for r in rows if r["robot"] == robot]
        sent = [r for r in mine if r["sent_s"] != "" and r["latency_ms"] != ""]
        ax.scatter([value(r["sent_s"]) for r in sent], [value(r["latency_ms"]) for r in sent], s=6,
                   c=["#2ca02c" if r["on_time"] == "1" else "#d62728" for r in sent], label="query latency (ms)")
        ax.set_ylabel(f"{robot}\nlatency (ms)")
        twin = ax.twinx()
        t = [value(r["t_s"]) for r in mine]
        twin.plot(t, [value(r["price"]) if r["executed"] == "cloud" else float("nan") for r in mine], ".", ms=2,
                  color="#9467bd", label="price of a query")
        twin.step(t, [value(r["tokens"]) for r in mine], where="post", color="#7f7f7f", lw=0.8, label="tokens")
        twin.set_ylabel("price / tokens")
        for action, y, color in [("cloud", -0.06, "#1f77b4"), ("robot", -0.10, "#ff7f0e"),
                                 ("past_cloud", -0.14, "#c7c7c7"), ("past_robot", -0.14, "#c7c7c7")]:
            ts = [value(r["t_s"]) for r in mine if r["executed"] == action]
            ax.plot(ts, [y] * len(ts), "|", color=color, transform=ax.get_xaxis_transform(), clip_on=False)
    axes[0, 0].set_title(f"{busiest}: query latency (green on time, red late), price (purple), tokens (grey); "
                         "ticks: cloud / on-board / reuse", fontsize=8)
    axes[-1, 0].set_xlabel("simulated time (s)")
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_timeline")


def main(root):
    summary = read_csv(os.path.join(root, "summary.csv"))
    decisions = read_csv(os.path.join(root, "decisions.csv"))
    policies_figure(root, summary)
    timeline_figure(root, summary, decisions)


if __name__ == "__main__":
    main(sys.argv[1])
