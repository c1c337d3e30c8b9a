#!/usr/bin/env python3
"""REPORT.md and report.html of `offloadsim reproduce`: every number of the paper that offloadsim
reproduces beside ours, from the parts' CSVs alone.

    python3 analysis/reproduction_report.py RESULT_DIR      (default results/reproduction)

Status of each number (docs/reproduction.md):
  within tolerance       ours within 10% of the published value (of the published range's ends)
  explained difference   outside it, for a reason measured in the same run (cited in the row) and
                         explained in the linked doc
  not reproduced         outside it, and nothing measured explains it away
  no published value     ours only (the paper gives no number: a yardstick such as the exact oracle)
  not run                its part has not run (yet)
Totals count the statuses alone. The real-video ratios carry 95% percentile bootstrap intervals
over the test segments (resampled with every budget's episode, paired, a fixed seed).
"""
import csv
import html
import math
import os
import sys

import numpy as np
import scipy.stats

import way_between

TOLERANCE = 0.10
PAPER_CODE_DOC = "docs/mdp.md#the-papers-code-mdpvariant-paper-code"
WAY_DOC = "docs/mdp.md#from-the-papers-code-to-our-protocol"


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def within(ours, lo, hi=None):
    hi = lo if hi is None else hi
    return not math.isnan(ours) and (1 - TOLERANCE) * lo <= ours <= (1 + TOLERANCE) * hi


def status(ours, lo, hi=None, on_miss="explained difference"):
    if math.isnan(ours):
        return "not run"
    return "within tolerance" if within(ours, lo, hi) else on_miss


def shown(x, fmt="{:.2f}"):
    return "" if math.isnan(x) else fmt.format(x)


def published(lo, hi=None):
    return f"{lo:g}" if hi is None or hi == lo else f"{lo:g}–{hi:g}"


def lidar(root):
    rows = read(os.path.join(root, "fig2_lidar", "summary.csv"))
    out = []
    doc = "docs/network.md"
    if rows is None:
        return [("Fig. 2 LIDAR study", "every condition", "", "", "not run", doc)]
    for r in rows:
        name = r["condition"] + ("" if r["flow"] in ("", "robot", "robot1") and r["condition"] != "two_pairs"
                                 else f" ({r['flow']})")
        paper = number(r["measured_median_mbps"])
        ours = number(r["receiver_median_mbps"])
        out.append(("Fig. 2 LIDAR study", f"{name}: received Mbps (rostopic bw median)", f"{paper:.2f}",
                    f"{ours:.2f}", status(ours, paper), doc))
        out.append(("Fig. 2 LIDAR study", f"{name}: share of the sender's rate", f"{number(r['measured_share_pct']):.1f}%",
                    f"{number(r['receiver_share_pct']):.1f}%", status(number(r["receiver_share_pct"]),
                                                                      number(r["measured_share_pct"])), doc))
    return out


def summary_all(path):
    rows = read(path)
    if rows is None:
        return None
    return {r["policy"]: r for r in rows if r["budget_fraction"] == "all"}


def best(rows, family):
    for r in rows.values():
        if r["family"] == family and r["best_in_family"] == "1":
            return r
    return None


# Fig. 5 as the paper's code computes it: each baseline's published "× RL" divided by the published
# oracle's, a multiple of the paper-oracle's cost (family, name, low, high).
FIG5_PAPER_CODE = [("random", "random", 5.67, 5.79), ("all-robot", "all-robot", 3.69, 3.82),
                   ("all-cloud", "all-cloud", 3.70, 3.78), ("robot-heuristic", "threshold 0.5", 3.36, 3.51)]


def paper_code(root):
    s = summary_all(os.path.join(root, "fig5_paper_code", "summary.csv"))
    out = []
    for family, name, lo, hi in FIG5_PAPER_CODE:
        r = best(s, family) if s else None
        ours = number(r["cost_multiple_paper"]) if r else float("nan")
        out.append(("Fig. 5, the paper's code", f"{name} cost ÷ its oracle's (published × RL ÷ oracle × RL)",
                    published(lo, hi), shown(ours), status(ours, lo, hi, "not reproduced"), PAPER_CODE_DOC))
    return out


def rl_ours(root):
    s = summary_all(os.path.join(root, "fig5_rl", "summary.csv"))
    targets = [("random", "random", 3.46, 3.51), ("all-robot", "all-robot", 2.28, 2.28),
               ("all-cloud", "all-cloud", 2.26, 2.29), ("robot-heuristic", "best threshold", 2.08, 2.10),
               ("paper-oracle", "the paper's greedy oracle (paper-oracle)", 0.60, 0.62)]
    out = []
    for family, name, lo, hi in targets:
        r = best(s, family) if s else None
        paper_metric = number(r["cost_multiple_paper"]) if r else float("nan")
        mean_metric = number(r["cost_multiple_mean"]) if r else float("nan")
        out.append(("Fig. 5, our protocol", f"{name} cost ÷ RL's",
                    published(lo, hi),
                    "" if r is None else f"{paper_metric:.2f} (paper's metric), {mean_metric:.2f} (mean)",
                    status(paper_metric, lo, hi), WAY_DOC))
    if s and "rl" in s and "all-cloud" in s:
        rl_acc, cloud_acc = number(s["rl"]["accuracy_mean"]), number(s["all-cloud"]["accuracy_mean"])
        out.append(("Fig. 6, our protocol", "RL's accuracy beats all-cloud's", "yes",
                    f"{'yes' if rl_acc > cloud_acc else 'no'} ({rl_acc:.3f} vs {cloud_acc:.3f})",
                    "within tolerance" if rl_acc > cloud_acc else "not reproduced", "docs/rl.md"))
    else:
        out.append(("Fig. 6, our protocol", "RL's accuracy beats all-cloud's", "yes", "", "not run", "docs/rl.md"))
    return out


HARDWARE_RATIOS = [("all-robot cost ÷ RL cost", "1.6"), ("all-cloud cost ÷ RL cost", "1.35"),
                   ("paper-oracle (the paper's greedy oracle) cost ÷ RL cost", "0.82"),
                   ("oracle (exact optimum) cost ÷ RL cost", "-")]
# §V-B: "the trained RL offloader queries the cloud when robot model confidence is low ... only
# 51.7% correlated (Spearman)": a negative correlation between querying and confidence.
PAPER_RHO = -0.517
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 2019


def per_trace_costs(episodes):
    """policy -> {trace: cost summed over the trace's budgets}, from episodes.csv."""
    out = {}
    for r in episodes:
        costs = out.setdefault(r["policy"], {})
        costs[r["trace"]] = costs.get(r["trace"], 0.0) - float(r["reward"])
    return out


def ratio_interval(costs, policy, reference="rl"):
    """The policy's cost over the reference's, summed over the test segments, with a 95% percentile
    bootstrap interval resampling segments (each segment keeps every budget's episode, paired)."""
    traces = sorted(costs[reference])
    a = np.array([costs[policy][t] for t in traces])
    b = np.array([costs[reference][t] for t in traces])
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(traces), size=(BOOTSTRAP_RESAMPLES, len(traces)))
    ratios = a[picks].sum(axis=1) / b[picks].sum(axis=1)
    lo, hi = np.percentile(ratios, [2.5, 97.5])
    return a.sum() / b.sum(), lo, hi


def rho_interval(decisions, family):
    """Spearman's ρ between the family's querying the cloud (1/0) and the robot's confidence over
    every test frame and budget, with a 95% percentile bootstrap interval resampling segments."""
    by_trace = {}
    for r in decisions:
        if r["family"] == family:
            q, c = by_trace.setdefault(r["trace"], ([], []))
            q.append(1.0 if r["action"] == "cloud" else 0.0)
            c.append(float(r["robot_confidence"]))
    if not by_trace:
        return float("nan"), float("nan"), float("nan")
    traces = sorted(by_trace)
    q = [np.array(by_trace[t][0]) for t in traces]
    c = [np.array(by_trace[t][1]) for t in traces]

    def rho(picked):
        qs, cs = np.concatenate([q[i] for i in picked]), np.concatenate([c[i] for i in picked])
        return float("nan") if qs.min() == qs.max() else scipy.stats.spearmanr(qs, cs).correlation

    rng = np.random.default_rng(BOOTSTRAP_SEED)
    samples = np.array([rho(rng.integers(0, len(traces), size=len(traces))) for _ in range(BOOTSTRAP_RESAMPLES // 4)])
    samples = samples[~np.isnan(samples)]
    lo, hi = np.percentile(samples, [2.5, 97.5]) if len(samples) else (float("nan"), float("nan"))
    return rho(range(len(traces))), lo, hi


def interval(m, lo, hi, fmt="{:.2f}"):
    return "" if math.isnan(m) else f"{fmt.format(m)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def hardware(root):
    """The §V-B rows per source, each ratio with its bootstrap interval over the test segments.
    A threshold that never queries is all-robot and is named so, not counted as a threshold; the
    correlation's sign is compared; RL's correlation missing the paper's is an explained
    difference only when it lies within the exact oracle's interval measured on the same frames."""
    rows = read(os.path.join(root, "hardware", "comparison.csv"))
    doc = "docs/perception.md"
    if rows is None:
        return [("§V-B real video", "every comparison", "", "", "not run", doc)]
    out = []
    for source in dict.fromkeys(r["source"] for r in rows):
        where = os.path.join(root, "hardware", source)
        episodes, decisions = read(os.path.join(where, "episodes.csv")), read(os.path.join(where, "decisions.csv"))
        summary = summary_all(os.path.join(where, "summary.csv"))
        exp = f"§V-B real video ({source})"
        if not episodes or not decisions or not summary:
            out.append((exp, "every comparison", "", "", "not run", doc))
            continue
        costs = per_trace_costs(episodes)
        for name, paper in HARDWARE_RATIOS:
            policy = name.split(" ")[0]
            m, lo, hi = ratio_interval(costs, policy)
            st = "no published value" if paper == "-" else status(m, float(paper), on_miss="not reproduced")
            out.append((exp, name + " (95% bootstrap interval over test segments)", paper, interval(m, lo, hi),
                        st, doc))
        thresholds = [(p, r) for p, r in summary.items() if r["family"] == "robot-heuristic"]
        querying = [(p, r) for p, r in thresholds if float(r["cloud_queries_mean"]) > 0]
        silent = [p for p, r in thresholds if float(r["cloud_queries_mean"]) == 0]
        note = f"; {', '.join(silent)} never query (= all-robot), left out" if silent else ""
        if querying:
            ranked = sorted(querying, key=lambda pr: float(pr[1]["cost_multiple_mean"]))
            for label, (policy, _), (lo_pub, hi_pub) in (("best", ranked[0], (1.1, 1.1)),
                                                         ("worst", ranked[-1], (1.5, 1.5))):
                m, lo, hi = ratio_interval(costs, policy)
                out.append((exp, f"{label} threshold heuristic ({policy}) cost ÷ RL cost{note}", f"{lo_pub:g}",
                            interval(m, lo, hi), status(m, lo_pub, on_miss="not reproduced"), doc))
        rl, rl_lo, rl_hi = rho_interval(decisions, "rl")
        oracle, oracle_lo, oracle_hi = rho_interval(decisions, "oracle")
        if math.isnan(rl):
            st = "not reproduced"
            evidence = "RL's queries do not vary"
        elif rl * PAPER_RHO > 0 and within(abs(rl), abs(PAPER_RHO)):
            st, evidence = "within tolerance", ""
        elif not math.isnan(oracle_lo) and oracle_lo <= rl <= oracle_hi:
            st = "explained difference"
            evidence = f"; RL's ρ lies within the exact oracle's {interval(oracle, oracle_lo, oracle_hi, '{:.3f}')}"
        else:
            st = "not reproduced"
            evidence = f"; the exact oracle's: {interval(oracle, oracle_lo, oracle_hi, '{:.3f}')}"
        out.append((exp, "Spearman of RL's cloud queries with robot confidence (negative: queries when unsure)"
                    + evidence, f"{PAPER_RHO:g}", interval(rl, rl_lo, rl_hi, "{:.3f}"), st, doc))
    return out


FIGURES = [
    ("fig2_lidar/fig_lidar_study.png", "Fig. 2: ROS LIDAR bandwidth, simulated beside the paper's logs"),
    ("fig5_paper_code/fig_reward_boxplot.png", "Fig. 5 as the paper's code computes it"),
    ("fig5_way_between/collected/fig_way_between.png", "From the paper code's protocol to ours"),
    ("fig5_rl/fig_reward_boxplot.png", "Fig. 5, our protocol (RL trained here)"),
    ("fig5_rl/fig_loss_cost.png", "Fig. 6, our protocol: loss and cost terms"),
    ("hardware/opencv/fig_frames.png", "Fig. 7 analogue: RL's decisions on real video"),
]


def main(root):
    rows = lidar(root) + paper_code(root) + rl_ours(root) + hardware(root)
    way_dir = os.path.join(root, "fig5_way_between")
    way_table = ""
    if os.path.exists(os.path.join(way_dir, "collected", "summary.csv")):
        way_between.main(way_dir)
        with open(os.path.join(way_dir, "collected", "way_between.md")) as f:
            way_table = f.read()
    counts = {}
    for r in rows:
        counts[r[4]] = counts.get(r[4], 0) + 1

    md = ["# Reproduction report", "",
          "Every number of the paper (Chinchali et al., RSS 2019) that offloadsim reproduces, beside ours, written by "
          "`offloadsim reproduce` from the CSVs in this directory (each part's `provenance.json` says how it ran). "
          "Status: *within tolerance* (within 10% of the published value or range), *explained difference* (a doc "
          "measures why), *not reproduced*, *not run*. Doc links are relative to the repository.", "",
          "Totals: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())), "",
          "| experiment | quantity | paper | ours | status | explained in |", "|---|---|---|---|---|---|"]
    for exp, q, paper, ours, st, doc in rows:
        md.append(f"| {exp} | {q} | {paper} | {ours} | {st} | {doc} |")
    if way_table:
        md += ["", "## From the paper code's protocol to ours, one switch at a time", "",
               "Each baseline's cost ÷ the reference's after each cumulative switch "
               f"(`fig5_way_between/`; {WAY_DOC}):", "", way_table.rstrip()]
    md += ["", "## Figures", ""]
    for path, caption in FIGURES:
        if os.path.exists(os.path.join(root, path)):
            md.append(f"- [{caption}]({path})")
    text = "\n".join(md) + "\n"

    page = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>offloadsim reproduction report</title>",
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}img{max-width:100%}"
            ".within{background:#e6f4e6}.explained{background:#fff4dc}.not{background:#fbe3e3}</style></head><body>",
            "<h1>Reproduction report</h1>", f"<p>{html.escape(md[2])}</p>",
            f"<p>{html.escape(md[4])}</p>", "<table><tr><th>experiment</th><th>quantity</th><th>paper</th>"
            "<th>ours</th><th>status</th><th>explained in</th></tr>"]
    for exp, q, paper, ours, st, doc in rows:
        cls = "within" if st.startswith("within") else "explained" if st.startswith("explained") else "not"
        page.append(f"<tr class='{cls}'><td>{html.escape(exp)}</td><td>{html.escape(q)}</td>"
                    f"<td>{html.escape(paper)}</td><td>{html.escape(ours)}</td><td>{st}</td>"
                    f"<td>{html.escape(doc)}</td></tr>")
    page.append("</table>")
    if way_table:
        page.append("<h2>From the paper code's protocol to ours</h2><table>")
        for line in way_table.strip().splitlines():
            if set(line) <= set("|-"):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            page.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        page.append("</table>")
    for path, caption in FIGURES:
        if os.path.exists(os.path.join(root, path)):
            page.append(f"<h3>{html.escape(caption)}</h3><img src='{path}' alt='{html.escape(caption)}'>")
    page.append("</body></html>")

    for name, content in (("REPORT.md", text), ("report.html", "\n".join(page) + "\n")):
        target = os.path.join(root, name)
        with open(target + ".partial", "w") as f:
            f.write(content)
        os.replace(target + ".partial", target)
    print(text, end="")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results/reproduction")
