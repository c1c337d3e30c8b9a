#!/usr/bin/env python3
"""Training curve of an rl-train run, drawn from its training.csv alone.

    python3 analysis/plot_training.py RESULT_DIR

Writes RESULT_DIR/fig_training.{png,pdf}: mean episode reward per round (and a moving average)
against environment steps, the policy entropy, and the policy and value losses.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402


def moving_average(values, width):
    out, acc = [], 0.0
    for i, v in enumerate(values):
        acc += v
        if i >= width:
            acc -= values[i - width]
        out.append(acc / min(i + 1, width))
    return out


def main(out_dir):
    with open(os.path.join(out_dir, "training.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{out_dir}/training.csv has no rows")
    steps = [int(r["env_steps"]) / 1e6 for r in rows]
    reward = [float(r["mean_episode_reward"]) for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    ax = axes[0]
    ax.plot(steps, reward, color="#bbbbbb", lw=0.8, label="per round")
    ax.plot(steps, moving_average(reward, 20), color="#1f77b4", lw=1.8, label="moving average (20 rounds)")
    ax.set_xlabel("environment steps (millions)")
    ax.set_ylabel("mean episode reward")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax = axes[1]
    ax.plot(steps, [float(r["entropy"]) for r in rows], color="#2ca02c")
    ax.set_xlabel("environment steps (millions)")
    ax.set_ylabel("policy entropy (nats)")
    ax.grid(alpha=0.3)
    ax = axes[2]
    ax.plot(steps, [float(r["policy_loss"]) for r in rows], label="policy loss", color="#d62728")
    ax.plot(steps, [float(r["value_loss"]) for r in rows], label="value loss", color="#9467bd")
    ax.set_xlabel("environment steps (millions)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle("A2C training of the offloading policy", fontsize=11)
    fig.tight_layout()
    save(fig, out_dir, "fig_training")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
