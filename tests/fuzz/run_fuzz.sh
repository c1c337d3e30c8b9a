#!/bin/sh
# Runs one libFuzzer target for a bounded time (or number of runs) on a fresh corpus seeded from
# the given files, under the build's AddressSanitizer and UndefinedBehaviorSanitizer.
#   tests/fuzz/run_fuzz.sh FUZZER LIMIT SEED_FILE...
# LIMIT: "60s" (seconds of fuzzing, as in CI) or "1000000" (runs, as for docs/limits.md).
set -eu
fuzzer=$1
limit=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus
mkdir "$corpus"
for f in "$@"; do cp "$f" "$corpus/"; done
case $limit in
  *s) budget="-max_total_time=${limit%s}" ;;
  *) budget="-runs=$limit" ;;
esac
# -max_len: scenario and trace inputs are small; -timeout: one input taking 10 s is a hang;
# -rss_limit_mb: an input that needs more than 2 GB is a bug (docs/limits.md).
rc=0
"$fuzzer" "$budget" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$corpus" || rc=$?
# A failing input is printed in full (it is small), so that a CI log alone reproduces the failure.
for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
  [ -e "$a" ] || continue
  echo "failing input $(basename "$a") (base64):"
  base64 "$a"
done
exit $rc
