#!/usr/bin/env python3
"""Figures of a closed-loop result, drawn from its CSVs alone.

    python3 analysis/plot_closed_loop.py RESULT_DIR [--condition TEXT] [--deadline-ms MS]
                                         [--background S,E ...]

offloadsim passes the run's condition (network, robots, background, seed), its deadline and the
background flows' start and stop times; by hand, give them or go without.

fig_closed_loop_policies: per policy (all robots), the mean reward per frame with the measured price
and with the paper's constant costs (bars, each with ±1.96 standard errors over episodes), the share
of queries answered by the deadline, and the query latency's median and 95th percentile with the
deadline drawn. A policy that never queried is marked "no queries", not drawn as 0.
fig_closed_loop_timeline: per robot, for the policy that queried most, the latency of every answered
query over time (green: by the deadline, red: late) with the deadline, the price of each query; below
it the tokens left and every decision as a tick (cloud, on-board, reuse); the background flows'
start and stop as dotted lines.
"""
import argparse
import csv
import math
import os
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from figure_io import save  # noqa: E402

plt.rcParams.update({"font.size": 9, "legend.fontsize": 9, "axes.titlesize": 10})
DECISIONS = [("cloud", "cloud", "#1f77b4"), ("robot", "on-board", "#ff7f0e"),
             ("past_cloud", "reuse", "#8c8c8c"), ("past_robot", "reuse", "#8c8c8c")]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def value(x):
    return float("nan") if x in ("", "NA") else float(x)


def per_frame_ci(decisions, policy, column):
    """The mean per frame of `column` and 1.96 standard errors of the episodes' mean per frame."""
    episodes = defaultdict(list)
    for r in decisions:
        if r["policy"] == policy:
            episodes[(r["robot"], r["episode"])].append(value(r[column]))
    means = [sum(v) / len(v) for v in episodes.values() if v]
    if not means:
        return float("nan"), 0.0
    m = sum(means) / len(means)
    if len(means) < 2:
        return m, 0.0
    sd = math.sqrt(sum((x - m) ** 2 for x in means) / (len(means) - 1))
    return m, 1.96 * sd / math.sqrt(len(means))


def mark_missing(ax, i, text="no queries"):
    ax.text(i, 0.02, text, rotation=90, ha="center", va="bottom", fontsize=8, color="#555555",
            transform=ax.get_xaxis_transform())


def policies_figure(root, summary, decisions, args):
    overall = [r for r in summary if r["robot"] == "all"]
    names = [r["policy"] for r in overall]
    x = list(range(len(names)))
    fig, axes = plt.subplots(1, 3, figsize=(12.5, 4.2))
    ax = axes[0]
    width = 0.38
    for k, (key, label, color) in enumerate([("reward", "measured price", "#1f77b4"),
                                             ("reward_fixed_cost", "paper's constant costs", "#aaaaaa")]):
        stats = [per_frame_ci(decisions, n, key) for n in names]
        ax.bar([i + (k - 0.5) * width for i in x], [s[0] for s in stats], width, yerr=[s[1] for s in stats],
               capsize=2, label=label, color=color)
    ax.axhline(0, color="black", lw=0.6)
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.3 * (high - low), high)  # room for the key below the bars
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel("mean reward per frame\n(±1.96 SE over episodes)")
    ax.legend(loc="lower left")
    ax = axes[1]
    for i, r in zip(x, overall):
        share = value(r["on_time_share"])
        if math.isnan(share):
            mark_missing(ax, i)
            continue
        ax.bar(i, 100 * share, color="#2ca02c")
        ax.text(i, 100 * share + 1, f"{100 * share:.0f}%", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, names, rotation=30, ha="right")
    within = f"within {args.deadline_ms:g} ms" if args.deadline_ms else "by the deadline"
    ax.set_ylabel(f"queries answered {within} (%)")
    ax.set_ylim(0, 110)
    ax = axes[2]
    for i, r in zip(x, overall):
        p50, p95 = value(r["latency_p50_ms"]), value(r["latency_p95_ms"])
        if math.isnan(p50):
            mark_missing(ax, i)
            continue
        ax.bar(i - 0.2, p50, 0.4, color="#ff7f0e")
        ax.bar(i + 0.2, p95, 0.4, color="#d62728")
    handles = [plt.Rectangle((0, 0), 1, 1, color="#ff7f0e"), plt.Rectangle((0, 0), 1, 1, color="#d62728")]
    labels = ["median", "95th percentile"]
    if args.deadline_ms:
        ax.axhline(args.deadline_ms, color="black", ls="--", lw=1)
        handles.append(Line2D([], [], color="black", ls="--", lw=1))
        labels.append("deadline")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel("query latency (ms)")
    ax.set_ylim(bottom=0)
    ax.legend(handles, labels, loc="upper left")
    if args.condition:
        fig.suptitle(args.condition, fontsize=9)
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_policies")


def timeline_figure(root, summary, decisions, queries, args):
    overall = [r for r in summary if r["robot"] == "all"]
    busiest = max(overall, key=lambda r: int(r["cloud_queries"]))["policy"]
    rows = [r for r in decisions if r["policy"] == busiest]
    on_time = {(r["robot"], r["query_id"]): r["on_time"] == "1" for r in rows if r["query_id"] != ""}
    asked = [q for q in queries if q["policy"] == busiest and q["kind"] == "query" and q["latency_ms"] != ""]
    robots = list(dict.fromkeys(r["robot"] for r in rows))
    fig, axes = plt.subplots(2 * len(robots), 1, figsize=(10, 2.9 * len(robots)), sharex=True, squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1] * len(robots)})
    for k, robot in enumerate(robots):
        ax, below = axes[2 * k, 0], axes[2 * k + 1, 0]
        mine = [r for r in rows if r["robot"] == robot]
        sent = [q for q in asked if q["robot"] == robot]
        ax.scatter([value(q["sent_s"]) for q in sent], [value(q["latency_ms"]) for q in sent], s=7,
                   c=["#2ca02c" if on_time.get((robot, q["query_id"]), False) else "#d62728" for q in sent])
        if args.deadline_ms:
            ax.axhline(args.deadline_ms, color="black", ls="--", lw=0.8)
        ax.set_ylabel(f"{robot}\nlatency (ms)")
        ax.set_ylim(bottom=0)
        twin = ax.twinx()
        t = [value(r["t_s"]) for r in mine]
        twin.plot(t, [value(r["price"]) if r["executed"] == "cloud" else float("nan") for r in mine], "o", ms=2.5,
                  color="#9467bd")
        twin.set_ylabel("price of a query", color="#9467bd")
        twin.set_ylim(bottom=0)
        below.step(t, [value(r["tokens"]) for r in mine], where="post", color="#444444", lw=0.9)
        below.set_ylabel("tokens left")
        below.set_ylim(bottom=-0.35 * max(1.0, max((value(r["tokens"]) for r in mine), default=1.0)))
        floor = below.get_ylim()[0]
        for action, _, color in DECISIONS:
            ts = [value(r["t_s"]) for r in mine if r["executed"] == action]
            level = {"cloud": 0.75, "robot": 0.45}.get(action, 0.15)
            below.plot(ts, [floor * level] * len(ts), "|", ms=5, color=color)
        for ax_ in (ax, below):
            for start, stop in args.background:
                for edge in (start, stop):
                    ax_.axvline(edge, color="#17becf", ls=":", lw=1.2)
    key = [Line2D([], [], marker="o", ls="", color="#2ca02c", ms=4), Line2D([], [], marker="o", ls="", color="#d62728",
                                                                            ms=4),
           Line2D([], [], marker="o", ls="", color="#9467bd", ms=4)]
    labels = ["answered by the deadline", "late", "price"]
    if args.deadline_ms:
        key.append(Line2D([], [], color="black", ls="--", lw=0.8))
        labels.append(f"deadline ({args.deadline_ms:g} ms)")
    key += [Line2D([], [], color="#444444", lw=0.9)] + [Line2D([], [], marker="|", ls="", ms=7, color=c)
                                                        for _, _, c in DECISIONS[:3]]
    labels += ["tokens left", "decision: cloud", "decision: on-board", "decision: reuse"]
    if args.background:
        key.append(Line2D([], [], color="#17becf", ls=":", lw=1.2))
        labels.append("background flow start / stop")
    fig.legend(key, labels, loc="lower center", ncol=4, bbox_to_anchor=(0.5, 0.0))
    title = f"{busiest} (the policy that queried most)"
    fig.suptitle(title + (f"\n{args.condition}" if args.condition else ""), fontsize=9)
    axes[-1, 0].set_xlabel("simulated time (s)")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    save(fig, root, "fig_closed_loop_timeline")


def background(text):
    start, stop = (float(v) for v in text.split(","))
    return start, stop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root")
    parser.add_argument("--condition", default="")
    parser.add_argument("--deadline-ms", type=float, default=0.0)
    parser.add_argument("--background", type=background, action="append", default=[],
                        help="START,STOP of a background flow, seconds (repeatable)")
    args = parser.parse_args()
    summary = read_csv(os.path.join(args.root, "summary.csv"))
    decisions = read_csv(os.path.join(args.root, "decisions.csv"))
    queries = read_csv(os.path.join(args.root, "queries.csv"))
    policies_figure(args.root, summary, decisions, args)
    timeline_figure(args.root, summary, decisions, queries, args)


if __name__ == "__main__":
    main()
