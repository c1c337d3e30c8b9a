#!/usr/bin/env python3
"""analysis/paired_difference.py on a hand-made collected sweep: differences paired by seed, their
mean and 95% CI, and the refusals (a field of three values, a sweep that varies more)."""
import contextlib
import csv
import io
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import paired_difference  # noqa: E402


def sweep(rows):
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "collected"))
    with open(os.path.join(root, "collected", "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["seed", "background.flows", "policy", "robot", "reward_per_frame"]] + rows)
    return root


def refused(root, field):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            paired_difference.main(root, field, ["reward_per_frame"])
    except SystemExit as e:
        return str(e)
    return None


def main():
    # seed 1: −7 → −8 (−1); seed 2: −6 → −6.5 (−0.5); seed 3: −5 → −5.3 (−0.3); a robot's own row is ignored
    rows = [[1, 0, "all-cloud", "all", -7], [1, 1, "all-cloud", "all", -8], [1, 1, "all-cloud", "robot1", 99],
            [2, 1, "all-cloud", "all", -6.5], [2, 0, "all-cloud", "all", -6],
            [3, 0, "all-cloud", "all", -5], [3, 1, "all-cloud", "all", -5.3]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        paired_difference.main(sweep(rows), "background.flows", ["reward_per_frame"])
    d = [-1.0, -0.5, -0.3]
    m = sum(d) / 3
    h = 4.302652729911275 * math.sqrt(sum((x - m) ** 2 for x in d) / 2) / math.sqrt(3)
    want = (f"all-cloud: reward_per_frame at background.flows = 1 minus 0: {m:+.4f} [{m - h:+.4f}, {m + h:+.4f}] "
            "over 3 seeds (1: -1.0000, 2: -0.5000, 3: -0.3000)")
    assert out.getvalue().strip() == want, (out.getvalue(), want)
    three = refused(sweep(rows + [[1, 2, "all-cloud", "all", -9]]), "background.flows")
    assert three and "takes 3 values" in three, three
    twice = refused(sweep(rows + [[1, 0, "all-cloud", "all", -9]]), "background.flows")
    assert twice and "varies more than background.flows" in twice, twice
    assert "no rows" in refused(sweep(rows), "robots.count")

    # --policies: congestion-aware minus all-cloud at each value of the field, paired by seed; a seed
    # missing one policy is left out.
    rows += [[1, 0, "congestion-aware", "all", -6], [1, 1, "congestion-aware", "all", -6.5],
             [2, 0, "congestion-aware", "all", -6], [2, 1, "congestion-aware", "all", -6],
             [3, 1, "congestion-aware", "all", -5]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        paired_difference.main(sweep(rows), "background.flows", ["reward_per_frame"],
                               ["all-cloud", "congestion-aware"])
    lines = out.getvalue().strip().split("\n")
    h2 = 12.706204736174705 * math.sqrt(0.5) / math.sqrt(2)  # d = [1, 0]: sd √0.5, t(1) = 12.7062
    assert lines[0] == ("background.flows = 0: reward_per_frame of congestion-aware minus all-cloud: "
                        f"+0.5000 [{0.5 - h2:+.4f}, {0.5 + h2:+.4f}] over 2 seeds (1: +1.0000, 2: +0.0000)"), lines
    d = [1.5, 0.5, 0.3]
    m = sum(d) / 3
    h = 4.302652729911275 * math.sqrt(sum((x - m) ** 2 for x in d) / 2) / math.sqrt(3)
    assert lines[1] == (f"background.flows = 1: reward_per_frame of congestion-aware minus all-cloud: "
                        f"{m:+.4f} [{m - h:+.4f}, {m + h:+.4f}] over 3 seeds (1: +1.5000, 2: +0.5000, 3: +0.3000)"), lines
    assert len(lines) == 2, lines
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            paired_difference.main(sweep(rows), "background.flows", ["reward_per_frame"], ["all-cloud", "rl"])
        assert False, "an unknown policy was accepted"
    except SystemExit as e:
        assert "no policy rl" in str(e), e

    # --runs: run B minus run A per policy over the seeds both have; how each run was made first.
    def run(summary, overrides):
        root = tempfile.mkdtemp()
        with open(os.path.join(root, "summary.csv"), "w", newline="") as f:
            csv.writer(f).writerows([["policy", "seed", "robot", "price_mean"]] + summary)
        with open(os.path.join(root, "provenance.json"), "w") as f:
            f.write('{"command_line": ["/tmp/o", "run", "scenarios/x.yaml"%s], "git_revision": "abc"}' % overrides)
        return root
    loaded = run([["all-cloud", 7, "all", 8.0], ["all-cloud", 8, "all", 7.0], ["all-cloud", 9, "all", 9.5],
                  ["all-cloud", 7, "robot1", 99]], "")
    idle = run([["all-cloud", 7, "all", 5.0], ["all-cloud", 8, "all", 5.5], ["all-robot", 7, "all", 1]],
               ', "--set", "background.flows=0"')
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        paired_difference.compare_runs(loaded, idle, ["price_mean"])
    lines = out.getvalue().strip().split("\n")
    assert lines[0] == f"A: {loaded}: offloadsim run scenarios/x.yaml (revision abc)", lines
    assert lines[1] == f"B: {idle}: offloadsim run scenarios/x.yaml --set background.flows=0 (revision abc)", lines
    d = [-3.0, -1.5]  # seed 9 ran only in A; all-robot only in B
    h2 = 12.706204736174705 * math.sqrt(sum((x + 2.25) ** 2 for x in d)) / math.sqrt(2)
    assert lines[2] == (f"all-cloud: price_mean of B minus A: -2.2500 [{-2.25 - h2:+.4f}, {-2.25 + h2:+.4f}] "
                        "over 2 seeds (7: -3.0000, 8: -1.5000)"), lines
    assert len(lines) == 3, lines
    figure = os.path.join(tempfile.mkdtemp(), "pair")
    paired_difference.draw_runs(loaded, idle, figure)
    assert os.path.getsize(figure + ".png") > 0 and os.path.getsize(figure + ".pdf") > 0
    try:
        paired_difference.compare_runs(loaded, tempfile.mkdtemp(), ["price_mean"])
        assert False, "a directory without summary.csv was accepted"
    except SystemExit as e:
        assert "summary.csv: no such file" in str(e), e
    print("ok")


if __name__ == "__main__":
    main()
