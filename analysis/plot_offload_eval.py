#!/usr/bin/env python3
"""Figures of an offload-eval run, drawn from its CSVs alone.

    python3 analysis/plot_offload_eval.py RESULT_DIR

Reads RESULT_DIR/episodes.csv and RESULT_DIR/summary.csv and writes, each as PNG and PDF:
  fig_reward_boxplot  episode reward per policy, all test budgets pooled (paper Fig. 5)
  fig_loss_cost       mean loss term and cost term per policy with 95% error bars
                      (1.96 standard errors; paper Fig. 6)
The robot-heuristic sweep is represented by its best threshold (best_in_family in summary.csv),
as in the paper. Files are written under a temporary name and renamed when complete.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

FAMILY_ORDER = ["random", "all-robot", "all-cloud", "robot-heuristic", "rl", "oracle"]
COLORS = {"random": "#d62728", "all-robot": "#ff7f0e", "all-cloud": "#2ca02c",
          "robot-heuristic": "#9467bd", "rl": "#e6c619", "oracle": "#7f7f7f"}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def shown_policies(summary):
    """(policy, family) pairs to draw, in the paper's order, one per family."""
    chosen = {}
    for row in summary:
        if row["budget_fraction"] == "all" and row["best_in_family"] == "1":
            chosen.setdefault(row["family"], row["policy"])
    families = [f for f in FAMILY_ORDER if f in chosen] + sorted(set(chosen) - set(FAMILY_ORDER))
    return [(chosen[f], f) for f in families]


def label(policy, family):
    return f"{family}\n({policy.split('-')[-1]})" if family == "robot-heuristic" else policy


def main(out_dir):
    episodes = read_csv(os.path.join(out_dir, "episodes.csv"))
    summary = read_csv(os.path.join(out_dir, "summary.csv"))
    shown = shown_policies(summary)
    n_traces = len({e["trace"] for e in episodes})
    budgets = sorted({e["budget_fraction"] for e in episodes}, key=float)
    subtitle = f"{n_traces} test traces × budgets {{{', '.join(budgets)}}}"

    # Fig. 5: reward box plots.
    data = [[float(e["reward"]) for e in episodes if e["policy"] == p] for p, _ in shown]
    fig, ax = plt.subplots(figsize=(7, 4))
    box = ax.boxplot(data, patch_artist=True, showfliers=True, medianprops={"color": "black"})
    for patch, (_, fam) in zip(box["boxes"], shown):
        patch.set_facecolor(COLORS.get(fam, "#1f77b4"))
    ax.set_xticks(range(1, len(shown) + 1), [label(p, f) for p, f in shown])
    ax.set_ylabel("episode reward (higher is better)")
    ax.set_title(f"Episode reward per policy\n{subtitle}", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    save(fig, out_dir, "fig_reward_boxplot")

    # Fig. 6: mean loss and cost terms with 95% error bars.
    rows = {r["policy"]: r for r in summary if r["budget_fraction"] == "all"}
    x = range(len(shown))
    width = 0.38
    fig, ax = plt.subplots(figsize=(7, 4))
    loss = [float(rows[p]["loss_term_mean"]) for p, _ in shown]
    loss_err = [1.96 * float(rows[p]["loss_term_se"]) for p, _ in shown]
    cost = [float(rows[p]["cost_term_mean"]) for p, _ in shown]
    cost_err = [1.96 * float(rows[p]["cost_term_se"]) for p, _ in shown]
    ax.bar([i - width / 2 for i in x], loss, width, yerr=loss_err, capsize=3, label="loss term α·ΣL", color="#4c72b0")
    ax.bar([i + width / 2 for i in x], cost, width, yerr=cost_err, capsize=3, label="cost term β·Σcost", color="#dd8452")
    ax.set_xticks(list(x), [label(p, f) for p, f in shown])
    ax.set_ylabel("mean per episode (lower is better)")
    ax.set_title(f"Reward terms per policy, 95% error bars\n{subtitle}", fontsize=10)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    save(fig, out_dir, "fig_loss_cost")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
