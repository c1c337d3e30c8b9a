#!/usr/bin/env python3
"""Figure of a hardware-experiment run (paper Fig. 7 analogue), drawn from its CSVs alone.

    python3 analysis/plot_hardware.py RESULT_DIR

For each source sub-directory (opencv/, paper/) with a decisions.csv, takes the RL policy's
decisions on the first test trace at the middle test budget and draws, per frame, the robot
model's confidence (line) and which prediction RL used (marker colour: cloud, robot, or a cached
one), with the frames the robot model gets wrong shaded. Writes RESULT_DIR/fig_decisions.png/.pdf.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

COLORS = {"cloud": "#2ca02c", "robot": "#ff7f0e", "past_robot": "#9a9a9a", "past_cloud": "#5a5a5a"}
LABELS = {"cloud": "query the cloud", "robot": "run the robot model", "past_robot": "cached robot prediction",
          "past_cloud": "cached cloud prediction"}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main(root):
    sources = [s for s in ("opencv", "paper") if os.path.exists(os.path.join(root, s, "decisions.csv"))]
    if not sources:
        sys.exit(f"plot_hardware: no decisions.csv under {root}")
    fig, axes = plt.subplots(len(sources), 1, figsize=(8, 2.6 * len(sources)), squeeze=False)
    for ax, source in zip(axes[:, 0], sources):
        rows = [r for r in read_csv(os.path.join(root, source, "decisions.csv")) if r["family"] == "rl"]
        budgets = sorted({r["budget_fraction"] for r in rows}, key=float)
        budget = budgets[len(budgets) // 2]
        trace = next(r["trace"] for r in rows if r["budget_fraction"] == budget)
        episode = [r for r in rows if r["trace"] == trace and r["budget_fraction"] == budget]
        robot = {(t["trace"], int(t["frame"])): t for t in read_csv(os.path.join(root, source, "test_traces.csv"))}
        xs = [int(r["frame"]) for r in episode]
        conf = [float(r["robot_confidence"]) for r in episode]
        for x in xs:
            t = robot[(trace, x)]
            if t["robot_prediction"] != t["true_label"]:
                ax.axvspan(x - 0.5, x + 0.5, color="#d62728", alpha=0.12, linewidth=0)
        ax.plot(xs, conf, color="#444444", linewidth=1, label="robot confidence")
        for action in ("cloud", "robot", "past_robot", "past_cloud"):
            pts = [(int(r["frame"]), float(r["robot_confidence"])) for r in episode if r["action"] == action]
            if pts:
                ax.scatter(*zip(*pts), s=22, color=COLORS[action], label=LABELS[action], zorder=3)
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel("robot confidence")
        ax.set_title(f"{source} traces: RL on test trace {trace}, budget {budget} (red: robot model wrong)",
                     fontsize=9)
        ax.legend(fontsize=7, loc="lower right", ncol=3)
    axes[-1, 0].set_xlabel("frame of the episode")
    save(fig, root, "fig_decisions")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
