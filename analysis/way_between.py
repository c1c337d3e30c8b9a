#!/usr/bin/env python3
"""The way from the paper code's protocol to ours, one switch at a time, from a finished
`offloadsim sweep scenarios/paper_code_way_between.yaml` (its collected/summary.csv).

    python3 analysis/way_between.py SWEEP_DIR

Writes SWEEP_DIR/collected/way_between.md (the table of docs/mdp.md: after each cumulative switch,
each baseline's cost as a multiple of the reference's, by the metric in force) and
fig_way_between.png/.pdf beside it, and prints the table. Rows are the sweep's points in order;
each is labelled by what it changed from the row above.
"""
import csv
import io
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_io import save  # noqa: E402

POLICIES = [("random", "random"), ("all-robot", "all-robot"), ("all-cloud", "all-cloud"),
            ("robot-heuristic", "best threshold")]
QUIRK_LABELS = {
    "unlogged-final-step": "count the final step",
    "two-stage-steps": "one step per frame",
    "prefilled-stores": "empty stores at t = 0",
    "all-cloud-floor-period": "all-cloud every ⌈T/N⌉",
    "heuristic-lag": "heuristic on the current frame",
    "random-any-action": "random within budget",
    "stream-timing": "stream timing: intervals",
}
SWITCHES = ["eval.reference_policy", "eval.metric", "mdp.quirks_off", "stream.test_split",
            "eval.heuristic_mode", "eval.test_traces"]


def quirks(text):
    return [q.strip() for q in text.strip("[]").split(",") if q.strip()]


def label(prev, cur):
    if prev is None:
        return "paper code (all quirks)"
    parts = []
    for key in SWITCHES:
        if prev[key] == cur[key]:
            continue
        if key == "mdp.quirks_off":
            parts += [QUIRK_LABELS.get(q, q) for q in quirks(cur[key]) if q not in quirks(prev[key])]
        elif key == "eval.reference_policy":
            parts.append(f"reference: {cur[key]}")
        elif key == "eval.metric":
            parts.append("metric: mean episode reward" if cur[key] == "mean" else "metric: paper's")
        elif key == "stream.test_split":
            parts.append(f"{cur[key]} split")
        elif key == "eval.heuristic_mode":
            parts.append("best of percentile sweep" if cur[key] == "percentile" else "fixed threshold")
        else:
            parts.append(f"{cur[key]} traces")
    return "+ " + ", ".join(parts)


def measure(root):
    """Per point of the sweep, in order: its index, label, reference, metric, ratios, oracle gap."""
    with open(os.path.join(root, "collected", "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["budget_fraction"] == "all"]
    points = sorted({int(r["point"]) for r in rows})
    table = []
    prev = None
    for p in points:
        mine = [r for r in rows if int(r["point"]) == p]
        head = mine[0]
        ratios = {}
        for family, _ in POLICIES:
            best = [r for r in mine if r["family"] == family and r["best_in_family"] == "1"]
            ratios[family] = float(best[0]["cost_multiple"]) if best else float("nan")
        po = [r for r in mine if r["policy"] == "paper-oracle"]
        ex = [r for r in mine if r["policy"] == "oracle"]
        key = "reward_per_step_median" if head["metric"] == "paper" else "reward_mean"
        oracle_gap = float(ex[0][key]) / float(po[0][key]) if po and ex else float("nan")
        table.append((p, label(prev, head), head["reference_policy"], head["metric"], ratios, oracle_gap))
        prev = head
    return table


def render(table):
    """The markdown table of docs/mdp.md."""
    out = io.StringIO()
    out.write("| # | switch (cumulative) | reference | metric | " +
              " | ".join(name for _, name in POLICIES) + " | exact ÷ paper-oracle |\n")
    out.write("|---|---|---|---|" + "---|" * len(POLICIES) + "---|\n")
    for p, lab, ref, metric, ratios, gap in table:
        cells = " | ".join(f"{ratios[f]:.2f}" for f, _ in POLICIES)
        out.write(f"| {p} | {lab} | {ref} | {metric} | {cells} | {gap:.2f} |\n")
    return out.getvalue()


def main(root):
    table = measure(root)
    text = render(table)
    target = os.path.join(root, "collected", "way_between.md")
    with open(target + ".partial", "w") as f:
        f.write(text)
    os.replace(target + ".partial", target)
    print(text, end="")

    fig, ax = plt.subplots(figsize=(9, 4))
    xs = [t[0] for t in table]
    for family, name in POLICIES:
        ax.plot(xs, [t[4][family] for t in table], marker="o", label=name)
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([t[1] for t in table], rotation=35, ha="right", fontsize=7)
    ax.set_ylabel("cost ÷ reference's cost")
    ax.axvspan(-0.5, 0.5, color="0.9")
    ax.set_title("From the paper code's protocol (left) to ours (right), one switch at a time", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, os.path.join(root, "collected"), "fig_way_between")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
