#!/usr/bin/env bash
# Speed benchmark for `cargo xtask check` (issue 2, "Speed"). Not a test: it prints figures.
#
# After touching one lesson-02 exercise file (its stub and its solution, so the --solution build
# really recompiles), it compares the medians of RUNS warm runs of
#     cargo xtask check lesson-02 --solution
#     cargo test -p lesson-02 --features solution --test check
# and prints their ratio (target <= 1.15), then the median of an idle `cargo xtask list`
# (target <= 0.3 s). Uses whatever target dir cargo would use (the default one unless
# CARGO_TARGET_DIR is set), so both commands share artifacts exactly as a learner's would.
#
# Usage: scripts/bench-check.sh [RUNS]      (RUNS defaults to 5)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-${RUNS:-5}}"
lesson=lesson-02
stub="$(grep -m1 '^file *=' "$lesson/lesson.toml" | sed -E 's/^file *= *"([^"]+)".*/\1/')"
if [[ -z "$stub" || ! -f "$lesson/$stub" ]]; then
    echo "bench-check: $lesson has no exercise yet — nothing to measure" >&2
    exit 2
fi
solution="solutions/$(basename "$stub")"
echo "touching $lesson/$stub and $lesson/$solution before each run; $runs runs each"

now() { date +%s.%N; }
# seconds <command...>: wall-clock time of one run (output discarded, failures tolerated:
# the stub-side exit code is not what we measure).
seconds() {
    local start end
    start=$(now)
    "$@" >/dev/null 2>&1 || true
    end=$(now)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Warm up: xtask itself built, dependencies and both test builds present.
cargo build -q -p xtask >/dev/null 2>&1 || { echo "bench-check: xtask does not build (cargo build -p xtask)" >&2; exit 2; }
cargo test -q -p "$lesson" --features solution --test check --no-run >/dev/null 2>&1 || true
cargo xtask check "$lesson" --solution >/dev/null 2>&1 || true

xtask_times=()
cargo_times=()
for ((i = 0; i < runs; i++)); do
    touch "$lesson/$stub" "$lesson/$solution"
    xtask_times+=("$(seconds cargo xtask check "$lesson" --solution)")
    touch "$lesson/$stub" "$lesson/$solution"
    cargo_times+=("$(seconds cargo test -p "$lesson" --features solution --test check)")
done
xt=$(printf '%s\n' "${xtask_times[@]}" | median)
ct=$(printf '%s\n' "${cargo_times[@]}" | median)

list_times=()
cargo xtask list >/dev/null 2>&1 || true
for ((i = 0; i < runs; i++)); do
    list_times+=("$(seconds cargo xtask list)")
done
lt=$(printf '%s\n' "${list_times[@]}" | median)

echo "cargo xtask check $lesson --solution   median ${xt} s   (${xtask_times[*]})"
echo "cargo test -p $lesson --features solution --test check   median ${ct} s   (${cargo_times[*]})"
awk -v a="$xt" -v b="$ct" 'BEGIN { r = a / b; printf "ratio %.2f (target <= 1.15: %s)\n", r, (r <= 1.15 ? "met" : "missed") }'
awk -v l="$lt" 'BEGIN { printf "idle cargo xtask list   median %.3f s (target <= 0.3 s: %s)\n", l, (l <= 0.3 ? "met" : "missed") }'
