#!/usr/bin/env bash
# A newcomer's first hour, driven in tmux and checked against what the screen shows.
#
#   scripts/first-hour.sh            (FIRST_HOUR_TARGET=DIR to build into DIR)
#
# From the instructor edition it exports the student edition, commits it to a scratch git
# repository and clones that — the learner's "fresh clone" — then, in a tmux window the size of
# a laptop terminal:
#   1. `cargo xtask`: output while it builds, a first verdict, and a next step that is a file
#      to open and a README section to read (not a hint);
#   2. `cargo xtask --help` and README.md: no verb the edition cannot run;
#   3. e01 replaced by its reference solution, `cargo xtask check lesson-01`: e01 passes, the
#      next step reads for e02; an unused import in e02 shows as a one-line warning;
#   4. a second failing check of e02: now the next step is a hint; `cargo xtask hint` gives it;
#   5. `cargo xtask watch`: keys h (a hint), n (next exercise), x (says it does nothing),
#      r (re-run); a compile error in e02 keeps e01's "last: passed" and the 1/6 header; q quits.
# Each wait has a time limit, so a hang is a failure with the screen printed, not a stuck script.
#
# The clone builds into an empty target dir, as a real newcomer's does: on a busy two-core machine
# that is the slow part (scripts/bench-first-run.sh times it). FIRST_HOUR_TARGET=DIR builds into
# DIR instead (say, a copy of a warm target/) to make it quick; the tool's memory in DIR/xtask/
# (progress, hints, attempts) is cleared first, since the script expects a newcomer's.
# Needs tmux (installed with apt-get when missing and possible).
set -euo pipefail
cd "$(dirname "$0")/.."
course="$(pwd)"
limit_build=2400 # seconds for the first verdict: a cold build on a loaded 2-core machine
target="${FIRST_HOUR_TARGET:-}"
if [[ -n "$target" ]]; then
    rm -f "$target/xtask/progress.json" "$target/xtask/attempts.json" "$target/xtask/hints.json"
fi

if ! command -v tmux >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || true
    fi
    command -v tmux >/dev/null 2>&1 || { echo "first-hour: needs tmux (apt-get install tmux)"; exit 2; }
fi

work="$(mktemp -d)"
session="first-hour-$$"
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
    echo "FAIL: $*"
    echo "---- screen ----"
    tmux capture-pane -p -t "$session" -S -80 2>/dev/null || true
    exit 1
}
screen() { tmux capture-pane -p -J -t "$session" -S -200; }
# show: print what the learner sees now (the end of it), for the record.
show() { screen | grep -v '^$' | tail -n "${1:-30}" | sed 's/^/   | /'; }
# wait_for SECONDS PATTERN: until the screen matches PATTERN (extended regex).
wait_for() {
    local limit="$1" pattern="$2" start=$SECONDS
    until screen | grep -Eq -- "$pattern"; do
        (( SECONDS - start > limit )) && fail "no \"$pattern\" on screen after ${limit} s"
        sleep 1
    done
}
# expect PATTERN MESSAGE / refuse PATTERN MESSAGE: the screen does / does not show PATTERN.
expect() { screen | grep -Eq -- "$1" || fail "$2"; }
refuse() { ! screen | grep -Eq -- "$1" || fail "$2"; }
run() { # a command typed at the prompt, after clearing the window and its scrollback
    tmux send-keys -t "$session" "clear; tmux clear-history -t $session" Enter
    sleep 0.5
    tmux send-keys -t "$session" "$*; echo \"[exit \$?]\"" Enter
}

step "export the student edition and clone it"
cargo xtask export --out "$work/edition" >"$work/export.log" 2>&1 || { cat "$work/export.log"; exit 1; }
git -C "$work/edition" init -q
git -C "$work/edition" add -A
git -C "$work/edition" -c user.name=course -c user.email=course@example.invalid commit -qm "student edition"
git clone -q "$work/edition" "$work/clone"
clone="$work/clone"
target="${target:-$work/target}"

tmux new-session -d -s "$session" -x 140 -y 45 -c "$clone" \
    "env CARGO_TARGET_DIR='$target' TERM=xterm-256color bash --norc --noprofile"
tmux set-option -t "$session" history-limit 5000 >/dev/null

step "1. cargo xtask: progress, then a first verdict that says what to read"
run cargo xtask
start=$SECONDS
wait_for 60 "Compiling|Building|building lesson-01"
echo "   output within $(( SECONDS - start )) s of starting"
wait_for "$limit_build" "\[exit [0-9]+\]"
echo "   first verdict after $(( SECONDS - start )) s"
expect "lesson-01 · The mental model +0/6" "the first verdict shows lesson-01 at 0/6"
expect "next: open lesson-01/src/e01_lazy_futures.rs" "the first next step opens the exercise file"
expect "README.md" "the first next step names the lesson's README section"
refuse "next: cargo xtask hint" "a newcomer is sent to a hint before reading anything"
show 24

step "2. the edition speaks for itself"
run cargo xtask --help
wait_for 120 "\[exit 0\]"
refuse "verify|export|grade|autograder" "--help offers an instructor's verb in the student edition"
refuse "^ +solution " "--help offers \`solution\`, which has nothing to show here"
refuse "DESIGN\\.md|\\.\\./shared" "--help cites a file outside the repository"
grep -q "cargo xtask solution\|cargo xtask verify" "$clone/README.md" \
    && fail "README.md offers a verb the student edition cannot run"
grep -q "cargo xtask watch" "$clone/README.md" || fail "README.md does not document watch"

step "3. e01 solved, an unused import in e02: verdict, then a one-line warning"
cp "$course/lesson-01/solutions/e01_lazy_futures.rs" "$clone/lesson-01/src/e01_lazy_futures.rs"
sed -i '0,/^use /s//use std::collections::BTreeMap as UnusedForTheWarning;\nuse /' \
    "$clone/lesson-01/src/e02_concurrent_awaits.rs"
run cargo xtask check lesson-01
wait_for 600 "\[exit [0-9]+\]"
expect "lesson-01 · The mental model +1/6" "solving e01 gives 1/6"
expect "✓ e01_lazy_futures" "e01 passes with its solution"
expect "warning: lesson-01/src/e02_concurrent_awaits.rs:[0-9]+: unused import" \
    "the warning about the learner's own file is shown, with file and line"
expect "next: open lesson-01/src/e02_concurrent_awaits.rs" "the next step reads e02 first"
show 8

step "4. a second failing check of e02: a hint"
run cargo xtask check lesson-01
wait_for 300 "\[exit [0-9]+\]"
expect "next: cargo xtask hint lesson-01 e02_concurrent_awaits" "after trying, the next step is a hint"
run cargo xtask hint lesson-01 e02_concurrent_awaits
wait_for 120 "\[exit 0\]"
expect "hint 1/3" "the first hint is the gentlest"

step "5. cargo xtask watch: keys, last known status, quit"
run cargo xtask watch lesson-01
wait_for 300 "keys: h hint"
expect "now: e02_concurrent_awaits" "watch starts on the exercise being worked on"
tmux send-keys -t "$session" h
wait_for 20 "hint 2/3"
tmux send-keys -t "$session" n
wait_for 20 "now: e03_async_fn_desugared"
tmux send-keys -t "$session" x
wait_for 20 "does nothing here"
tmux send-keys -t "$session" r
wait_for 300 "keys: h hint"
echo 'fn broken( {' >>"$clone/lesson-01/src/e02_concurrent_awaits.rs"
wait_for 300 "not run — last: passed"
expect "lesson-01 · The mental model +1/6" "a compile error elsewhere keeps the header's last known passes"
show 14
tmux send-keys -t "$session" q
wait_for 30 "\[exit 0\]"

step "first hour: every step showed what a newcomer needs"
