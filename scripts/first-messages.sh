#!/usr/bin/env bash
# What a learner reads first for each known-wrong answer (issue 20). Not a test: it prints a list.
#
# For every `mistakes/<id>/<slip>.rs` of the given lessons (default: lesson-01 to lesson-03) it
# swaps the mistake in for its exercise — the same overlay builds `verify` proof 4 uses — and
# prints the first message line `cargo xtask check` would show for that exercise (its most
# telling failing test, docs/FORMAT.md §3 "What a failure says"):
#
#     lesson-02/mistakes/e05_then/polls_first_again.rs → rule 1 broken: …
#
# A line ending in `[bare: names no promise]` is a bare assertion, a std/tokio panic or a
# timeout without a message: the lesson's tests should say which promise that mistake breaks.
# A mistake that is not rejected at all shows up in proof 4's own failure list below the lines.
#
# Usage: scripts/first-messages.sh [LESSON...]
set -uo pipefail
cd "$(dirname "$0")/.."

lessons=("$@")
if [[ ${#lessons[@]} -eq 0 ]]; then
    lessons=(lesson-01 lesson-02 lesson-03)
fi

status=0
for lesson in "${lessons[@]}"; do
    echo "== $lesson"
    out="$(cargo xtask verify "$lesson" --proof 4 --show-messages)" || status=1
    grep ' → ' <<<"$out" | sed -E 's/^ +//' | sort
    # Mistakes proof 4 could not reject (or could not build), as verify lists them.
    sed -n '/^failed:/,$p' <<<"$out"
done
exit "$status"
