#!/bin/sh
# A data file the user cannot read is refused by `validate` (exit 2, the field and the reason named),
# not found unreadable minutes into a run. Root reads every file, so as root the check runs as
# user nobody; it is skipped (77) if nobody cannot run this build (e.g. a checkout under /root).
# Usage: unreadable_file.sh OFFLOADSIM TABLE
set -u
offloadsim=$1
table=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$table" "$tmp/table.csv"
chmod 000 "$tmp/table.csv"
printf 'schema: 1\nkind: offload-eval\nstream: {table: table.csv}\n' >"$tmp/s.yaml"
chmod 644 "$tmp/s.yaml"
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
  $as_user "$offloadsim" --version >/dev/null 2>&1 || { echo "SKIP: user nobody cannot run $offloadsim"; exit 77; }
fi
$as_user "$offloadsim" validate "$tmp/s.yaml" >"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
[ "$rc" -eq 2 ] || { echo "FAIL: exit $rc, expected 2"; exit 1; }
grep -q "stream.table: file '.*table.csv' cannot be read: Permission denied" "$tmp/log" || { echo "FAIL: message"; exit 1; }
echo "PASS: an unreadable table is refused at validation"
