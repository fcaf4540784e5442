#!/usr/bin/env bash
# Mutation testing of one lesson's reference solutions against its visible and hidden tests.
#
#   scripts/mutants.sh lesson-02 [extra cargo-mutants arguments, e.g. --jobs 2 or --file PATTERN]
#
# Why: a test suite that passes the reference proves little on its own. cargo-mutants changes the
# solutions one small edit at a time (a `+=` becomes `-=`, a function returns a default, a guard
# becomes `true`) and runs the lesson's tests against each change. A change the tests do not
# notice ("missed") is a wrong answer a learner could hand in and pass with. Each one is either
# killed by a new test or justified, one line each, in `LESSON/mutants-justified.txt`:
#
#   lesson-02/src/e02_bell.rs: replace match guard stored.will_wake(cx.waker()) with false in <impl Future for Bell>::poll | why it cannot be seen
#
# (the mutant as cargo-mutants prints it, without its line and column, then ` | ` and the reason).
# A line `re:REGEX | why` leaves out, untested, every mutant whose name matches REGEX (for code
# the learner is given, not writes). Neither kind counts against the kill rate printed at the end.
#
# For authors only: learners never need cargo-mutants, so the script installs it when missing.
# It never touches your files: it copies the workspace to target/mutants/LESSON/tree, puts the
# solutions in place of the stubs there, and builds in target/mutants/LESSON/target.
#
# Environment: MUTANTS_TIMEOUT (seconds per test run, default 90), MUTANTS_BUILD_TIMEOUT (default
# 600). Output: target/mutants/LESSON/mutants.out (caught.txt, missed.txt, timeout.txt, ...).
set -euo pipefail

lesson=${1:?usage: scripts/mutants.sh LESSON [cargo-mutants args...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -d "$root/$lesson/solutions" ]]; then
    echo "mutants.sh: $lesson has no solutions/ folder (run from a course checkout)" >&2
    exit 2
fi

if ! command -v cargo-mutants >/dev/null 2>&1; then
    echo "mutants.sh: installing cargo-mutants (authors only; learners never need it)..." >&2
    cargo install --locked cargo-mutants
fi

work="$root/target/mutants/$lesson"
tree="$work/tree"
rm -rf "$tree" "$work/mutants.out"
mkdir -p "$tree"
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$tree" -xf -

# The solutions take the stubs' place, so the plain build (no feature) is the reference.
for solution in "$tree/$lesson"/solutions/*.rs; do
    cp "$solution" "$tree/$lesson/src/$(basename "$solution")"
done

justified_file="$root/$lesson/mutants-justified.txt"
excludes=()
if [[ -f "$justified_file" ]]; then
    while IFS= read -r line; do
        [[ "$line" == re:* ]] || continue
        regex=${line#re:}
        excludes+=(--exclude-re "${regex%% | *}")
    done <"$justified_file"
fi

echo "mutants.sh: mutating $lesson's solutions (this takes a while)..." >&2
set +e
CARGO_TARGET_DIR="$work/target" cargo mutants \
    --dir "$tree" \
    --package "$lesson" \
    --file "$lesson/src/e*.rs" \
    --timeout "${MUTANTS_TIMEOUT:-90}" \
    --build-timeout "${MUTANTS_BUILD_TIMEOUT:-600}" \
    --cargo-test-arg=--test=check \
    --cargo-test-arg=--test=hidden \
    --no-shuffle \
    --output "$work" \
    "${excludes[@]+"${excludes[@]}"}" \
    "$@"
status=$?
set -e
# cargo-mutants exits 2 when some mutants were missed, 3 for timeouts: both still give a report.
if [[ $status -ne 0 && $status -ne 2 && $status -ne 3 ]]; then
    echo "mutants.sh: cargo-mutants failed (exit $status); see $work/mutants.out/debug.log" >&2
    exit "$status"
fi

out="$work/mutants.out"
strip() { sed -E 's/:[0-9]+:[0-9]+: /: /' "$1" 2>/dev/null || true; }
count() { [[ -s "$1" ]] && wc -l <"$1" | tr -d ' ' || echo 0; }

caught=$(count "$out/caught.txt")
timeouts=$(count "$out/timeout.txt")
unviable=$(count "$out/unviable.txt")
missed_all=$(strip "$out/missed.txt")
justified=()
if [[ -f "$justified_file" ]]; then
    while IFS= read -r line; do
        [[ -z "$line" || "$line" == \#* || "$line" == re:* ]] && continue
        justified+=("${line%% | *}")
    done <"$justified_file"
fi
missed=0
excused=0
unexplained=()
while IFS= read -r mutant; do
    [[ -z "$mutant" ]] && continue
    hit=0
    for j in "${justified[@]+"${justified[@]}"}"; do
        [[ "$mutant" == "$j" ]] && hit=1 && break
    done
    if [[ $hit -eq 1 ]]; then
        excused=$((excused + 1))
    else
        missed=$((missed + 1))
        unexplained+=("$mutant")
    fi
done <<<"$missed_all"

killed=$((caught + timeouts))
judged=$((killed + missed))
echo
echo "mutants.sh: $lesson: $killed killed ($caught failed a test, $timeouts timed out), $missed missed," \
    "$excused missed but justified in $(basename "$justified_file"), $unviable unviable (did not compile)"
if [[ $judged -gt 0 ]]; then
    rate=$(awk -v k="$killed" -v j="$judged" 'BEGIN { printf "%.1f", 100 * k / j }')
    echo "mutants.sh: kill rate $rate % ($killed of $judged, justified survivors left out)"
fi
if [[ ${#unexplained[@]} -gt 0 ]]; then
    echo "mutants.sh: survivors to kill with a test or justify:"
    printf '  %s\n' "${unexplained[@]}"
fi
