#!/usr/bin/env bash
# Which controller package imports which, from the import lines of src/main: one "from -> to" line per pair, then a
# verdict. The packages' layers, lowest first, are listed below: an arrow from a package to one in a higher layer, or
# a cycle, is reported and the exit status is 1.
#   tools/package-graph.sh            # the working tree
#   tools/package-graph.sh cfa91fc    # a commit (git show), e.g. the one before issue 25
set -euo pipefail
cd "$(dirname "$0")/.."
root=src/main/java/io/kubeexec/controller
layers="work decision logging metrics health tls kube pending observe handover admission http config (root)"

if [ $# -gt 0 ]; then
  files() { git ls-tree -r --name-only "$1" -- "$root" | grep '\.java$'; }
  show() { git show "$1:$2"; }
else
  files() { find "$root" -name '*.java' | sort; }
  show() { cat "$2"; }
fi
rev=${1:-}

edges=$(files "$rev" | while read -r file; do
  rel=${file#"$root"/}
  case $rel in */*) from=${rel%%/*} ;; *) from='(root)' ;; esac
  show "$rev" "$file" | sed -n 's/^import \(static \)\{0,1\}io\.kubeexec\.controller\.\([a-z]*\)\..*/\2/p' \
    | while read -r to; do if [ "$to" != "$from" ]; then echo "$from -> $to"; fi; done
done | sort -u)

echo "$edges"
echo "$edges" | awk -v layers="$layers" '
  BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i }
  {
    for (k = 1; k <= 3; k += 2) if (!($k in rank)) { print "not in a layer: " $k; bad = 1 }
    if (rank[$3] > rank[$1]) { print "upward: " $0; bad = 1 }
  }
  END { exit bad }' && layered=yes || layered=no
# tsort names the packages of a cycle on stderr.
cycles=$(echo "$edges" | awk '{ print $1, $3 }' | tsort 2>&1 >/dev/null | sed -n 's/^tsort: \([^:]*\)$/\1/p' \
  | grep -v 'input contains a loop' || true)
if [ -n "$cycles" ]; then
  echo "cycle through:" $cycles
fi
if [ "$layered" = yes ] && [ -z "$cycles" ]; then
  echo "no cycle, no upward arrow"
else
  exit 1
fi
