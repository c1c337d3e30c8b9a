#!/usr/bin/env python3
"""Result records: the small part of a run that the docs quote, kept in the repo, and the doc
tables generated from them.

    python3 analysis/records.py save RESULT_DIR NAME   keep a finished run as docs/records/NAME
    python3 analysis/records.py tables                 rewrite every generated table in docs/ and README.md
    python3 analysis/records.py tables --check         only compare; exit 1 naming each table that differs
    python3 analysis/records.py list                   each record: its command, revision and wall time

A record is a directory docs/records/NAME holding a run's summary tables (never its per-frame
data), its resolved scenario and its provenance.json (the command line, revision, seed, machine and
wall time). `save` refuses a run made from a modified tree (a "-dirty" revision): a record must
trace back to a commit. To refresh a record after a change to the code, run the command its
provenance names again (`list` prints it) and save the new run under the same name.

A generated table sits in a markdown file between two markers; the first names the generator and
its records:

    <!-- generated: closed_loop_table closed_loop_lte -->
    ...
    <!-- end generated -->

Generators:
- closed_loop_table RECORD: the per-policy table of a closed-loop run (analysis/closed_loop_table.py).
- paired_runs RECORD_A RECORD_B: what changes from run A to run B, per policy, paired by seed
  (analysis/paired_difference.py --runs): reward, on-time share, median latency, price, grant.
- timing_table RECORD: the robot and cloud models' times per frame size (kind perception-timing),
  with each model's least-squares line in megapixels.
- live_table RECORD: a live run beside its simulated counterpart (kind live's comparison.csv), all
  robots together: latency, on-time share, query rate, reward per frame, accuracy.
- hardware_table RECORD: the real-video experiment (kind hardware-experiment) per source beside the
  paper's §V-B: each baseline's cost ÷ RL's with its 95% bootstrap interval over the test segments
  (analysis/reproduction_report.py's), the best threshold among those that query, and the
  Spearman correlations of RL's, the exact oracle's and the paper-oracle's queries with the robot's
  confidence.
- way_between RECORD: the sweep scenarios/paper_code_way_between.yaml (a sweep record): after each
  cumulative switch from the paper code's protocol to ours, each baseline's cost as a multiple of
  the reference's (analysis/way_between.py).
- paper_code_table PROTOCOL SEEDS: the paper code's Fig. 5 protocol (an offload-eval record) beside
  the published ratios, and the range of each ratio over the points of a sweep of its seed and
  number of traces (scenarios/paper_code_protocol_seeds.yaml).
- rl_validation_grid RECORD: a sweep of two of RL's training settings on validation traces
  (scenarios/paper_rl_validation.yaml, rl_state_validation.yaml): RL's mean episode reward over the
  test budgets per cell with the exact oracle's cost ÷ RL's, the best in bold.
- lidar_bandwidth RECORD, lidar_intervals RECORD: the ROS LIDAR study (kind network-study): per
  condition the bandwidths rostopic bw reads, and the message rates and shortest and longest
  intervals rostopic hz reads, each beside the paper's logs.
- lidar_seeds RECORD: a sweep of the LIDAR study over seeds and one axis
  (scenarios/sweep_lidar_study_seeds.yaml): per value and condition, the receivers' shares over
  the seeds, lowest–highest (median).

A sweep's record keeps its manifest, its points and collected/summary.csv, and a provenance.json
composed from its points' (they must all have run one revision).

`tables --check` is a ctest (docs.generated_tables_match_records): a hand-edited number in a
generated table, or a record refreshed without regenerating its tables, fails it.
"""
import csv
import datetime
import glob
import json
import math
import os
import re
import shutil
import statistics
import sys

import scipy.stats

import closed_loop_table
import paired_difference

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# What a record keeps of a run, by kind: its summary tables, never per-frame data.
KEPT = {
    "closed-loop": ["summary.csv", "comparison.csv", "scenario.resolved.yaml", "provenance.json"],
    "perception-timing": ["timing_sizes.csv", "scenario.resolved.yaml", "provenance.json"],
    "live": ["summary.csv", "comparison.csv", "scenario.resolved.yaml", "provenance.json"],
    "offload-eval": ["summary.csv", "scenario.resolved.yaml", "provenance.json"],
    "network-study": ["summary.csv", "measured.csv", "scenario.resolved.yaml", "provenance.json"],
    # a sweep: its manifest, its points and what `collect` gathered (provenance.json is composed)
    "sweep": ["sweep.json", "points.csv", "collected/summary.csv"],
    # per source: the summary and the per-episode costs the bootstrap intervals resample
    "hardware-experiment": ["comparison.csv", "*/summary.csv", "*/episodes.csv", "scenario.resolved.yaml",
                            "provenance.json"],
}

BEGIN = re.compile(r"^<!-- generated: (\S+)((?: \S+)*) -->$")
END = "<!-- end generated -->"


def fail(message):
    sys.exit(f"records: {message}")


def provenance(directory):
    path = os.path.join(directory, "provenance.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    except ValueError as e:
        fail(f"{path}: not JSON ({e})")


def sweep_provenance(result_dir):
    """A finished sweep's provenance, composed from its manifest and its points' own: the command,
    the one revision they all ran, the machine, and the span from the first point's start to the
    last one's end (points that ran at the same time overlap in it)."""
    try:
        with open(os.path.join(result_dir, "sweep.json")) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{result_dir}/sweep.json: {e}")
    points = [provenance(os.path.join(result_dir, p["id"])) for p in manifest["points"]]
    revisions = sorted({p.get("git_revision", "?") for p in points})
    if len(revisions) != 1:
        fail(f"{result_dir}: its points ran at revisions {', '.join(revisions)}: run the sweep again from one")
    sweep_file = os.path.relpath(manifest["sweep_file"], ROOT) if manifest["sweep_file"].startswith(ROOT) \
        else manifest["sweep_file"]
    start = min(p["start_time_utc"] for p in points)
    end = max(p["end_time_utc"] for p in points)
    span = (datetime.datetime.fromisoformat(end.rstrip("Z")) - datetime.datetime.fromisoformat(start.rstrip("Z")))
    first = points[0]
    return {"kind": "sweep", "sweep": manifest["sweep"], "command_line": ["offloadsim", "sweep", sweep_file],
            "git_revision": revisions[0], "points": len(points), "start_time_utc": start, "end_time_utc": end,
            "wall_seconds": span.total_seconds(), "host": first.get("host"), "machine": first.get("machine"),
            "build": first.get("build"), "offloadsim_version": first.get("offloadsim_version")}


def save(result_dir, name, records_dir):
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        fail(f"record name '{name}': lower-case letters, digits, '_', '.' and '-' only")
    is_sweep = os.path.isfile(os.path.join(result_dir, "sweep.json"))
    p = sweep_provenance(result_dir) if is_sweep else provenance(result_dir)
    kind, revision = p.get("kind", "?"), p.get("git_revision", "?")
    if kind not in KEPT:
        fail(f"{result_dir}: a {kind} run; records keep runs of kind {', '.join(KEPT)}")
    if revision.endswith("-dirty") or revision in ("?", "unknown"):
        fail(f"{result_dir}: made at revision {revision}, not a commit: commit, rebuild and run again")
    files, missing = [], []
    for pattern in KEPT[kind]:
        found = sorted(os.path.relpath(f, result_dir) for f in glob.glob(os.path.join(result_dir, pattern)))
        files += found
        if not found:
            missing.append(pattern)
    if missing:
        fail(f"{result_dir}: no {', '.join(missing)} (an unfinished run?)")
    target = os.path.join(records_dir, name)
    partial = f"{target}.partial-{os.getpid()}"
    os.makedirs(partial)
    try:
        for f in files:
            os.makedirs(os.path.dirname(os.path.join(partial, f)), exist_ok=True)
            shutil.copyfile(os.path.join(result_dir, f), os.path.join(partial, f))
        if is_sweep:
            with open(os.path.join(partial, "provenance.json"), "w") as f:
                json.dump(p, f, indent=2, sort_keys=True)
                f.write("\n")
            files.append("provenance.json")
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(partial, target)
    finally:
        if os.path.isdir(partial):
            shutil.rmtree(partial)
    print(f"saved {result_dir} ({kind}, revision {revision}) as {os.path.relpath(target)}: {', '.join(files)}")


def record(records_dir, name, where):
    directory = os.path.join(records_dir, name)
    if not os.path.isdir(directory):
        fail(f"{where}: no record {name} in docs/records")
    return directory


def signed(x, fmt):
    return fmt.format(x).replace("-", "−")


def paired_runs(a, b):
    """Markdown: run B minus run A per policy, paired by seed, with 95% CIs over seeds."""
    first, first_made = paired_difference.run_rows(a)
    second, second_made = paired_difference.run_rows(b)
    columns = [("reward_per_frame", "reward/frame", "{:+.2f}", 1.0), ("on_time_share", "on time (points)", "{:+.1f}", 100.0),
               ("latency_p50_ms", "latency p50 ms", "{:+.0f}", 1.0), ("price_mean", "price", "{:+.2f}", 1.0),
               ("tokens_granted_mean", "grant", "{:+.2f}", 1.0)]
    differences = {metric: paired_difference.run_differences(first, second, metric) for metric, *_ in columns}
    lines = ["| policy | " + " | ".join(title for _, title, _, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    seeds = 0
    for policy in dict.fromkeys(r["policy"] for r in first):
        cells = []
        for metric, _, fmt, scale in columns:
            pairs = differences[metric].get(policy, [])
            if not pairs:
                cells.append("–")
                continue
            seeds = max(seeds, len(pairs))
            m, h = paired_difference.mean_ci([scale * d for _, d in pairs])
            cells.append(signed(m, fmt) if math.isnan(h) else
                         f"{signed(m, fmt)} [{signed(m - h, fmt)}, {signed(m + h, fmt)}]")
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    lines += ["", f"B − A per policy, each seed paired with itself; mean over {seeds} seeds [95 % confidence "
              "interval, Student's t]. A: `" + first_made + "`. B: `" + second_made + "`."]
    return "\n".join(lines) + "\n"


def timing_table(root):
    """Markdown: per frame size the two models' median and 90th-percentile times, and their lines."""
    with open(os.path.join(root, "timing_sizes.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    lines = ["| frame size | megapixels | robot model p50 / p90 | cloud model p50 / p90 |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['width']}×{r['height']} | {float(r['megapixels']):.3f} "
                     f"| {float(r['robot_ms_p50']):.1f} / {float(r['robot_ms_p90']):.1f} ms "
                     f"| {float(r['cloud_ms_p50']):.1f} / {float(r['cloud_ms_p90']):.1f} ms |")
    fits = []
    for model in ("cloud", "robot"):
        fit = scipy.stats.linregress([float(r["megapixels"]) for r in rows], [float(r[f"{model}_ms_p50"]) for r in rows])
        fits.append(f"{model} ≈ {signed(fit.intercept, '{:.0f}')} + {fit.slope:.0f}·MP ms (R² {fit.rvalue ** 2:.3f})")
    lines += ["", f"Medians against megapixels, least squares over the {len(rows)} sizes: {'; '.join(fits)}."]
    return "\n".join(lines) + "\n"


def live_table(root):
    """Markdown: per policy, live beside simulated, all robots together."""
    with open(os.path.join(root, "comparison.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["robot"] == "all"]
    by = {(r["policy"], r["metric"]): r for r in rows}

    def cell(policy, metric, side, fmt, scale=1.0):
        r = by.get((policy, metric))
        x = float("nan") if r is None or r[side] in ("", "NA") else scale * float(r[side])
        return "–" if math.isnan(x) else signed(x, fmt).replace(",", "")

    lines = ["| policy | metric | live | simulated |", "|---|---|---|---|"]
    for policy in dict.fromkeys(r["policy"] for r in rows):
        latency = [" / ".join(cell(policy, m, side, "{:,.0f}") for m in ("latency_p50_ms", "latency_p95_ms")) + " ms"
                   for side in ("live", "sim")]
        entries = [("latency p50 / p95", *latency),
                   ("on-time share", *(cell(policy, "on_time_share", s, "{:.1f} %", 100) for s in ("live", "sim"))),
                   ("queries/s per robot", *(cell(policy, "queries_per_s", s, "{:.2f}") for s in ("live", "sim"))),
                   ("reward per frame", *(cell(policy, "reward_per_frame", s, "{:.2f}") for s in ("live", "sim"))),
                   ("accuracy", *(cell(policy, "accuracy", s, "{:.3f}") for s in ("live", "sim")))]
        for k, (metric, live, sim) in enumerate(entries):
            lines.append(f"| {policy if k == 0 else ''} | {metric} | {live} | {sim} |")
    return "\n".join(lines) + "\n"


def hardware_table(root):
    """Markdown: per source the ratios to RL with bootstrap intervals, and the correlations."""
    import reproduction_report as report
    with open(os.path.join(root, "comparison.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    lines = ["| source | all-robot ÷ RL | all-cloud ÷ RL | best threshold ÷ RL | paper-oracle ÷ RL | exact oracle ÷ RL "
             "| Spearman: RL / exact oracle / paper-oracle |", "|---|---|---|---|---|---|---|"]
    for source in dict.fromkeys(r["source"] for r in rows):
        where = os.path.join(root, source)
        costs = report.per_trace_costs(report.read(os.path.join(where, "episodes.csv")))
        summary = report.summary_all(os.path.join(where, "summary.csv"))
        querying = sorted((float(r["cost_multiple_mean"]), p) for p, r in summary.items()
                          if r["family"] == "robot-heuristic" and float(r["cloud_queries_mean"]) > 0)
        cells = [report.interval(*report.ratio_interval(costs, p)) for p in ("all-robot", "all-cloud")]
        cells.append(f"{report.interval(*report.ratio_interval(costs, querying[0][1]))} ({querying[0][1]})"
                     if querying else "– (no threshold queries)")
        cells += [report.interval(*report.ratio_interval(costs, p)) for p in ("paper-oracle", "oracle")]
        rho = {}
        for r in rows:
            if r["source"] == source and r["metric"].startswith("Spearman of"):
                who = "exact" if "exact oracle" in r["metric"] else "paper" if "paper-oracle" in r["metric"] else "rl"
                rho[who] = float(r["ours"])
        cells.append(" / ".join("–" if math.isnan(rho.get(k, float("nan"))) else signed(rho[k], "{:.2f}")
                                for k in ("rl", "exact", "paper")))
        segments = len(next(iter(costs.values())))
        lines.append(f"| {source} ({segments} test segments) | " + " | ".join(re.sub(r"-(?=\d)", "−", c) for c in cells)
                     + " |")
    lines.append("| the paper (§V-B) | 1.6 | 1.35 | 1.1–1.5 | 0.82 | – | −0.517 |")
    lines += ["", "Cost = −reward over every test segment and budget; [95 % percentile bootstrap interval over the "
              "test segments]. The best threshold is the cheapest of those that query (one that never queries is "
              "all-robot)."]
    return "\n".join(lines) + "\n"


def way_between_table(root):
    """Markdown: the sweep from the paper code's protocol to ours (analysis/way_between.py)."""
    import way_between
    return way_between.render(way_between.measure(root))


def paper_code_table(protocol, seeds):
    """Markdown: the paper code's Fig. 5 protocol on its seed beside the published ratios, and the
    range over the seeds sweep's 20-trace points and over its 200-trace points."""
    import reproduction_report as report
    shipped = report.summary_all(os.path.join(protocol, "summary.csv"))
    shipped_seed = provenance(protocol)["seed"]
    with open(os.path.join(seeds, "collected", "summary.csv"), newline="") as f:
        swept = [r for r in csv.DictReader(f) if r["budget_fraction"] == "all" and r["best_in_family"] == "1"]
    groups = {}
    for r in swept:
        groups.setdefault(int(r["eval.test_traces"]), {}).setdefault(r["family"], []).append(
            (int(r["seed"]), float(r["cost_multiple_paper"])))

    def spread(traces, family):
        pairs = groups.get(traces, {}).get(family, [])
        return f"{min(v for _, v in pairs):.2f}–{max(v for _, v in pairs):.2f}" if pairs else "–"

    def seeds_of(traces):
        return sorted({s for pairs in groups.get(traces, {}).values() for s, _ in pairs})

    def named(seeds):  # 1, 2, 3, 7 -> "1–3, 7"
        runs = []
        for s in seeds:
            if runs and s == runs[-1][1] + 1:
                runs[-1][1] = s
            else:
                runs.append([s, s])
        return ", ".join(str(a) if a == b else f"{a}, {b}" if b == a + 1 else f"{a}–{b}" for a, b in runs)

    many = [t for t in sorted(groups) if t != 20]
    lines = ["| policy | ours (seed " + f"{shipped_seed}, 20 traces) | published ÷ oracle | other seeds "
             f"({named(seeds_of(20))}), 20 traces | " + " | ".join(f"{t} traces, seeds {named(seeds_of(t))}" for t in many)
             + " |", "|---|---|---|---|" + "---|" * len(many)]
    rows = [(family, name, f"{lo:.2f}–{hi:.2f}") for family, name, lo, hi in report.FIG5_PAPER_CODE]
    rows.append(("oracle", "exact oracle", "—"))
    for family, name, target in rows:
        r = report.best(shipped, family)
        lines.append(f"| {name} | {float(r['cost_multiple_paper']):.2f} | {target} | {spread(20, family)} | "
                     + " | ".join(spread(t, family) for t in many) + " |")
    return "\n".join(lines) + "\n"


def axis_label(key, value):
    if key == "train.entropy_final":
        return "constant" if float(value) < 0 else f"annealed linearly to {value}"
    if key == "mdp.store_distances":
        return "on" if value == "true" else "off"
    if key == "train.budgets":
        return "{" + ", ".join(f"{float(b):.2f}" for b in value.strip("[]").split(",")) + "}"
    return value


AXIS_TITLES = {"train.entropy_coef": "entropy weight", "train.entropy_final": "entropy",
               "mdp.store_distances": "store distances (`mdp.store_distances`)", "train.budgets": "training budgets"}


def rl_validation_grid(root):
    """Markdown: a two-axis sweep of RL's training settings on validation traces, RL's mean episode
    reward over the test budgets per cell (and the exact oracle's cost ÷ RL's), the best in bold."""
    with open(os.path.join(root, "sweep.json")) as f:
        rows_key, cols_key = json.load(f)["keys"]
    with open(os.path.join(root, "collected", "summary.csv"), newline="") as f:
        summary = [r for r in csv.DictReader(f) if r["budget_fraction"] == "all"]
    cells, others = {}, {}
    for r in summary:
        at = (r[rows_key], r[cols_key])
        if r["policy"] == "rl":
            cells.setdefault(at, {})["rl"] = float(r["reward_mean"])
        elif r["policy"] == "oracle":
            cells.setdefault(at, {})["oracle"] = float(r["reward_mean"])
        if r["policy"] in ("all-cloud", "oracle"):
            others.setdefault(r["policy"], set()).add(round(float(r["reward_mean"]), 1))
    rows = list(dict.fromkeys(k[0] for k in cells))
    cols = list(dict.fromkeys(k[1] for k in cells))
    best = max(cells, key=lambda k: cells[k]["rl"])

    def cell(at):
        c = cells.get(at)
        if not c:
            return "–"
        text = f"{signed(c['rl'], '{:.1f}')} (oracle ÷ RL {c['oracle'] / c['rl']:.2f})"
        return f"**{text}**" if at == best else text

    title = AXIS_TITLES.get(cols_key, cols_key)
    lines = [f"| {AXIS_TITLES.get(rows_key, rows_key)} | " + " | ".join(f"{title}: {axis_label(cols_key, c)}" for c in cols)
             + " |", "|---|" + "---|" * len(cols)]
    for r in rows:
        lines.append(f"| {axis_label(rows_key, r)} | " + " | ".join(cell((r, c)) for c in cols) + " |")
    same = ", ".join(f"{name} " + " / ".join(signed(v, "{:.1f}") for v in sorted(vals))
                     for name, vals in sorted(others.items()))
    lines += ["", f"RL's mean episode reward over the test budgets (higher is better), in bold the best; "
              f"on the same traces {same}."]
    return "\n".join(lines) + "\n"


LIDAR_CONDITIONS = {"sender": "sender", "one_receiver": "one receiver",
                    "with_download": "+ bulk download on another station", "two_pairs": "two robot→server pairs (each)"}


def lidar_rows(path):
    """The LIDAR study's summary rows, grouped by condition in file order."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {c: [r for r in rows if r["condition"] == c] for c in dict.fromkeys(r["condition"] for r in rows)}


def lidar_bandwidth(root):
    """Markdown: the ROS LIDAR study's bandwidths (kind network-study): per condition the sender's and
    receivers' medians, as rostopic bw reads them, and the share beside the measured logs'."""
    lines = ["| condition | sender median | receiver median | simulated share | measured (paper's logs) |",
             "|---|---|---|---|---|"]
    for condition, flows in lidar_rows(os.path.join(root, "summary.csv")).items():
        first = flows[0]
        label = LIDAR_CONDITIONS.get(condition, condition)
        measured = f"{float(first['measured_share_pct']):.1f}% ({float(first['measured_median_mbps']):.2f})"
        if condition == "sender":
            lines.append(f"| {label} | {float(first['sender_median_mbps']):.2f} Mbps | — | 100% | "
                         f"100% ({float(first['measured_median_mbps']):.2f} Mbps) |")
            continue
        received = " / ".join(f"{float(r['receiver_median_mbps']):.2f}" for r in flows)
        share = " / ".join(f"{float(r['receiver_share_pct']):.1f}%" for r in flows)
        lines.append(f"| {label} | {float(first['sender_median_mbps']):.2f} | {received} | {share} | {measured} |")
    return "\n".join(lines) + "\n"


def lidar_intervals(root):
    """Markdown: the ROS LIDAR study's message rates and the shortest and longest interval between two
    handled messages, simulated beside the paper's rostopic hz logs (shares of each one's sender)."""
    groups = lidar_rows(os.path.join(root, "summary.csv"))
    sender_hz = float(groups["sender"][0]["rate_hz"]) if "sender" in groups else float("nan")
    lines = ["| condition | simulated rate (share) | simulated min / max interval | measured rate (share) "
             "| measured min / max interval |", "|---|---|---|---|---|"]
    for condition, flows in groups.items():
        first = flows[0]
        label = LIDAR_CONDITIONS.get(condition, condition)
        if condition == "sender":
            lines.append(f"| {label} | {float(first['rate_hz']):.2f} Hz | {float(first['interval_min_ms']):.1f} / "
                         f"{float(first['interval_max_ms']):.1f} ms | {float(first['measured_rate_hz']):.3f} Hz | "
                         f"{float(first['measured_interval_min_ms']):.0f} / {float(first['measured_interval_max_ms']):.0f} ms |")
            continue
        rate = " / ".join(f"{float(r['rate_hz']):.2f}" for r in flows)
        share = " / ".join(f"{100 * float(r['rate_hz']) / sender_hz:.0f}%" for r in flows)
        gaps = "; ".join(f"{float(r['interval_min_ms']):.1f} / {float(r['interval_max_ms']):.1f}" for r in flows)
        lines.append(f"| {label} | {rate} Hz ({share}) | {gaps} ms | {float(first['measured_rate_hz']):.3f} Hz "
                     f"({float(first['measured_hz_share_pct']):.1f}%) | {float(first['measured_interval_min_ms']):.0f} / "
                     f"{float(first['measured_interval_max_ms']):.0f} ms |")
    return "\n".join(lines) + "\n"


def lidar_seeds(root):
    """Markdown: a sweep of the LIDAR study over seeds and one more axis: per value of that axis and per
    condition, the receivers' shares over the seeds (lowest–highest, median)."""
    with open(os.path.join(root, "sweep.json")) as f:
        keys = json.load(f)["keys"]
    with open(os.path.join(root, "collected", "summary.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["condition"] != "sender"]
    key = keys[0]
    conditions = list(dict.fromkeys(r["condition"] for r in rows))
    lines = [f"| {key} | " + " | ".join(LIDAR_CONDITIONS.get(c, c) for c in conditions) + " | seeds |",
             "|---|" + "---|" * (len(conditions) + 1)]
    for value in dict.fromkeys(r[key] for r in rows):
        mine = [r for r in rows if r[key] == value]
        cells = []
        for c in conditions:
            shares = sorted(float(r["receiver_share_pct"]) for r in mine if r["condition"] == c)
            cells.append(f"{shares[0]:.1f}–{shares[-1]:.1f}% ({statistics.median(shares):.1f})")
        seeds = sorted({int(r["seed"]) for r in mine})
        lines.append(f"| {value} | " + " | ".join(cells) + f" | {seeds[0]}–{seeds[-1]} |")
    return "\n".join(lines) + "\n"


GENERATORS = {
    "closed_loop_table": (1, lambda dirs: closed_loop_table.render(dirs[0])),
    "paired_runs": (2, lambda dirs: paired_runs(dirs[0], dirs[1])),
    "timing_table": (1, lambda dirs: timing_table(dirs[0])),
    "live_table": (1, lambda dirs: live_table(dirs[0])),
    "hardware_table": (1, lambda dirs: hardware_table(dirs[0])),
    "way_between": (1, lambda dirs: way_between_table(dirs[0])),
    "paper_code_table": (2, lambda dirs: paper_code_table(dirs[0], dirs[1])),
    "rl_validation_grid": (1, lambda dirs: rl_validation_grid(dirs[0])),
    "lidar_bandwidth": (1, lambda dirs: lidar_bandwidth(dirs[0])),
    "lidar_intervals": (1, lambda dirs: lidar_intervals(dirs[0])),
    "lidar_seeds": (1, lambda dirs: lidar_seeds(dirs[0])),
}


def documents(root):
    docs = os.path.join(root, "docs")
    names = [os.path.join(docs, f) for f in sorted(os.listdir(docs)) if f.endswith(".md")] if os.path.isdir(docs) else []
    readme = os.path.join(root, "README.md")
    return ([readme] if os.path.isfile(readme) else []) + names


def regenerate(path, root, records_dir):
    """The file's text with every generated block rewritten, and the blocks that changed."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, changed, i = [], [], 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        out.append(lines[i])
        if not m:
            i += 1
            continue
        where = f"{os.path.relpath(path, root)}:{i + 1}"
        generator, names = m.group(1), m.group(2).split()
        if generator not in GENERATORS:
            fail(f"{where}: unknown generator '{generator}' (known: {', '.join(GENERATORS)})")
        arity, make = GENERATORS[generator]
        if len(names) != arity:
            fail(f"{where}: {generator} takes {arity} record(s), given {len(names)}")
        try:
            end = lines.index(END, i + 1)
        except ValueError:
            fail(f"{where}: no '{END}' after this marker")
        text = make([record(records_dir, n, where) for n in names]).rstrip("\n").split("\n")
        if lines[i + 1:end] != text:
            changed.append((where, generator, names))
        out += text + [END]
        i = end + 1
    return "\n".join(out), changed


def tables(root, records_dir, check):
    differing = []
    for path in documents(root):
        text, changed = regenerate(path, root, records_dir)
        differing += changed
        if changed and not check:
            with open(f"{path}.partial", "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(f"{path}.partial", path)
    for where, generator, names in differing:
        print(f"{where}: {generator} {' '.join(names)}: "
              + ("differs from its record(s)" if check else "rewritten"))
    if check and differing:
        fail(f"{len(differing)} generated table(s) differ from their records: run python3 analysis/records.py tables")
    if not differing:
        print("every generated table matches its records")


def listing(records_dir):
    for name in sorted(os.listdir(records_dir)) if os.path.isdir(records_dir) else []:
        p = provenance(os.path.join(records_dir, name))
        command = " ".join(["offloadsim"] + p.get("command_line", [])[1:])
        wall = p.get("wall_seconds")
        wall = f"{wall / 60:.1f} min" if isinstance(wall, (int, float)) else "?"
        print(f"{name}: {command}  (revision {p.get('git_revision', '?')}, {wall}, {p.get('end_time_utc', '?')})")


def main(args):
    root, records_dir = ROOT, None
    if "--root" in args:  # tests: another tree's docs and records
        at = args.index("--root")
        root = args[at + 1]
        del args[at:at + 2]
    records_dir = os.path.join(root, "docs", "records")
    if args[:1] == ["save"] and len(args) == 3:
        save(args[1], args[2], records_dir)
    elif args[:1] == ["tables"] and args[1:] in ([], ["--check"]):
        tables(root, records_dir, check=args[1:] == ["--check"])
    elif args == ["list"]:
        listing(records_dir)
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv[1:])
