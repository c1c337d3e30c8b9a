#!/bin/sh
# The house's arrows (docs/architecture.md): each top folder includes only the folders below it.
#   base/       nothing of ours
#   agents/     base/            (no ns-3)
#   netmodels/  base/            (ns-3; never agents/)
#   sim/        agents/, netmodels/, base/
# Fails, naming each file and include, when a folder starts including one it should not.
# Usage: include_rules.sh SOURCE_DIR
set -u
cd "$1" || exit 1
bad=0
check() {  # check FOLDER ALLOWED...
  folder=$1
  shift
  allowed="$folder $*"
  for f in $(find "$folder" -name '*.h' -o -name '*.cc'); do
    for top in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
      case " $allowed " in
        *" $top "*) ;;
        *) [ -d "$top" ] && { echo "FAIL: $f includes $top/ (allowed: $allowed)"; bad=1; } ;;
      esac
    done
  done
}
check base
check agents base
check netmodels base
check sim agents netmodels base
[ "$bad" -eq 0 ] && echo "PASS: no upward arrow, no arrow between agents/ and netmodels/"
exit "$bad"
