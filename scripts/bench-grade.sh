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
#   big:   a batch of BIG (default 200) distinct mixed students from an EMPTY target dir,
#          whose total must stay <= 8x the cold single grade (issue 12 "Scale"); the script
#          fails when it does not. BIG=0 skips it; ONLY_BIG=1 runs only cold single + big.
#
# Usage: scripts/bench-grade.sh [LESSON] ; N=10 scripts/bench-grade.sh to go faster.
# It measures its own target dirs under $TMPDIR, never the course's target/.
set -euo pipefail
cd "$(dirname "$0")/.."
LESSON=${1:-lesson-02}
N=${N:-30}
BIG=${BIG:-200}
ONLY_BIG=${ONLY_BIG:-0}
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
# gen DIR TAG: N students; every file carries "// student I TAG", so each student (and each
# phase of the benchmark) is a distinct build, as real submissions are.
gen() {
    local subs=$1 tag=$2 i d kind f m ex
    for i in $(seq -w 1 "$N"); do
        d="$subs/student $i/$LESSON/src"
        mkdir -p "$d"
        kind=$((10#$i % 4))
        for f in "${files[@]}"; do
            case $kind in
                0|2|3) cp "$LESSON/solutions/$f" "$d/$f" ;; # reference (2, 3: altered below)
                1) cp "$src/$f" "$d/$f" ;;                  # the stubs, lightly edited
            esac
            echo "// student $i $tag" >> "$d/$f"
        done
        if [ "$kind" = 2 ] && [ "${#mistakes[@]}" -gt 0 ]; then   # one known mistake
            m="${mistakes[$((10#$i % ${#mistakes[@]}))]}"
            ex=$(basename "$(dirname "$m")")
            cp "$LESSON/$m" "$d/$ex.rs"
            echo "// student $i $tag" >> "$d/$ex.rs"
        fi
        if [ "$kind" = 3 ]; then                                  # one file does not compile
            echo "fn broken( {" >> "$d/${files[$((10#$i % ${#files[@]}))]}"
        fi
    done
}
# The single submission is a reference solution: the common case, and the slowest to test.
single_of() { mkdir -p "$2"; cp -r "$1/student $(printf '%0*d' "${#N}" 4)" "$2/"; }
gen "$work/cold" cold
single_of "$work/cold" "$work/cold-single"

run() { # name target-dir submissions
    local start end
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$2" GEARS_COURSE_ROOT="$PWD" "$XTASK" grade "$LESSON" \
        --submissions "$3" --out "$work/out-$1" > "$work/log-$1" 2>&1 \
        || { echo "grade failed ($1):"; tail -5 "$work/log-$1"; exit 1; }
    end=$(date +%s.%N)
    tail -1 "$work/log-$1" >&2
    echo "$end - $start" | bc
}

echo "cold single (empty target dir, 1 submission)..."
t_single=$(run cold-single "$work/t1" "$work/cold-single")
rm -rf "$work/t1"
printf '\n%-34s %8.1f s\n' "cold single-submission grade" "$t_single"

if [ "$ONLY_BIG" != 1 ]; then
    gen "$work/warm" warm
    single_of "$work/warm" "$work/warm-single"
    echo "cold batch  (empty target dir, $N submissions)..."
    t_batch=$(run cold-batch "$work/t2" "$work/cold")
    echo "warm single (dependencies cached, new files)..."
    t_wsingle=$(run warm-single "$work/t2" "$work/warm-single")
    echo "warm batch  (dependencies cached, new files)..."
    t_wbatch=$(run warm-batch "$work/t2" "$work/warm")
    rm -rf "$work/t2"
    echo "totals of the batch (solution / stub / mistake / compile error, repeating):" >&2
    cut -d, -f1,$(( ${#files[@]} + 2 )) "$work/out-warm-batch/gradebook.csv" | tail -n +2 | head -8 | tr '\n' ' ' >&2
    echo >&2
    printf '%-34s %8.1f s\n' "cold batch of $N" "$t_batch"
    printf '%-34s %8.2f   (target <= 3)\n' "ratio batch / single (cold)" "$(echo "$t_batch / $t_single" | bc -l)"
    printf '%-34s %8.1f s\n' "warm single" "$t_wsingle"
    printf '%-34s %8.1f s  (%.1f s per submission)\n' "warm batch of $N" "$t_wbatch" "$(echo "$t_wbatch / $N" | bc -l)"
    printf '%-34s %8.2f\n' "ratio batch / single (warm)" "$(echo "$t_wbatch / $t_wsingle" | bc -l)"
fi

if [ "$BIG" -gt 0 ]; then
    # Distinct by construction: every file of every student carries its own comment line, and a
    # quarter each hand in the solutions, the stubs, one known mistake, one compile error.
    N=$BIG gen "$work/big" big
    echo "cold batch  (empty target dir, $BIG submissions)..."
    t_big=$(run big "$work/t3" "$work/big")
    rm -rf "$work/t3"
    ratio=$(echo "$t_big / $t_single" | bc -l)
    printf '%-34s %8.1f s  (%.1f s per submission)\n' "cold batch of $BIG" "$t_big" "$(echo "$t_big / $BIG" | bc -l)"
    printf '%-34s %8.2f   (target <= 8)\n' "ratio batch of $BIG / single (cold)" "$ratio"
    if [ "$(echo "$ratio > 8" | bc)" = 1 ]; then
        echo "FAIL: a batch of $BIG took more than 8x one cold single-submission grade"
        exit 1
    fi
fi
