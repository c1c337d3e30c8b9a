#!/usr/bin/env python3
"""analysis/grant_headroom.py on a hand-made run: the rate under which the grant falls below N, and
each policy's median measured delivery rate with the grant it would give without the cap."""
import contextlib
import io
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import grant_headroom  # noqa: E402


def main():
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "scenario.resolved.yaml"), "w") as f:
        f.write("camera:\n  fps: 30\nstream:\n  horizon: 40\nloop:\n  fps: 5  # frames per second\n  budget: 0.3\n"
                "  budget_share: 0.1\n")
    with open(os.path.join(root, "queries.csv"), "w") as f:
        f.write("policy,kind,bytes\nall-cloud,query,40000\nall-cloud,query,60000\nall-cloud,probe,64\n")
    with open(os.path.join(root, "decisions.csv"), "w") as f:
        f.write("policy,est_delivery_mbps\nall-cloud,1\nall-cloud,2\nall-cloud,4\nall-cloud,NA\nall-robot,\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        grant_headroom.main([root])
    lines = out.getvalue().strip().split("\n")
    # N = 12; 12 · 50000 B · 8 · 5 / (0.1 · 40) = 6 Mbps; at 2 Mbps: 0.1 · 2e6 / 8 · 8 s / 50000 B = 4 tokens
    assert lines[0].endswith("N = 12, share 0.1, T = 40, 5 frames/s, mean query 50000 B: the grant falls below N "
                             "under 6.00 Mbps"), lines
    assert lines[1] == ("  all-cloud: measured delivery rate median 2.00 Mbps, 10th percentile 1.00 (3 decisions); "
                        "uncapped grant at the median 4.0"), lines
    assert len(lines) == 2, lines  # all-robot measured no rate
    print("PASS: grant_headroom")


if __name__ == "__main__":
    main()
