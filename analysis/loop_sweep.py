#!/usr/bin/env python3
"""The cost table and figures of a collected closed-loop sweep (the congestion study), drawn from
its CSVs alone.

    python3 analysis/loop_sweep.py SWEEP_DIR

Reads SWEEP_DIR/sweep.json and SWEEP_DIR/collected/summary.csv (`offloadsim collect`), keeps the
rows of all robots together (robot "all"), and takes a policy's cost as −reward per frame. A
condition is one combination of the swept fields (a field fixed by another, as background.flows by
background.capacity_share in a zip, is left out); its replications are the seeds.

Writes SWEEP_DIR/collected/:
- loop_costs.csv: per condition and policy the mean cost over seeds with its 95% confidence
  interval (Student's t over seeds), the queries' median latency and the mean price the robots
  saw, and for every saved (rl…) policy its cost over the best heuristic's: the heuristic (any
  policy not rl…) with the lowest mean cost in that condition, and the ratio's mean and 95% CI over
  seeds, paired by seed (the same robots, streams and network). With two saved policies, the
  first's cost over the second's likewise (ratio_to_other_rl).
- loop_rl_groups.csv, when saved policies come in groups of training seeds (rl-network_301,
  rl-network_302, …: the name up to a final _<digits>): per condition and group the cost over all
  the group's policies and seeds, with its 95% CI over training seeds (each policy's mean over
  the evaluation seeds is one sample), and each policy's mean.
- loop_actions.csv, when collected/decisions.csv is there: what each policy did, per condition,
  pooled over seeds and robots — the share of frames of each executed action (robot, cloud,
  past_robot, past_cloud), its accuracy, the mean query size, and the queueing fraction
  κ = queue / (base RTT + queue) its robots' estimators read, over all frames and at the frames
  they queried: whether a policy's gain comes from what it spends, from when it queries (the
  network it sees) or from which frames it answers from which store.
- fig_loop_cost_vs_<field>.png/.pdf for every numeric swept field: cost against it per policy with
  95% CIs, one panel per value of the other fields.
- fig_loop_network_vs_<field>.png/.pdf: the median query latency and mean price each policy's
  robots saw, likewise (means over seeds).

The best heuristic is chosen on the same seeds it is compared on: that favours the heuristics, so
a ratio below 1 is a conservative claim for RL.
"""
import csv
import itertools
import json
import math
import os
import sys
from collections import defaultdict

import matplotlib
import scipy.stats

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

COLORS = {"all-robot": "#ff7f0e", "all-cloud": "#2ca02c", "robot-heuristic": "#9467bd",
          "congestion-aware": "#8c564b", "random": "#d62728"}
RL_COLORS = ["#e6c619", "#1f77b4", "#17becf", "#7f7f7f"]


def t95(df):
    """The two-sided 95% quantile of Student's t with df degrees of freedom (nan without any), as
    base::ci95_half_width computes it in C++ (Boost.Math)."""
    return float(scipy.stats.t.ppf(0.975, df)) if df > 0 else float("nan")


def mean_ci(values):
    """Mean and the half-width of its 95% CI (nan with one value)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return mean, t95(n - 1) * sd / math.sqrt(n)


def take_two(args, flag, what):
    """Removes `flag A B` from the command-line list args and returns [A, B] (None without flag);
    exits naming what the two are when they are missing."""
    if flag not in args:
        return None
    at = args.index(flag)
    if len(args) < at + 3:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {flag} takes two {what}")
    pair = args[at + 1:at + 3]
    del args[at:at + 3]
    return pair


def take_one(args, flag, what):
    """Removes `flag X` from the command-line list args and returns X (None without flag); exits
    naming what X is when it is missing."""
    if flag not in args:
        return None
    at = args.index(flag)
    if len(args) < at + 2:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {flag} takes {what}")
    value = args[at + 1]
    del args[at:at + 2]
    return value


def as_number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def family(policy):
    """all-robot, robot-heuristic (of robot-heuristic-q50), …, or rl."""
    return next((f for f in list(COLORS) + ["rl"] if policy.startswith(f)), policy)


def condition_keys(rows, keys):
    """The swept fields that define a condition: those not fixed by another one (of two that fix
    each other, as background.flows [0, 1] zipped with background.capacity_share [0, 0.5], the
    later in the sweep file), in the sweep file's order."""
    keys = [k for k in keys if k != "seed"]

    def fixes(j, k):  # the value of j fixes the value of k
        mapping = {}
        return all(mapping.setdefault(r[j], r[k]) == r[k] for r in rows)

    return [k for i, k in enumerate(keys)
            if not any(j != k and fixes(j, k) and (not fixes(k, j) or keys.index(j) > i) for j in keys)]


def fmt(x, digits=4):
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


ACTIONS = ("robot", "cloud", "past_robot", "past_cloud")
RL_MARKERS = ["o", "s", "^", "D", "v", "P"]


def training_groups(saved):
    """Saved policies grouped by training seed: rl-network, rl-network_302, rl-network_303 (the
    name up to a final _<digits>) form the group rl-network."""
    groups = defaultdict(list)
    for p in saved:
        stem, _, tail = p.rpartition("_")
        groups[stem if stem and tail.isdigit() else p].append(p)
    return groups


def has_training_groups(groups):
    """Whether any group of training_groups holds more than one policy."""
    return any(len(members) > 1 for members in groups.values())


def saved_styles(saved):
    """(colour, marker) of each saved policy in the figures: one colour per policy, or, when they
    come in groups of training seeds, one colour per group and one marker per member — never the
    same pair twice (beyond 4 groups of 6, the palette repeats)."""
    groups = training_groups(saved)
    if not has_training_groups(groups):
        return {p: (RL_COLORS[i % len(RL_COLORS)], "o") for i, p in enumerate(saved)}
    return {p: (RL_COLORS[g % len(RL_COLORS)], RL_MARKERS[m % len(RL_MARKERS)])
            for g, members in enumerate(groups.values()) for m, p in enumerate(members)}


def write_actions(root, keys):
    """collected/loop_actions.csv from collected/decisions.csv (streamed: it can be large)."""
    path = os.path.join(root, "collected", "decisions.csv")
    if not os.path.exists(path):
        return
    sums = {}  # (condition, policy) -> running sums
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (tuple(r[k] for k in keys), r["policy"])
            a = sums.setdefault(key, defaultdict(float))
            a["frames"] += 1
            a[r["executed"]] += 1
            a["correct"] += float(r["correct"])
            queue, base = as_number(r["est_queue_ms"]) or 0.0, as_number(r["est_base_rtt_ms"]) or 0.0
            kappa = queue / (base + queue) if base + queue > 0 else 0.0
            a["kappa"] += kappa
            if r["action"] == "cloud":
                a["queries"] += 1
                a["kappa_queried"] += kappa
                a["bytes"] += as_number(r["bytes"]) or 0.0
    lines = [keys + ["policy", "frames"] + [f"share_{x}" for x in ACTIONS] +
             ["accuracy", "query_bytes_mean", "queue_fraction", "queue_fraction_at_queries"]]
    for (cond, p), a in sums.items():
        n, q = a["frames"], a["queries"]
        lines.append(list(cond) + [p, int(n)] + [fmt(a[x] / n) for x in ACTIONS] +
                     [fmt(a["correct"] / n), fmt(a["bytes"] / q, 0) if q else "", fmt(a["kappa"] / n),
                      fmt(a["kappa_queried"] / q) if q else ""])
    with open(os.path.join(root, "collected", "loop_actions.csv"), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(lines)


def main(root):
    with open(os.path.join(root, "sweep.json")) as f:
        manifest = json.load(f)
    out_dir = os.path.join(root, "collected")
    with open(os.path.join(out_dir, "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("robot") == "all"]
    if not rows:
        print("loop_sweep: no rows of all robots in summary.csv; no table or figure", file=sys.stderr)
        return
    keys = condition_keys(rows, manifest["keys"])
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    saved = [p for p in policies if p.startswith("rl")]
    cost = defaultdict(dict)  # (condition, policy) -> seed -> cost
    latency = defaultdict(list)
    price = defaultdict(list)
    for r in rows:
        cond = tuple(r[k] for k in keys)
        reward = as_number(r["reward_per_frame"])
        if reward is None:
            continue
        cost[(cond, r["policy"])][r["seed"]] = -reward
        for table, column in ((latency, "latency_p50_ms"), (price, "price_mean")):
            value = as_number(r[column])
            if value is not None:
                table[(cond, r["policy"])].append(value)
    conditions = list(dict.fromkeys(tuple(r[k] for k in keys) for r in rows))

    def ratio(cond, a, b):
        """Mean and 95% CI of cost(a)/cost(b) over the seeds both have."""
        ca, cb = cost.get((cond, a), {}), cost.get((cond, b), {})
        ratios = [ca[s] / cb[s] for s in ca if s in cb and cb[s] > 0]
        if not ratios:
            return None, None, None
        m, h = mean_ci(ratios)
        return m, m - h, m + h

    header = keys + ["policy", "seeds", "cost_mean", "cost_ci95", "latency_p50_ms_mean", "price_mean",
                     "best_heuristic", "ratio_to_best_heuristic", "ratio_ci_low", "ratio_ci_high",
                     "ratio_to_other_rl", "other_rl_ci_low", "other_rl_ci_high"]
    lines = [header]
    for cond in conditions:
        heuristics = [p for p in policies if not p.startswith("rl") and cost.get((cond, p))]
        best = min(heuristics, key=lambda p: mean_ci(list(cost[(cond, p)].values()))[0]) if heuristics else None
        for p in policies:
            seeds = cost.get((cond, p))
            if not seeds:
                continue
            m, h = mean_ci(list(seeds.values()))
            lat = latency.get((cond, p))
            pr = price.get((cond, p))
            row = list(cond) + [p, len(seeds), fmt(m), fmt(h), fmt(sum(lat) / len(lat), 1) if lat else "",
                                fmt(sum(pr) / len(pr), 3) if pr else ""]
            if p.startswith("rl") and best:
                r, lo, hi = ratio(cond, p, best)
                row += [best, fmt(r, 3), fmt(lo, 3), fmt(hi, 3)]
            else:
                row += ["", "", "", ""]
            if p.startswith("rl") and len(saved) == 2:
                r, lo, hi = ratio(cond, p, saved[1] if p == saved[0] else saved[0])
                row += [fmt(r, 3), fmt(lo, 3), fmt(hi, 3)]
            else:
                row += ["", "", ""]
            lines.append(row)
    with open(os.path.join(out_dir, "loop_costs.csv"), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(lines)

    # Saved policies of several training seeds (rl-network_301, rl-network_302, …): per group, the
    # cost over all its policies and seeds, with the 95% CI over training seeds (each policy's
    # mean over the evaluation seeds is one sample): what one training run's luck is worth.
    groups = training_groups(saved)
    if has_training_groups(groups):
        group_lines = [keys + ["group", "policies", "cost_mean", "cost_ci95_over_training", "per_policy"]]
        for cond in conditions:
            for g, members in groups.items():
                per = [mean_ci(list(cost[(cond, p)].values()))[0] for p in members if cost.get((cond, p))]
                if not per:
                    continue
                m, h = mean_ci(per)
                group_lines.append(list(cond) + [g, len(per), fmt(m), fmt(h), " ".join(fmt(x, 3) for x in per)])
        with open(os.path.join(out_dir, "loop_rl_groups.csv"), "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(group_lines)

    write_actions(root, keys)

    styles = saved_styles(saved)

    def color(p):
        return styles[p][0] if p in saved else COLORS.get(family(p))

    def marker(p):
        return styles[p][1] if p in saved else "o"

    numeric = [k for k in keys if all(as_number(r[k]) is not None for r in rows)
               and len({r[k] for r in rows}) > 1]
    for key in numeric:
        others = [k for k in keys if k != key]
        panels = list(dict.fromkeys(tuple(c[keys.index(k)] for k in others) for c in conditions))
        xs = sorted({c[keys.index(key)] for c in conditions}, key=float)
        ncols = min(len(panels), max(2, math.ceil(math.sqrt(len(panels)))))
        nrows = math.ceil(len(panels) / ncols)
        for what in ("cost", "network"):
            metrics = [("cost (−reward per frame)", None)] if what == "cost" else \
                [("query latency p50 (ms)", latency), ("mean price", price)]
            fig, axes = plt.subplots(nrows * len(metrics), ncols, squeeze=False,
                                     figsize=(3.3 * ncols, 2.6 * nrows * len(metrics)))
            for i, panel in enumerate(panels):
                for m_i, (label, table) in enumerate(metrics):
                    ax = axes[(i // ncols) * len(metrics) + m_i][i % ncols]
                    for p in policies:
                        px, py, pe = [], [], []
                        for x in xs:
                            cond = tuple(x if k == key else panel[others.index(k)] for k in keys)
                            if table is None:
                                values = list(cost.get((cond, p), {}).values())
                            else:
                                values = table.get((cond, p), [])
                            if not values:
                                continue
                            m, h = mean_ci(values)
                            px.append(float(x))
                            py.append(m)
                            pe.append(0 if math.isnan(h) or table is not None else h)
                        if px:
                            ax.errorbar(px, py, yerr=pe, marker=marker(p), ms=3, capsize=2, label=p, color=color(p),
                                        linestyle="--" if p in saved else "-")
                    ax.set_xticks([float(x) for x in xs])
                    ax.set_title(", ".join(f"{k}={v}" for k, v in zip(others, panel)), fontsize=7)
                    ax.set_xlabel(key, fontsize=7)
                    ax.set_ylabel(label, fontsize=7)
                    ax.tick_params(labelsize=6)
                    ax.grid(alpha=0.3)
            for j in range(len(panels), nrows * ncols):
                for m_i in range(len(metrics)):
                    axes[(j // ncols) * len(metrics) + m_i][j % ncols].axis("off")
            handles, labels = axes[0][0].get_legend_handles_labels()
            fig.legend(handles, labels, fontsize=7, loc="lower center", ncol=min(len(labels), 6))
            detail = "mean over seeds with 95% CI" if what == "cost" else "mean over seeds"
            fig.suptitle(f"{manifest['sweep']}: {detail}", fontsize=9)
            fig.tight_layout(rect=(0, 0.07, 1, 0.96))
            save(fig, out_dir, f"fig_loop_{what}_vs_{key.replace('.', '_')}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
