#!/usr/bin/env bash
# The Slurm backend on a real single-node Slurm cluster (tests/slurm/cluster.sh): the example
# sweep submitted as one job array, waited for and collected, gives byte-identical CSVs to the
# same sweep run by the local backend. Also: re-submitting a finished sweep submits nothing, and
# a failed task is re-submitted alone.
#   tests/slurm/sweep_slurm_test.sh OFFLOADSIM SWEEP_FILE
# Exit 77 (skipped) where a cluster cannot be started (not root, Slurm or munge not installed).
set -euo pipefail
offloadsim=$1
sweep=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cluster.sh
source "$here/cluster.sh"
if ! reason=$(slurm_cluster_can_run 2>&1); then
  echo "SKIP: $reason"
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d)
cleanup() { slurm_cluster_stop "$tmp/cluster" || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/cluster"
slurm_cluster_start "$tmp/cluster"
echo "cluster up: $(sinfo -h -o '%P %D %T %c cpus')"

"$offloadsim" sweep "$sweep" --out "$tmp/local" --jobs 2 --quiet > "$tmp/local.log"

"$offloadsim" sweep "$sweep" --out "$tmp/slurm" --backend slurm --max-parallel 2 --time 00:10:00 --wait \
  > "$tmp/submit.log" 2>&1 || fail "slurm sweep failed: $(cat "$tmp/submit.log"; cat "$tmp"/slurm/logs/slurm-*.log 2>/dev/null | tail -20)"
cat "$tmp/submit.log"
total=$(($(wc -l < "$tmp/slurm/points.csv") - 1))
[ "$total" -gt 3 ] || fail "the sweep should have more than 3 points, has $total"
grep -q "#SBATCH --array=0-$((total - 1))%2" "$tmp/slurm/slurm/submit-1.sbatch" || fail "unexpected array line: $(grep array "$tmp/slurm/slurm/submit-1.sbatch")"
"$offloadsim" sweep status "$tmp/slurm" > "$tmp/status.log" || fail "status: $(cat "$tmp/status.log")"
cat "$tmp/status.log"
grep -q "$total done" "$tmp/status.log" || fail "not every point done"
[ "$(ls "$tmp"/slurm/logs/slurm-*.log | wc -l)" -eq "$total" ] || fail "expected one Slurm log per array task"

"$offloadsim" collect "$tmp/slurm" --no-figures > /dev/null
for table in summary episodes test_traces; do
  cmp "$tmp/local/collected/$table.csv" "$tmp/slurm/collected/$table.csv" || fail "$table.csv differs between local and Slurm"
done
echo "collected CSVs identical to the local run's"

# Nothing left to do: nothing is submitted.
"$offloadsim" sweep "$sweep" --out "$tmp/slurm" --backend slurm > "$tmp/again.log"
grep -q "nothing to submit" "$tmp/again.log" || fail "re-submission of a finished sweep: $(cat "$tmp/again.log")"

# One point lost (as if its task had failed): only that point is re-submitted and re-run.
lost=$(sed -n 4p "$tmp/slurm/points.csv" | cut -d, -f2)
rm -rf "${tmp:?}/slurm/$lost"
mkdir -p "$tmp/slurm/failed"
printf 'point 3 failed on a node\nsimulated failure\n' > "$tmp/slurm/failed/$lost.txt"
"$offloadsim" sweep status "$tmp/slurm" > "$tmp/status2.log" && fail "status should exit 1 with a point not done"
grep -q "$((total - 1)) done, 0 running, 1 failed" "$tmp/status2.log" || fail "status does not show the failed point: $(cat "$tmp/status2.log")"
"$offloadsim" sweep "$sweep" --out "$tmp/slurm" --backend slurm --wait > "$tmp/resubmit.log" 2>&1 || fail "resubmission: $(cat "$tmp/resubmit.log")"
grep -q "1 array tasks" "$tmp/resubmit.log" || fail "expected one re-submitted task: $(cat "$tmp/resubmit.log")"
grep -q "#SBATCH --array=0$" "$tmp/slurm/slurm/submit-2.sbatch" || fail "second submission should be a one-task array"
"$offloadsim" collect "$tmp/slurm" --no-figures > /dev/null
cmp "$tmp/local/collected/summary.csv" "$tmp/slurm/collected/summary.csv" || fail "summary differs after re-submission"
echo "PASS: $total points as a Slurm array, identical to the local run; a lost point re-submitted alone"
