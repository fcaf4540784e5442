#!/usr/bin/env bash
# Loaded-machine grading (issues 10 §3 and 12 §5): grade the reference solutions of EVERY lesson
# — the instructor edition's `solutions/` handed in as one student's submission — while every
# core is kept busy by spinning processes, and fail unless every lesson gets full marks.
#
# Why: grading is where marks are given, and it runs on shared machines. A harness whose timing
# only holds on an idle machine would take points from correct work exactly there. The spinners
# run at the same priority as the grader, so test processes get at most a share of a core.
#
# Usage: scripts/grade-under-load.sh [LESSON...]   (default: every lesson with grading/)
#        SPINNERS=4 scripts/grade-under-load.sh    (default: one per core)
# CI can run it as is; it writes only under a temporary folder and its own grading workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then lessons=("$@"); else
    mapfile -t lessons < <(for d in lesson-*/; do d=${d%/}; [ -d "$d/grading" ] && [ -d "$d/solutions" ] && echo "$d"; done)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/grade-under-load.XXXXXX")
spinners=()
cleanup() {
    for p in "${spinners[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "building xtask..."
cargo build -q -p xtask
XTASK="${CARGO_TARGET_DIR:-target}/debug/xtask"
# Build each lesson's dependencies before the spinners start: the point is loaded *grading*.
for l in "${lessons[@]}"; do
    "$XTASK" check "$l" --solution > /dev/null 2>&1 || true
done

n=${SPINNERS:-$(nproc)}
for _ in $(seq "$n"); do
    sh -c 'while :; do :; done' &
    spinners+=("$!")
done
echo "$n spinning processes keep every core busy (pids ${spinners[*]})"

failed=0
for l in "${lessons[@]}"; do
    subs="$work/$l/submissions"
    mkdir -p "$subs/reference/src"
    cp "$l"/solutions/*.rs "$subs/reference/src/"
    max=$(grep -E '^points *= *[0-9]+' "$l/lesson.toml" | grep -oE '[0-9]+' | paste -sd+ | bc)
    start=$(date +%s)
    if ! "$XTASK" grade "$l" --submissions "$subs" --out "$work/$l/out" > "$work/$l.log" 2>&1; then
        echo "FAIL $l: grade exited non-zero"; tail -5 "$work/$l.log"; failed=1; continue
    fi
    total=$(awk -F, 'NR == 2 { print $NF }' "$work/$l/out/gradebook.csv")
    secs=$(( $(date +%s) - start ))
    if [ "$(echo "$total == $max" | bc)" = 1 ]; then
        echo "ok   $l: reference scored $total / $max under load (${secs} s)"
    else
        echo "FAIL $l: reference scored $total / $max under load; tests that did not pass:"
        grep -E '^\| .*\| (fail|timeout|not run)' "$work/$l/out/reference/feedback.md" 2>/dev/null \
            || grep -iE 'fail|timeout' "$work/$l/out/reference/feedback.md" | head -20
        failed=1
    fi
done
exit "$failed"
