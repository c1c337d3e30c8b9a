#!/usr/bin/env python3
"""analysis/threshold_correlation.py on a hand-made decisions.csv: a policy that queries exactly
when unsure has ρ = −0.89 here (ties: four frames), one that never queries "–"."""
import contextlib
import io
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import threshold_correlation  # noqa: E402


def main():
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "opencv"))
    with open(os.path.join(root, "opencv", "decisions.csv"), "w") as f:
        f.write("policy,action,robot_confidence\n")
        for conf in (0.2, 0.4, 0.6, 0.9):
            f.write(f"robot-heuristic-t0.5,{'cloud' if conf < 0.5 else 'robot'},{conf}\n")
            f.write(f"all-robot,robot,{conf}\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        threshold_correlation.main(root)
    assert out.getvalue() == "opencv: robot-heuristic-t0.5 -0.89, all-robot –\n", out.getvalue()
    print("PASS: threshold_correlation")


if __name__ == "__main__":
    main()
