#!/usr/bin/env python3
"""Two groups of RL policies (each trained with several seeds) against each other, pooled over the
congestion study's halves: the value of seeing the network, or of where a policy was trained.

    python3 analysis/rl_groups_pooled.py SWEEP_DIR [SWEEP_DIR ...] [--groups A B] [--figure PATH]

Reads each SWEEP_DIR/collected/loop_rl_groups.csv (analysis/loop_sweep.py; sweeps whose saved
policies come in groups of training seeds, as scenarios/congestion_study_small_training_seeds.yaml,
played on the same conditions and evaluation seeds) and, for their two groups (or, when there are
more, the two named), prints, for the congested half of the grid (≥ 4 robots or ≥ 50 % background,
the issue's definition) and the rest: each policy's mean cost over the half's conditions (one sample per
training seed), the ratio of the two groups' means, and Welch's t with its degrees of freedom and
two-sided p-value. With --figure, it also draws every group's (or the two named groups') pooled
cost per half into PATH.png and PATH.pdf: one dot per training seed, the mean with its 95% CI over
training seeds; with more than two groups and none named, it only draws.
"""
import csv
import math
import os
import sys
from collections import defaultdict

import scipy.stats

from loop_sweep import take_one, take_two


def congested(row):
    return float(row.get("robots.count", 1)) >= 4 or float(row.get("background.capacity_share", 0)) >= 0.5


GROUP_COLUMNS = ("group", "policies", "cost_mean", "cost_ci95_over_training", "per_policy")
HALVES = (("congested (>= 4 robots or >= 50 % load)", congested), ("the rest", lambda r: not congested(r)))


def condition(row):
    return tuple(sorted((k, v) for k, v in row.items() if k not in GROUP_COLUMNS))


def read_groups(roots):
    """The rows of every root's loop_rl_groups.csv; a group on one condition twice is refused."""
    rows, seen = [], {}
    for root in roots:
        with open(os.path.join(root, "collected", "loop_rl_groups.csv"), newline="") as f:
            for r in csv.DictReader(f):
                key = (r["group"], condition(r))
                if key in seen:
                    sys.exit(f"rl_groups_pooled: group {r['group']} has the same condition in {seen[key]} and {root}")
                seen[key] = root
                rows.append(r)
    return rows


def pooled(rows, groups):
    """[(half, number of conditions, {group: each policy's mean cost over the half's conditions})]
    for the halves the groups were played in; the groups must share the half's conditions."""
    out = []
    for half, keep in HALVES:
        sums, covered = defaultdict(list), defaultdict(set)
        for r in rows:
            if r["group"] not in groups or not keep(r):
                continue
            covered[r["group"]].add(condition(r))
            per = [float(x) for x in r["per_policy"].split()]
            if not sums[r["group"]]:
                sums[r["group"]] = [0.0] * len(per)
            sums[r["group"]] = [s + x for s, x in zip(sums[r["group"]], per)]
        if not covered:
            continue
        for g in groups:
            if covered[g] != covered[groups[0]]:
                sys.exit(f"rl_groups_pooled: {groups[0]} and {g} were not played on the same conditions of "
                         f"{half.split(' (')[0]} ({len(covered[groups[0]])} and {len(covered[g])})")
        n = len(covered[groups[0]])
        out.append((half, n, {g: [x / n for x in sums[g]] for g in groups}))
    return out


def figure(halves, groups, path):
    """Each group's pooled cost per half: one dot per training seed, the mean with its 95% CI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from figure_io import save
    from loop_sweep import RL_COLORS, mean_ci

    fig, axes = plt.subplots(1, len(halves), figsize=(1.2 + 0.9 * len(groups) * len(halves), 3.2), squeeze=False)
    for ax, (half, n, means) in zip(axes[0], halves):
        for i, g in enumerate(groups):
            m, h = mean_ci(means[g])
            color = RL_COLORS[i % len(RL_COLORS)]
            ax.errorbar([i], [m], yerr=[0 if math.isnan(h) else h], fmt="_", ms=18, capsize=4, color=color)
            ax.plot([i] * len(means[g]), means[g], "o", ms=4, color=color, alpha=0.7)
        ax.set_xlim(-0.5, len(groups) - 0.5)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([g.removeprefix("rl-") for g in groups], rotation=30, ha="right", fontsize=7)
        ax.set_title(f"{half.split(' (')[0]} ({n} conditions)", fontsize=9)
        ax.set_ylim(bottom=0)
    axes[0][0].set_ylabel("cost per frame (−reward)\none dot per training seed")
    fig.tight_layout()
    save(fig, os.path.dirname(os.path.abspath(path)), os.path.basename(path))


def main(roots, chosen=None, figure_path=None):
    rows = read_groups(roots)
    groups = list(dict.fromkeys(r["group"] for r in rows))
    if chosen:
        missing = [g for g in chosen if g not in groups]
        if missing:
            sys.exit(f"rl_groups_pooled: no group {', '.join(missing)} in the sweep (it has {', '.join(groups)})")
    if figure_path:
        drawn = list(chosen or groups)
        figure(pooled(rows, drawn), drawn, figure_path)
        print(f"figure: {figure_path}.png, .pdf ({', '.join(drawn)})")
        if not chosen and len(groups) != 2:
            return
    if not chosen and len(groups) != 2:
        sys.exit(f"rl_groups_pooled: expected two groups of policies, found {groups}: name the two with --groups")
    groups = list(chosen or groups)
    for half, n, means in pooled(rows, groups):
        stats = {}
        for g in groups:
            xs = means[g]
            m = sum(xs) / len(xs)
            stats[g] = (m, sum((x - m) ** 2 for x in xs) / (len(xs) - 1), len(xs))
        (ma, va, na), (mb, vb, nb) = stats[groups[0]], stats[groups[1]]
        se2 = va / na + vb / nb  # Welch's t and its Welch–Satterthwaite degrees of freedom
        t = (mb - ma) / math.sqrt(se2)
        df = se2 ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
        print(f"{half}: {n} conditions")
        for g in groups:
            print(f"  {g}: mean cost per training seed {', '.join(f'{x:.3f}' for x in means[g])}; "
                  f"mean {stats[g][0]:.3f}")
        print(f"  {groups[0]} / {groups[1]}: {ma / mb:.3f}; Welch t = {t:.2f}, {df:.1f} degrees of freedom, "
              f"two-sided p = {2 * scipy.stats.t.sf(abs(t), df):.3f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    chosen = take_two(args, "--groups", "group names, A B")
    figure_path = take_one(args, "--figure", "a path without extension (PATH.png and PATH.pdf)")
    if not args:
        sys.exit(__doc__)
    main(args, chosen, figure_path)
