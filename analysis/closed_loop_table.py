#!/usr/bin/env python3
"""The markdown table docs/loop.md shows for a closed-loop result, from its comparison.csv alone.

    python3 analysis/closed_loop_table.py RESULT_DIR

One row per policy: reward per frame with the measured price (mean over seeds ± half its 95 %
confidence interval), its difference from the reference policy paired by seed (± the same), the
paper's constant-cost reward, accuracy, queries per second per robot, the share of queries answered
by the deadline, latency p50 / p95, mean price and mean grant: each a mean over seeds.
"""
import csv
import math
import os
import sys


def value(x):
    return float("nan") if x in ("", "NA") else float(x)


def render(root):
    """The table and its footnote as markdown text."""
    with open(os.path.join(root, "comparison.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    by = {(r["policy"], r["metric"]): r for r in rows}
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    reference = rows[0]["reference"]
    seeds = max(int(by[(p, "reward_per_frame")]["seeds"]) for p in policies)

    def mean(p, metric, fmt="{:.3f}", scale=1.0):
        m = value(by[(p, metric)]["mean"])
        return "–" if math.isnan(m) else fmt.format(scale * m)

    def plus_minus(p, metric, mean_col, low_col, high_col, signed=False):
        r = by[(p, metric)]
        m, lo, hi = value(r[mean_col]), value(r[low_col]), value(r[high_col])
        text = ("{:+.2f}" if signed else "{:.2f}").format(m).replace("-", "−")
        return text if math.isnan(hi) else f"{text} ± {(hi - lo) / 2:.2f}"

    lines = [f"| policy | reward/frame | Δ vs {reference} | fixed-cost | accuracy | queries/s | on time "
             "| p50 / p95 ms | price | grant |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for p in policies:
        delta = "(reference)" if p == reference else plus_minus(
            p, "reward_per_frame", "difference", "difference_ci95_low", "difference_ci95_high", signed=True)
        latency = "–" if mean(p, "latency_p50_ms") == "–" else \
            f"{mean(p, 'latency_p50_ms', '{:.0f}')} / {mean(p, 'latency_p95_ms', '{:.0f}')}"
        lines.append(f"| {p} | {plus_minus(p, 'reward_per_frame', 'mean', 'ci95_low', 'ci95_high')} | {delta} "
              f"| {mean(p, 'reward_fixed_cost_per_frame', '{:.2f}').replace('-', '−')} | {mean(p, 'accuracy')} "
              f"| {mean(p, 'queries_per_s', '{:.2f}')} | {mean(p, 'on_time_share', '{:.1f}%', 100)} | {latency} "
              f"| {mean(p, 'price_mean', '{:.2f}')} | {mean(p, 'tokens_granted_mean', '{:.1f}')} |")
    lines += ["", f"Means over {seeds} seeds; ± half the 95 % confidence interval over seeds (Student's t); "
              "Δ paired by seed."]
    return "\n".join(lines) + "\n"


def main(root):
    print(render(root), end="")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    main(sys.argv[1])
