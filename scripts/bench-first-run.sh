#!/usr/bin/env bash
# The cost of a learner's first run, against the floor the lesson itself sets.
#
#   scripts/bench-first-run.sh [RUNS]      (default 3 runs; medians are reported)
#
# Each run starts from an empty CARGO_TARGET_DIR and times, in alternating order (so drift in the
# machine's load hits both sides alike):
#   first run:  `cargo xtask check lesson-01`  (builds xtask, then the lesson, runs it: first verdict)
#   floor:      `cargo test -p lesson-01 --test check --no-run`  (tokio, futures and the lesson
#               must compile whatever the tool does)
# and prints both medians and their ratio (issue 13's target: <= 1.25 on 2 cores). The load
# average is printed with the figures: on a shared machine they say little without it.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
lesson="${BENCH_LESSON:-lesson-01}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Fetch once, outside the timings: a first run on a fresh clone also downloads crates, but
# that is the network's cost, not the build's.
cargo fetch --quiet

seconds() { # COMMAND... -> elapsed seconds on stdout; output of the command goes to a log
    local target="$work/target" start end
    rm -rf "$target"
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$target" "$@" >"$work/last.log" 2>&1 || true
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

first=()
floor=()
for i in $(seq 1 "$runs"); do
    if (( i % 2 )); then
        first+=("$(seconds cargo xtask check "$lesson")")
        grep -q "^next:" "$work/last.log" || { echo "run $i: no verdict from cargo xtask check:"; tail -20 "$work/last.log"; exit 1; }
        floor+=("$(seconds cargo test -p "$lesson" --test check --no-run)")
    else
        floor+=("$(seconds cargo test -p "$lesson" --test check --no-run)")
        first+=("$(seconds cargo xtask check "$lesson")")
        grep -q "^next:" "$work/last.log" || { echo "run $i: no verdict from cargo xtask check:"; tail -20 "$work/last.log"; exit 1; }
    fi
    echo "run $i: first run ${first[-1]} s, floor ${floor[-1]} s  (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
done
m_first=$(printf '%s\n' "${first[@]}" | median)
m_floor=$(printf '%s\n' "${floor[@]}" | median)
ratio=$(awk -v a="$m_first" -v b="$m_floor" 'BEGIN { printf "%.2f", a / b }')
echo "median first run (cargo xtask check $lesson): ${m_first} s"
echo "median floor (cargo test -p $lesson --test check --no-run): ${m_floor} s"
echo "ratio: ${ratio} (target <= 1.25)"
