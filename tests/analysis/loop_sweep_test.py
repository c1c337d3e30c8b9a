#!/usr/bin/env python3
"""analysis/loop_sweep.py on a hand-made collected sweep: the best heuristic, the cost ratios'
means and 95% CIs over seeds (paired by seed), the figures."""
import csv
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import contextlib  # noqa: E402
import io  # noqa: E402

import loop_sweep  # noqa: E402
import rl_groups_pooled  # noqa: E402

COSTS = {  # policy -> cost per seed 1, 2, 3 (at one robot; n robots multiply them by n)
    "all-robot": [3.0, 3.0, 3.0],
    "all-cloud": [2.0, 2.2, 1.8],
    "rl-network": [1.0, 1.21, 0.9],
    "rl-paper_state": [2.0, 2.2, 1.8],
}


def main():
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "collected"))
    with open(os.path.join(root, "sweep.json"), "w") as f:
        json.dump({"sweep": "t", "keys": ["network.type", "robots.count", "background.flows"]}, f)
    header = ["point", "id", "replication", "seed", "network.type", "robots.count", "background.flows",
              "policy", "robot", "reward_per_frame", "latency_p50_ms", "price_mean"]
    rows = [header]
    for robots in (1, 4, 8):
        for seed in (1, 2, 3):
            for policy, costs in COSTS.items():
                for robot in ("robot1", "all"):
                    # background.flows is fixed by robots.count here (not the other way): not a
                    # condition field
                    rows.append([0, "x", seed - 1, seed, "wifi", robots, min(robots // 4, 1), policy, robot,
                                 -costs[seed - 1] * robots, 50, 1.5])
    with open(os.path.join(root, "collected", "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows(rows)
    loop_sweep.main(root)
    with open(os.path.join(root, "collected", "loop_costs.csv"), newline="") as f:
        table = list(csv.DictReader(f))
    assert "background.flows" not in table[0], table[0].keys()
    assert "robots.count" in table[0], table[0].keys()
    assert len(table) == 12, len(table)
    rl = [r for r in table if r["policy"] == "rl-network"]
    for r in rl:
        assert r["best_heuristic"] == "all-cloud", r
        ratios = [0.5, 0.55, 0.5]
        mean = sum(ratios) / 3
        half = 4.303 * math.sqrt(sum((x - mean) ** 2 for x in ratios) / 2) / math.sqrt(3)
        assert abs(float(r["ratio_to_best_heuristic"]) - mean) < 1e-3, r
        assert abs(float(r["ratio_ci_low"]) - (mean - half)) < 1e-3, r
        assert abs(float(r["ratio_ci_high"]) - (mean + half)) < 1e-3, r
        assert abs(float(r["ratio_to_other_rl"]) - mean) < 1e-3, r  # rl-paper_state costs what all-cloud does
        assert int(r["seeds"]) == 3
    costs = {(r["robots.count"], r["policy"]): float(r["cost_mean"]) for r in table}
    assert abs(costs[("4", "all-robot")] - 12.0) < 1e-6, costs
    assert table[0]["ratio_to_best_heuristic"] == "", table[0]  # heuristics have no ratio
    assert not os.path.exists(os.path.join(root, "collected", "loop_rl_groups.csv"))  # no groups here
    for stem in ("fig_loop_cost_vs_robots_count", "fig_loop_network_vs_robots_count"):
        assert os.path.exists(os.path.join(root, "collected", stem + ".png")), stem
    actions()
    styles()
    groups_of_training_seeds()
    take_two_option()
    print("ok")


def actions():
    """loop_actions.csv: shares of executed actions, accuracy, query size and queueing fraction per
    condition and policy, pooled over seeds and robots."""
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "collected"))
    with open(os.path.join(root, "sweep.json"), "w") as f:
        json.dump({"sweep": "a", "keys": ["robots.count"]}, f)
    with open(os.path.join(root, "collected", "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["seed", "robots.count", "policy", "robot", "reward_per_frame", "latency_p50_ms",
                                  "price_mean"], [1, 1, "p", "all", -1, 50, 1]])
    header = ["seed", "robots.count", "policy", "robot", "action", "executed", "bytes", "correct",
              "est_queue_ms", "est_base_rtt_ms"]
    rows = [header,
            # a query asked for and run (κ = 30 / (10 + 30) = 0.75), one asked for but run on board
            # (the in-flight limit: still a query asked for, κ = 0), a reuse and an on-board run
            [1, 1, "p", "robot1", "cloud", "cloud", 1000, 1, 30, 10],
            [1, 1, "p", "robot1", "cloud", "robot", 3000, 0, 0, 10],
            [2, 1, "p", "robot1", "past_cloud", "past_cloud", 0, 1, 10, 10],
            [2, 1, "p", "robot2", "robot", "robot", 0, 0, "", ""],
            [1, 4, "p", "robot1", "robot", "robot", 0, 1, 0, 0]]
    with open(os.path.join(root, "collected", "decisions.csv"), "w", newline="") as f:
        csv.writer(f).writerows(rows)
    loop_sweep.main(root)
    with open(os.path.join(root, "collected", "loop_actions.csv"), newline="") as f:
        table = {r["robots.count"]: r for r in csv.DictReader(f)}
    one = table["1"]
    assert int(one["frames"]) == 4, one
    assert (one["share_robot"], one["share_cloud"], one["share_past_robot"], one["share_past_cloud"]) == \
        ("0.5000", "0.2500", "0.0000", "0.2500"), one
    assert one["accuracy"] == "0.5000", one
    assert one["query_bytes_mean"] == "2000", one
    assert one["queue_fraction"] == f"{(0.75 + 0 + 0.5 + 0) / 4:.4f}", one
    assert one["queue_fraction_at_queries"] == f"{0.75 / 2:.4f}", one
    assert table["4"]["query_bytes_mean"] == "" and table["4"]["queue_fraction_at_queries"] == "", table["4"]


def styles():
    """Six saved policies of two training-seed groups: one colour per group, no (colour, marker)
    pair twice; ungrouped policies get a colour each."""
    saved = ["rl-network", "rl-network_302", "rl-network_303", "rl-paper_state", "rl-paper_state_302",
             "rl-paper_state_303"]
    st = loop_sweep.saved_styles(saved)
    assert len(set(st.values())) == 6, st
    assert len({st[p][0] for p in saved[:3]}) == 1 and len({st[p][0] for p in saved[3:]}) == 1, st
    assert st["rl-network"][0] != st["rl-paper_state"][0], st
    alone = loop_sweep.saved_styles(["rl-a", "rl-b"])
    assert alone["rl-a"][0] != alone["rl-b"][0], alone


def pooling_refused(roots, chosen=None):
    """rl_groups_pooled's message when it refuses; fails the test when it does not."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            rl_groups_pooled.main(roots, chosen)
    except SystemExit as e:
        return str(e)
    raise AssertionError(f"rl_groups_pooled accepted {roots} {chosen}")


def take_two_option():
    args = ["dir", "--groups", "a", "b", "x"]
    assert loop_sweep.take_two(args, "--groups", "names") == ["a", "b"] and args == ["dir", "x"], args
    assert loop_sweep.take_two(["dir"], "--groups", "names") is None
    try:
        loop_sweep.take_two(["dir", "--groups", "a"], "--groups", "group names")
        raise AssertionError("one name was taken for two")
    except SystemExit as e:
        assert str(e).endswith(": --groups takes two group names"), e


def groups_of_training_seeds():
    """Policies rl-a_1, rl-a_2 (and rl-b_1, rl-b_2): one group each, CI over the two policies."""
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "collected"))
    with open(os.path.join(root, "sweep.json"), "w") as f:
        json.dump({"sweep": "g", "keys": ["robots.count"]}, f)
    rows = [["point", "id", "replication", "seed", "robots.count", "policy", "robot", "reward_per_frame",
             "latency_p50_ms", "price_mean"]]
    costs = {"all-cloud": [5, 5], "rl-a_1": [1, 3], "rl-a_2": [3, 5], "rl-b_1": [2, 2], "rl-b_2": [2, 2],
             "rl-c_1": [4, 4], "rl-c_2": [4, 6]}
    for robots in (1, 2):
        for seed in (1, 2):
            for policy, c in costs.items():
                rows.append([0, "x", seed - 1, seed, robots, policy, "all", -c[seed - 1], 50, 1])
    with open(os.path.join(root, "collected", "summary.csv"), "w", newline="") as f:
        csv.writer(f).writerows(rows)
    loop_sweep.main(root)
    with open(os.path.join(root, "collected", "loop_rl_groups.csv"), newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 6, table
    a = [r for r in table if r["group"] == "rl-a"][0]
    # per-policy means 2 and 4: mean 3, half-width t(1) · sd √2 / √2 = 12.706
    assert int(a["policies"]) == 2 and abs(float(a["cost_mean"]) - 3) < 1e-9, a
    assert abs(float(a["cost_ci95_over_training"]) - 12.706) < 1e-3, a
    assert a["per_policy"] == "2.000 4.000", a
    # Three groups: the two to compare must be named, and must exist.
    assert "name the two" in pooling_refused([root])
    assert "no group rl-z" in pooling_refused([root], ["rl-a", "rl-z"])
    # With a figure and three groups, none named: it draws all three and compares none.
    drawn = io.StringIO()
    with contextlib.redirect_stdout(drawn):
        rl_groups_pooled.main([root], None, os.path.join(root, "pooled"))
    assert "(rl-a, rl-b, rl-c)" in drawn.getvalue() and "Welch" not in drawn.getvalue(), drawn.getvalue()
    for ext in ("png", "pdf"):
        assert os.path.getsize(os.path.join(root, "pooled." + ext)) > 1000, ext
    # Pooled over the conditions (none congested: 1 and 2 robots): rl-a's policies 2 and 4, rl-b's 2 and 2.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rl_groups_pooled.main([root], ["rl-a", "rl-b"])
    assert "the rest: 2 conditions" in out.getvalue(), out.getvalue()
    assert "rl-c" not in out.getvalue(), out.getvalue()
    assert "congested" not in out.getvalue().split("\n")[0], out.getvalue()
    # Two sweeps on the same conditions: rl-b from one, rl-a from the other gives the same answer;
    # a group on the same condition in both, or groups on different conditions, are refused.
    other = tempfile.mkdtemp()
    os.makedirs(os.path.join(other, "collected"))
    with open(os.path.join(root, "collected", "loop_rl_groups.csv"), newline="") as f:
        table = list(csv.reader(f))
    for where, keep in ((root, "rl-a"), (other, "rl-b")):
        with open(os.path.join(where, "collected", "loop_rl_groups.csv"), "w", newline="") as f:
            csv.writer(f).writerows([table[0]] + [r for r in table[1:] if r[1] == keep])
    split = io.StringIO()
    with contextlib.redirect_stdout(split):
        rl_groups_pooled.main([root, other])
    assert split.getvalue() == out.getvalue(), (split.getvalue(), out.getvalue())
    assert "has the same condition" in pooling_refused([root, root])
    with open(os.path.join(other, "collected", "loop_rl_groups.csv"), "w", newline="") as f:
        csv.writer(f).writerows([table[0]] + [r for r in table[1:] if r[1] == "rl-b" and r[0] == "1"])
    assert "not played on the same conditions" in pooling_refused([root, other])
    # t = −1 with one degree of freedom (Cauchy): P(|T| ≥ 1) = 1/2 exactly
    assert "rl-a / rl-b: 1.500; Welch t = -1.00, 1.0 degrees of freedom, two-sided p = 0.500" in out.getvalue(), \
        out.getvalue()


if __name__ == "__main__":
    main()
