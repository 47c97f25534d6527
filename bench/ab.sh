#!/usr/bin/env bash
# Interleaved A/B of two revisions of the library on one row of the harness (bench/README.md,
# "Comparing two builds of Zmq"): each revision is built in a worktree of its own, then the row runs
# RUNS times per side, alternating old, new, old, new, one process per run, and each side's spread is
# printed. Compare the good end of it: maximum and upper quartile for msgs/s, minimum and lower
# quartile for latency. One process is one draw of dynamic PGO, so few runs cannot tell a change
# from the draw; 25 per side is the least that has told them apart here.
#
#   bench/ab.sh OLD_REV NEW_REV "thr inproc 64 B" [RUNS]      (e.g. bench/ab.sh HEAD~3 HEAD ...)
#   bench/ab.sh OLD_REV NEW_REV "" 4                            (every row of the plan, 4 runs a side)
#
# Runs Zmq only (--only zmq), 3 s per run. Nothing else should load the machine meanwhile (on a
# virtual machine, watch the steal column of `vmstat 1`: it makes runs of the same build differ).
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 row=$3 runs=${4:-25}
work=$(mktemp -d "${TMPDIR:-/tmp}/zmq-ab.XXXXXX")
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; git worktree remove --force "$work/new" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for side in old new; do
  rev=${!side}
  git worktree add --detach "$work/$side" "$rev" >/dev/null 2>&1
  echo "building $side ($(git rev-parse --short "$rev")) ..." >&2
  dotnet build "$work/$side/bench/Zmq.Perf" -c Release -v q -nologo >/dev/null
done

for i in $(seq "$runs"); do
  for side in old new; do
    out="$work/results-$side-$i"
    dotnet run --project "$work/$side/bench/Zmq.Perf" -c Release --no-build -- \
      --filter "$row" --only zmq --procs 2 --repeat 1 --duration 3 --out "$out" >/dev/null 2>&1 || true
    # Throughput and latency rows report msgs/s (column 11: round trips a second for latency);
    # scale rows their total seconds (column 41).
    # Keyed by workload and pattern: a build may run one workload with several of its types.
    awk -F, -v side="$side" 'NR > 1 && $9 == "ok" { v = ($11 != "" ? $11 : ($14 != "" ? $14 : $41)); if (v != "") print side "|" $1 " (" $8 ")|" v }' "$out/results.csv" 2>/dev/null || true
  done
done > "$work/values"

cut -d'|' -f2 "$work/values" | awk '!seen[$0]++' | while IFS= read -r workload; do
  echo "$workload"
  for side in old new; do
    awk -F'|' -v side="$side" -v w="$workload" '$1 == side && $2 == w { print $3 }' "$work/values" | sort -g | awk -v side="$side" '
      { a[NR] = $1 }
      END {
        if (NR == 0) { print "  " side ": no run gave a figure"; exit }
        printf "  %-4s runs %d  min %.4g  p25 %.4g  median %.4g  p75 %.4g  max %.4g\n", side, NR, a[1], a[int((NR + 3) / 4)], a[int((NR + 1) / 2)], a[int((3 * NR + 3) / 4)], a[NR]
      }'
  done
done
