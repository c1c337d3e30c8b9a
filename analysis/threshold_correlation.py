#!/usr/bin/env python3
"""How much each policy's cloud queries follow the robot's confidence in a real-video run.

    python3 analysis/threshold_correlation.py RESULT_DIR

For every source of a hardware-experiment result (RESULT_DIR/<source>/decisions.csv) and every
policy, Spearman's ρ between querying the cloud (1/0) and the robot's confidence over every test
frame and budget ("–" for a policy whose queries do not vary: it never or always queries). The
threshold heuristics follow the confidence by construction; the yardstick for RL is the exact
oracle's (docs/perception.md).
"""
import csv
import os
import sys
from collections import defaultdict

import scipy.stats


def main(root):
    for source in sorted(os.listdir(root)):
        path = os.path.join(root, source, "decisions.csv")
        if not os.path.isfile(path):
            continue
        queries, confidence = defaultdict(list), defaultdict(list)
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                queries[r["policy"]].append(1.0 if r["action"] == "cloud" else 0.0)
                confidence[r["policy"]].append(float(r["robot_confidence"]))
        cells = []
        for policy in queries:
            varies = len(set(queries[policy])) > 1
            rho = scipy.stats.spearmanr(queries[policy], confidence[policy]).correlation if varies else None
            cells.append(f"{policy} {'–' if rho is None else f'{rho:+.2f}'}")
        print(f"{source}: " + ", ".join(cells))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    main(sys.argv[1])
