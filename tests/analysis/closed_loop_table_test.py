#!/usr/bin/env python3
"""analysis/closed_loop_table.py on a hand-made comparison.csv: the reference row, a paired
difference with its interval, a policy that never queried ("–", not 0), one seed (no interval)."""
import contextlib
import csv
import io
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import closed_loop_table  # noqa: E402

METRICS = ["reward_per_frame", "reward_fixed_cost_per_frame", "accuracy", "queries_per_s", "on_time_share",
           "latency_p50_ms", "latency_p95_ms", "price_mean", "tokens_granted_mean"]


def table(values, seeds):
    """values: policy -> (metric -> (mean, half, difference, difference half))."""
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "comparison.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["policy", "metric", "seeds", "mean", "ci95_low", "ci95_high", "reference", "pairs", "difference",
                    "difference_ci95_low", "difference_ci95_high"])
        for policy, metrics in values.items():
            for metric in METRICS:
                m, h, d, dh = metrics.get(metric, ("NA", "NA", "NA", "NA"))
                cell = lambda x, s=0: "NA" if "NA" in (x, h if s else x) else x + s * h  # noqa: E731
                w.writerow([policy, metric, seeds, m, cell(m, -1), cell(m, 1), "all-robot", seeds, d,
                            "NA" if dh == "NA" else d - dh, "NA" if dh == "NA" else d + dh])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        closed_loop_table.main(root)
    return out.getvalue()


def main():
    text = table({"all-robot": {"reward_per_frame": (-5.0, 0.5, 0.0, 0.0)},
                  "rl": {"reward_per_frame": (-4.0, 1.0, 1.0, 0.8), "on_time_share": (0.163, 0.05, 0, 0),
                         "latency_p50_ms": (1266.0, 10.0, 0, 0), "latency_p95_ms": (3033.0, 10.0, 0, 0)}}, 5)
    assert "| policy | reward/frame | Δ vs all-robot |" in text, text
    assert "| all-robot | −5.00 ± 0.50 | (reference) |" in text, text
    assert "| rl | −4.00 ± 1.00 | +1.00 ± 0.80 |" in text, text
    assert "| 16.3% | 1266 / 3033 |" in text, text
    assert "| all-robot | −5.00 ± 0.50 | (reference) | – | – | – | – | – |" in text, text  # never queried: no 0s
    assert "Means over 5 seeds" in text, text
    one = table({"all-robot": {"reward_per_frame": (-5.0, "NA", 0.0, "NA")},
                 "rl": {"reward_per_frame": (-4.0, "NA", 1.0, "NA")}}, 1)
    assert "| rl | −4.00 | +1.00 |" in one, one  # one seed: no interval
    print("PASS: closed_loop_table")


if __name__ == "__main__":
    main()
