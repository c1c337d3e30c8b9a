#!/usr/bin/env python3
"""Figures of a closed-loop result, drawn from its CSVs alone.

    python3 analysis/plot_closed_loop.py RESULT_DIR

fig_closed_loop_policies: per policy (all robots), the mean reward per frame with the measured price
and with the paper's constant costs (bars, ±1.96 standard errors over episodes), the share of queries
answered by the deadline, and the query latency's median and 95th percentile.
fig_closed_loop_timeline: per robot, for the policy that queried most, the latency of every answered
query over time (queries.csv; red: too late for its frame), the price of each query and the tokens
left, and the decisions as ticks (cloud, on-board, reuse).
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
    ax.set_ylabel("queries on time (%)")
    ax.set_ylim(0, 105)
    ax = axes[2]
    ax.bar([i - 0.2 for i in x], [value(r["latency_p50_ms"]) for r in overall], 0.4, label="median", color="#ff7f0e")
    ax.bar([i + 0.2 for i in x], [value(r["latency_p95_ms"]) for r in overall], 0.4, label="95th pct.", color="#d62728")
    ax.set_xticks(list(x), names, rotation=30, ha="right")
    ax.set_ylabel("query latency (ms)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_policies")


def timeline_figure(root, summary, decisions, queries):
    overall = [r for r in summary if r["robot"] == "all"]
    busiest = max(overall, key=lambda r: int(r["cloud_queries"]))["policy"]
    rows = [r for r in decisions if r["policy"] == busiest]
    on_time = {(r["robot"], r["query_id"]): r["on_time"] == "1" for r in rows if r["query_id"] != ""}
    asked = [q for q in queries if q["policy"] == busiest and q["kind"] == "query" and q["latency_ms"] != ""]
    robots = list(dict.fromkeys(r["robot"] for r in rows))
    fig, axes = plt.subplots(len(robots), 1, figsize=(10, 2.2 * len(robots)), sharex=True, squeeze=False)
    for ax, robot in zip(axes[:, 0], robots):
        mine = [r for r in rows if r["robot"] == robot]
        sent = [q for q in asked if q["robot"] == robot]
        ax.scatter([value(q["sent_s"]) for q in sent], [value(q["latency_ms"]) for q in sent], s=6,
                   c=["#2ca02c" if on_time.get((robot, q["query_id"]), False) else "#d62728" for q in sent])
        ax.set_ylabel(f"{robot}\nquery latency (ms)")
        ax.set_ylim(bottom=0)
        twin = ax.twinx()
        t = [value(r["t_s"]) for r in mine]
        twin.plot(t, [value(r["price"]) if r["executed"] == "cloud" else float("nan") for r in mine], ".", ms=2,
                  color="#9467bd")
        twin.step(t, [value(r["tokens"]) for r in mine], where="post", color="#7f7f7f", lw=0.8)
        twin.set_ylabel("price / tokens")
        twin.set_ylim(bottom=0)
        for action, y, color in [("cloud", -0.06, "#1f77b4"), ("robot", -0.10, "#ff7f0e"),
                                 ("past_cloud", -0.14, "#c7c7c7"), ("past_robot", -0.14, "#c7c7c7")]:
            ts = [value(r["t_s"]) for r in mine if r["executed"] == action]
            ax.plot(ts, [y] * len(ts), "|", color=color, transform=ax.get_xaxis_transform(), clip_on=False)
    axes[0, 0].set_title(f"{busiest}: query latency (green: answered by the deadline, red: late), price of each "
                         "query (purple), tokens left (grey); ticks: cloud / on-board / reuse", fontsize=8)
    axes[-1, 0].set_xlabel("simulated time (s)")
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_timeline")


def main(root):
    summary = read_csv(os.path.join(root, "summary.csv"))
    decisions = read_csv(os.path.join(root, "decisions.csv"))
    queries = read_csv(os.path.join(root, "queries.csv"))
    policies_figure(root, summary)
    timeline_figure(root, summary, decisions, queries)


if __name__ == "__main__":
    main(sys.argv[1])
