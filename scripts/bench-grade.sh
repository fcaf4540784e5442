#!/usr/bin/env bash
# Grading speed (issue: "30 mixed submissions of lesson-02 in at most 3x one cold single grade").
#
# Makes N (default 30) distinct submissions of a lesson — reference solutions, untouched stubs,
# known mistakes, a compile error in one file — and times `cargo xtask grade`:
#
#   cold:  each run starts from an EMPTY target dir (dependencies such as tokio are compiled
#          too). This is the issue's comparison: a batch builds dependencies once, N separate
#          grades would build them N times.
#   warm:  dependencies already built, only the grading workspace removed (what an instructor
#          sees the second time). Reported for information.
#
# Usage: scripts/bench-grade.sh [LESSON] ; N=10 scripts/bench-grade.sh to go faster.
# It measures its own target dirs under $TMPDIR, never the course's target/.
set -euo pipefail
cd "$(dirname "$0")/.."
LESSON=${1:-lesson-02}
N=${N:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-grade.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building xtask..."
cargo build -q -p xtask
XTASK="${CARGO_TARGET_DIR:-target}/debug/xtask"
cp "$XTASK" "$work/xtask"
XTASK="$work/xtask"

src="$LESSON/src"
[ -f "$LESSON/lesson.toml" ] || { echo "no $LESSON/lesson.toml"; exit 2; }
mapfile -t files < <(cd "$src" && ls e[0-9]*_*.rs)
mapfile -t mistakes < <(cd "$LESSON" && ls mistakes/*/*.rs 2>/dev/null || true)

# --- the submissions ------------------------------------------------------------------------
subs="$work/batch"
single="$work/single"
for i in $(seq -w 1 "$N"); do
    d="$subs/student $i/$LESSON/src"
    mkdir -p "$d"
    kind=$((10#$i % 4))
    for f in "${files[@]}"; do
        case $kind in
            0|3) cp "$LESSON/solutions/$f" "$d/$f" ;;   # reference (3: one file broken below)
            1) cp "$src/$f" "$d/$f" ;;                  # untouched stub
            2) cp "$LESSON/solutions/$f" "$d/$f" ;;     # a mistake swapped in below
        esac
        # Every student's files differ, as real submissions do (no shared builds).
        echo "// student $i" >> "$d/$f"
    done
    if [ "$kind" = 2 ] && [ "${#mistakes[@]}" -gt 0 ]; then
        m="${mistakes[$((10#$i % ${#mistakes[@]}))]}"
        ex=$(basename "$(dirname "$m")")
        cp "$LESSON/$m" "$d/$ex.rs"
        echo "// student $i" >> "$d/$ex.rs"
    fi
    if [ "$kind" = 3 ]; then
        echo "fn broken( {" >> "$d/${files[$((10#$i % ${#files[@]}))]}"
    fi
done
mkdir -p "$single"
cp -r "$subs/student 01" "$single/"

run() { # name target-dir submissions
    local start end
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$2" GEARS_COURSE_ROOT="$PWD" "$XTASK" grade "$LESSON" \
        --submissions "$3" --out "$work/out-$1" > "$work/log-$1" 2>&1 \
        || { echo "grade failed ($1):"; tail -5 "$work/log-$1"; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

echo "cold single (empty target dir, 1 submission)..."
t_single=$(run cold-single "$work/t1" "$single")
rm -rf "$work/t1"
echo "cold batch  (empty target dir, $N submissions)..."
t_batch=$(run cold-batch "$work/t2" "$subs")
echo "warm single (dependencies cached)..."
rm -rf "$work/t2/xtask/grade"
t_wsingle=$(run warm-single "$work/t2" "$single")
rm -rf "$work/t2/xtask/grade"
echo "warm batch  (dependencies cached)..."
t_wbatch=$(run warm-batch "$work/t2" "$subs")
tail -1 "$work/log-warm-batch"

printf '\n%-34s %8.1f s\n' "cold single-submission grade" "$t_single"
printf '%-34s %8.1f s\n' "cold batch of $N" "$t_batch"
printf '%-34s %8.2f   (target <= 3)\n' "ratio batch / single (cold)" "$(echo "$t_batch / $t_single" | bc -l)"
printf '%-34s %8.1f s\n' "warm single" "$t_wsingle"
printf '%-34s %8.1f s  (%.1f s per submission)\n' "warm batch of $N" "$t_wbatch" "$(echo "$t_wbatch / $N" | bc -l)"
printf '%-34s %8.2f\n' "ratio batch / single (warm)" "$(echo "$t_wbatch / $t_wsingle" | bc -l)"
