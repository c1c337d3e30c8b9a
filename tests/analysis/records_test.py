#!/usr/bin/env python3
"""analysis/records.py on a hand-made tree: a run saved as a record (and a run from a modified tree
refused), a doc table generated from it, the check passing, then failing on a hand-edited number
and on a record that is not there; a sweep saved with the provenance composed from its points'."""
import contextlib
import csv
import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import records  # noqa: E402


def run_dir(revision):
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "provenance.json"), "w") as f:
        json.dump({"kind": "closed-loop", "git_revision": revision, "wall_seconds": 90,
                   "command_line": ["/tmp/x", "run", "scenarios/a.yaml"]}, f)
    with open(os.path.join(root, "comparison.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["policy", "metric", "seeds", "mean", "ci95_low", "ci95_high", "reference", "pairs", "difference",
                    "difference_ci95_low", "difference_ci95_high"])
        for metric in ["reward_per_frame", "reward_fixed_cost_per_frame", "accuracy", "queries_per_s",
                       "on_time_share", "latency_p50_ms", "latency_p95_ms", "price_mean", "tokens_granted_mean"]:
            w.writerow(["all-robot", metric, 2, -5.0, -5.5, -4.5, "all-robot", 2, 0, 0, 0])
    for name in ("summary.csv", "scenario.resolved.yaml"):
        open(os.path.join(root, name), "w").close()
    return root


def run(*args):
    """records.main's output, or the message it exits with."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            records.main(list(args))
    except SystemExit as e:
        return f"{out.getvalue()}exit: {e}"
    return out.getvalue()


def main():
    tree = tempfile.mkdtemp()
    os.makedirs(os.path.join(tree, "docs"))
    doc = os.path.join(tree, "docs", "x.md")
    with open(doc, "w") as f:
        f.write("# x\n\n<!-- generated: closed_loop_table r -->\nstale\n<!-- end generated -->\n\ntail\n")

    assert "not a commit" in run("--root", tree, "save", run_dir("abc123-dirty"), "r")
    assert "saved" in run("--root", tree, "save", run_dir("abc123"), "r")
    assert sorted(os.listdir(os.path.join(tree, "docs", "records", "r"))) == \
        ["comparison.csv", "provenance.json", "scenario.resolved.yaml", "summary.csv"]
    assert "abc123, 1.5 min" in run("--root", tree, "list")

    assert "differ from their records" in run("--root", tree, "tables", "--check")  # "stale"
    assert "docs/x.md:3: closed_loop_table r: rewritten" in run("--root", tree, "tables")
    text = open(doc).read()
    assert "| all-robot | −5.00 ± 0.50 | (reference) |" in text and text.endswith("\n\ntail\n"), text
    assert "every generated table matches" in run("--root", tree, "tables", "--check")

    with open(doc, "w") as f:
        f.write(text.replace("−5.00 ± 0.50", "−4.00 ± 0.50"))  # a hand-edited number
    out = run("--root", tree, "tables", "--check")
    assert "docs/x.md:3: closed_loop_table r: differs from its record(s)" in out and "exit: " in out, out

    with open(doc, "w") as f:
        f.write(text.replace("closed_loop_table r", "closed_loop_table gone"))
    assert "docs/x.md:3: no record gone" in run("--root", tree, "tables", "--check")

    # timing_table: medians on an exact line (cloud = 100 + 1000·MP, robot = 10 + 400·MP) are fitted exactly.
    timing = tempfile.mkdtemp()
    with open(os.path.join(timing, "timing_sizes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["width", "height", "megapixels", "frames", "robot_ms_p50", "robot_ms_p90", "cloud_ms_p50",
                    "cloud_ms_p90"])
        for width, height in ((640, 360), (1280, 720)):
            mp = width * height / 1e6
            w.writerow([width, height, mp, 10, 10 + 400 * mp, 20 + 400 * mp, 100 + 1000 * mp, 200 + 1000 * mp])
    text = records.timing_table(timing)
    assert "| 640×360 | 0.230 | 102.2 / 112.2 ms | 330.4 / 430.4 ms |" in text, text
    assert "cloud ≈ 100 + 1000·MP ms (R² 1.000); robot ≈ 10 + 400·MP ms (R² 1.000)" in text, text

    # live_table: all robots only, live beside simulated, a metric the simulation lacks as "–".
    live = tempfile.mkdtemp()
    with open(os.path.join(live, "comparison.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["policy", "robot", "metric", "live", "sim", "difference"])
        for metric, value in (("latency_p50_ms", 1161.2), ("latency_p95_ms", 2223), ("on_time_share", 0.241),
                              ("queries_per_s", 0.5), ("reward_per_frame", -8.39), ("accuracy", 0.405)):
            w.writerow(["all-cloud", "all", metric, value, "NA" if metric == "accuracy" else value * 2, 0])
            w.writerow(["all-cloud", "robot1", metric, 99, 99, 0])
    text = records.live_table(live)
    assert "| all-cloud | latency p50 / p95 | 1161 / 2223 ms | 2322 / 4446 ms |" in text, text
    assert "|  | on-time share | 24.1 % | 48.2 % |" in text and "|  | accuracy | 0.405 | – |" in text, text
    assert "99" not in text, text

    # hardware_table: ratios summed over segments with their bootstrap intervals; the best threshold
    # is the cheapest that queries (reproduction_report_test's hand-made part).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import reproduction_report_test  # noqa: E402
    hardware = os.path.join(reproduction_report_test.part(True, True), "hardware")
    text = records.hardware_table(hardware)
    assert "| opencv (6 test segments) | 1.68 [" in text, text  # all-robot: 126 / 75
    assert "(robot-heuristic-t0.6)" in text and "t0.2" not in text and "| – / – / – |" in text, text
    assert "| the paper (§V-B) | 1.6 | 1.35 | 1.1–1.5 | 0.82 | – | −0.517 |" in text, text
    # A sweep: its provenance composed from its points', refused when they ran different revisions.
    def sweep_dir(revisions):
        root = tempfile.mkdtemp()
        points = []
        for i, revision in enumerate(revisions):
            os.makedirs(os.path.join(root, f"p{i}"))
            with open(os.path.join(root, f"p{i}", "provenance.json"), "w") as f:
                json.dump({"git_revision": revision, "start_time_utc": f"2026-12-08T02:0{i}:00Z",
                           "end_time_utc": f"2026-12-08T02:0{i}:30Z", "host": "h"}, f)
            points.append({"id": f"p{i}"})
        with open(os.path.join(root, "sweep.json"), "w") as f:
            json.dump({"sweep": "s", "sweep_file": os.path.join(records.ROOT, "scenarios", "s.yaml"),
                       "points": points}, f)
        os.makedirs(os.path.join(root, "collected"))
        for name in ("points.csv", os.path.join("collected", "summary.csv")):
            open(os.path.join(root, name), "w").close()
        return root

    assert "ran at revisions abc123, def456" in run("--root", tree, "save", sweep_dir(["abc123", "def456"]), "s")
    assert "saved" in run("--root", tree, "save", sweep_dir(["abc123", "abc123", "abc123"]), "s")
    made = json.load(open(os.path.join(tree, "docs", "records", "s", "provenance.json")))
    assert made["command_line"] == ["offloadsim", "sweep", "scenarios/s.yaml"] and made["points"] == 3, made
    assert made["wall_seconds"] == 150 and made["git_revision"] == "abc123", made  # 02:00:00 to 02:02:30
    # lidar_seeds: per band and condition the shares' range and median over seeds (an even count: the
    # middle two averaged); the sender is not a column.
    seeds = tempfile.mkdtemp()
    os.makedirs(os.path.join(seeds, "collected"))
    with open(os.path.join(seeds, "sweep.json"), "w") as f:
        json.dump({"keys": ["network.wifi.band"], "points": []}, f)
    with open(os.path.join(seeds, "collected", "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["point", "seed", "network.wifi.band", "condition", "flow", "receiver_share_pct"])
        for i, (seed, share) in enumerate(((1, 70.0), (2, 80.0), (3, 75.0), (4, 90.0))):
            w.writerow([i, seed, "5GHz", "sender", "lidar1", 100.0])
            w.writerow([i, seed, "5GHz", "one_receiver", "lidar1", share])
    text = records.lidar_seeds(seeds)
    assert "| 5GHz | 70.0–90.0% (77.5) | 1–4 |" in text and "sender" not in text, text
    print("PASS: records")


if __name__ == "__main__":
    main()
