#!/usr/bin/env python3
"""Figures of a closed-loop result, drawn from its CSVs alone.

    python3 analysis/plot_closed_loop.py RESULT_DIR [--condition TEXT] [--deadline-ms MS]
                                         [--background S,E ...]

offloadsim passes the run's condition (network, robots, background, seeds), its deadline and the
background flows' start and stop times; by hand, give them or go without.

fig_closed_loop_policies (from comparison.csv): per policy (all robots), over the run's seeds,
(a) the mean reward per frame with the measured price and with the paper's constant costs, (b) its
difference from the reference policy, paired by seed — the comparison to read —, (c) the share of
queries answered by the deadline, (d) the query latency's median and 95th percentile with the
deadline drawn. Bars are means over seeds, whiskers their 95% confidence intervals (Student's t;
none with one seed). A policy that never queried is marked "no queries", not drawn as 0.
fig_closed_loop_timeline_<policy>, one per policy, on the run's first seed: per robot, the latency
of every answered query over time (green: by the deadline, red: late) with the deadline, and the
price of each query on its own axis; below it the tokens left and every decision as a tick (cloud,
on-board, reuse); the background flows' start and stop as dotted lines.
"""
import argparse
import csv
import math
import os

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


def comparison(rows):
    """(policy, metric) -> the comparison.csv row, and the policies in order."""
    by = {(r["policy"], r["metric"]): r for r in rows}
    return by, list(dict.fromkeys(r["policy"] for r in rows))


def mean_and_error(row, mean, low, high):
    """A bar's height and its asymmetric error (zero where there is no interval)."""
    m, lo, hi = value(row[mean]), value(row[low]), value(row[high])
    if math.isnan(lo) or math.isnan(hi):
        return m, (0.0, 0.0)
    return m, (m - lo, hi - m)


def bars(ax, x, by, names, metric, color, offset=0.0, width=0.8, label=None, scale=1.0, missing=None):
    """Bars of `metric`'s mean over seeds with their CIs; a policy without a value is marked."""
    for i, n in zip(x, names):
        m, (lo, hi) = mean_and_error(by[(n, metric)], "mean", "ci95_low", "ci95_high")
        if math.isnan(m):
            if missing:
                mark_missing(ax, i, missing)
            continue
        ax.bar(i + offset, scale * m, width, yerr=[[scale * lo], [scale * hi]], capsize=2, color=color,
               label=label if i == x[0] or label is None else None)


def mark_missing(ax, i, text="no queries"):
    ax.text(i, 0.02, text, rotation=90, ha="center", va="bottom", fontsize=8, color="#555555",
            transform=ax.get_xaxis_transform())


def policies_figure(root, rows, args):
    by, names = comparison(rows)
    x = list(range(len(names)))
    seeds = max(int(by[(n, "reward_per_frame")]["seeds"]) for n in names)
    reference = by[(names[0], "reward_per_frame")]["reference"]
    whiskers = f"means over {seeds} seeds, 95% CI" if seeds > 1 else "one seed: no interval"
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.6))
    ax = axes[0, 0]
    for k, (metric, label, color) in enumerate([("reward_per_frame", "measured price", "#1f77b4"),
                                                ("reward_fixed_cost_per_frame", "paper's constant costs",
                                                 "#aaaaaa")]):
        bars(ax, x, by, names, metric, color, offset=(k - 0.5) * 0.38, width=0.38, label=label)
    ax.axhline(0, color="black", lw=0.6)
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.3 * (high - low), high)  # room for the key below the bars
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel(f"mean reward per frame\n({whiskers})")
    ax.set_title("(a) reward per frame", loc="left")
    ax.legend(loc="lower left")
    ax = axes[0, 1]
    for i, n in zip(x, names):
        if n == reference:
            ax.text(i, 0.5, "reference", rotation=90, ha="center", va="center", fontsize=8, color="#555555",
                    transform=ax.get_xaxis_transform())
            continue
        m, (lo, hi) = mean_and_error(by[(n, "reward_per_frame")], "difference", "difference_ci95_low",
                                     "difference_ci95_high")
        color = "#2ca02c" if m > 0 else "#d62728"
        ax.bar(i, m, 0.6, yerr=[[lo], [hi]], capsize=3, color=color)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel(f"reward per frame − {reference}'s\n(paired by seed; {whiskers})")
    ax.set_title(f"(b) difference from {reference}: above 0 is better", loc="left")
    ax = axes[1, 0]
    bars(ax, x, by, names, "on_time_share", "#2ca02c", width=0.6, scale=100, missing="no queries")
    for i, n in zip(x, names):  # the share written out: 0 % is a value, unlike "no queries"
        m = value(by[(n, "on_time_share")]["mean"])
        if not math.isnan(m):  # beside the bar's whisker; a share of 0 has neither, so over its own slot
            ax.text(i if m == 0 else i + 0.32, 100 * m + 1, f"{100 * m:.0f}%", ha="center" if m == 0 else "left",
                    va="bottom", fontsize=8)
    ax.set_xticks(x, names, rotation=30, ha="right")
    within = f"within {args.deadline_ms:g} ms" if args.deadline_ms else "by the deadline"
    ax.set_ylabel(f"queries answered {within} (%)")
    ax.set_ylim(0, 105)
    ax.set_title("(c) answers on time", loc="left")
    ax = axes[1, 1]
    bars(ax, x, by, names, "latency_p50_ms", "#ff7f0e", offset=-0.2, width=0.4, missing="no queries")
    bars(ax, x, by, names, "latency_p95_ms", "#d62728", offset=0.2, width=0.4)
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
    ax.set_title("(d) query latency", loc="left")
    for ax in axes.flat:  # every policy keeps its slot, drawn or not
        ax.set_xlim(-0.6, len(names) - 0.4)
    if args.condition:
        fig.suptitle(args.condition, fontsize=9)
    fig.tight_layout()
    save(fig, root, "fig_closed_loop_policies")


def file_stem(policy):
    return "fig_closed_loop_timeline_" + "".join(c if c.isalnum() or c in "-._" else "_" for c in policy)


def timeline_figure(root, policy, seed, decisions, queries, args):
    rows = [r for r in decisions if r["policy"] == policy and r["seed"] == seed]
    on_time = {(r["robot"], r["query_id"]): r["on_time"] == "1" for r in rows if r["query_id"] != ""}
    asked = [q for q in queries if q["policy"] == policy and q["seed"] == seed and q["kind"] == "query"
             and q["latency_ms"] != ""]
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
    fig.legend(key, labels, loc="upper center", ncol=4, bbox_to_anchor=(0.5, 0.0))  # below the axes
    condition = args.condition.split(" · ") if args.condition else []
    condition = " · ".join(c for c in condition if "seed" not in c)
    title = f"{policy}, seed {seed}" + (f"\n{condition}" if condition else "")
    fig.suptitle(title, fontsize=9)
    axes[-1, 0].set_xlabel("simulated time (s)")
    fig.tight_layout()
    save(fig, root, file_stem(policy))
    plt.close(fig)


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
    decisions = read_csv(os.path.join(args.root, "decisions.csv"))
    queries = read_csv(os.path.join(args.root, "queries.csv"))
    policies_figure(args.root, read_csv(os.path.join(args.root, "comparison.csv")), args)
    if decisions:
        first_seed = decisions[0]["seed"]
        for policy in dict.fromkeys(r["policy"] for r in decisions):
            timeline_figure(args.root, policy, first_seed, decisions, queries, args)


if __name__ == "__main__":
    main()
