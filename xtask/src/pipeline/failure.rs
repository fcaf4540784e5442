//! What a failing test says: its own failure, and how much that failure tells a learner.
//!
//! Why this file exists: a learner reads one message per failing exercise, and that message
//! decides whether they learn the rule or guess. Two things go wrong without care, and both are
//! decided here, once, for every verb that shows a failure (`check`, `watch`, `trace`, bare
//! `cargo xtask` and the grader's feedback):
//!
//! 1. **Whose panic.** A test's captured output can hold many panics: a task the exercise told
//!    to fail, a nested runtime caught with `catch_unwind`, a helper thread. libtest runs each
//!    test on a thread named after the test, and the test failed because of what happened *on
//!    that thread* — its last panic (earlier ones there were caught), a returned `Err`, or
//!    libtest's "did not panic as expected". [`own_failure`] reports that, and lists the other
//!    panics after it, shortened, as context. (`shared::time_limit::within` and
//!    `shared::testing::poll_on_thread` re-raise their thread's panic with `resume_unwind`,
//!    which prints nothing on the test thread, so their threads' panics count as the test
//!    thread's; for any other helper that does so, when nothing at all was printed on the test
//!    thread, the last panic printed is the one that travelled, so it is reported.)
//! 2. **Which test.** When several tests of an exercise fail, the one shown first should be
//!    the one that names the broken rule, not the alphabetically first. [`Telling`] grades a
//!    message and [`rank`] orders failures by it.
//!
//! The ranking reads only the test's own failure: a context panic that names a rule does not
//! lift a bare assertion (the context is shown, but it is not why the test failed).

use std::fmt::Write as _;

/// The line that separates a test's own failure from the other panics shown as context.
pub const CONTEXT_HEADING: &str =
    "Other panics during this test (context only, not why it failed):";

/// Threads of `shared` whose panic is re-raised on the test thread with `resume_unwind`
/// (`time_limit::within`, `testing::poll_on_thread`): their panic travels to the test thread
/// without being printed there, so it counts as the test thread's own.
const RELAY_THREADS: &[&str] = &["time-limited", "poll-on-thread"];

/// How many other panics are listed as context; the rest are counted.
const CONTEXT_SHOWN: usize = 3;
/// Characters kept of each context panic's first line.
const CONTEXT_WIDTH: usize = 110;

/// One `thread '…' panicked at …:` block of libtest's captured output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PanicBlock {
    /// The thread's name (`<unnamed>` for threads without one).
    thread: String,
    /// Where: `tests/check.rs:9:9`.
    location: String,
    /// The panic message (every line of it).
    body: String,
}

/// What ended the test on its own thread, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// A panic block (index into the panics).
    Panic(usize),
    /// The test returned `Err`: libtest printed `Error: …`.
    Error(String),
    /// A `#[should_panic]` test that returned normally.
    DidNotPanic,
    /// A `#[should_panic(expected = …)]` test whose panic said something else.
    WrongPanic { expected: String },
}

/// A test's captured output, read.
#[derive(Debug, Default)]
struct Parsed {
    panics: Vec<PanicBlock>,
    events: Vec<Event>,
}

/// Parses `thread 'NAME' (TID) panicked at LOC:` headers (the ` (TID)` part is new in recent
/// Rust versions and optional here).
fn panic_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("thread '")?;
    let (thread, rest) = rest.split_once('\'')?;
    let rest = rest.trim_start();
    let rest = match rest.strip_prefix('(') {
        Some(r) => r.split_once(')')?.1.trim_start(),
        None => rest,
    };
    let location = rest.strip_prefix("panicked at ")?.trim_end();
    let location = location.strip_suffix(':').unwrap_or(location);
    Some((thread.to_string(), location.to_string()))
}

/// libtest's and std's own notes, which end a panic message.
fn is_note(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("note: run with `RUST_BACKTRACE")
        || t.starts_with("note: Some details are omitted")
        || t.starts_with("note: test did not panic as expected")
        || t.starts_with("note: panic did not contain expected string")
        || t == "stack backtrace:"
}

fn parse(text: &str, test_name: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut lines = text.lines().peekable();
    // Is the current panic block still collecting its message?
    let mut open: Option<usize> = None;
    while let Some(line) = lines.next() {
        if let Some((thread, location)) = panic_header(line) {
            p.panics.push(PanicBlock {
                thread: thread.clone(),
                location,
                body: String::new(),
            });
            let i = p.panics.len() - 1;
            if thread == test_name || RELAY_THREADS.contains(&thread.as_str()) {
                p.events.push(Event::Panic(i));
            }
            open = Some(i);
            continue;
        }
        let t = line.trim_start();
        if t.starts_with("note: test did not panic as expected") {
            p.events.push(Event::DidNotPanic);
            open = None;
            continue;
        }
        if t.starts_with("note: panic did not contain expected string") {
            // `      panic message: "…"` then ` expected substring: "…"`.
            let mut expected = String::new();
            while let Some(next) = lines.peek() {
                let n = next.trim_start();
                if let Some(e) = n.strip_prefix("expected substring: ") {
                    expected = unquote(e);
                    lines.next();
                    break;
                } else if n.starts_with("panic message: ") {
                    lines.next();
                } else {
                    break;
                }
            }
            p.events.push(Event::WrongPanic { expected });
            open = None;
            continue;
        }
        if is_note(line) {
            open = None;
            continue;
        }
        // libtest prints `Error: …` for a test that returned `Err` (a panic message that
        // merely starts with "Error: " is the first line of its block, so it stays there).
        if let Some(e) = line.strip_prefix("Error: ")
            && open.is_none_or(|i| !p.panics[i].body.is_empty())
        {
            p.events.push(Event::Error(e.trim_end().to_string()));
            open = None;
            continue;
        }
        if let Some(i) = open {
            let body = &mut p.panics[i].body;
            body.push_str(line);
            body.push('\n');
        }
    }
    for b in &mut p.panics {
        b.body = b
            .body
            .trim_matches(|c: char| c == '\n' || c == '\r')
            .trim_end()
            .to_string();
    }
    p
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

/// The part of `---- NAME stdout ----` up to libtest's closing `failures:` list, if present.
fn stdout_section<'a>(name: &str, stdout: &'a str) -> Option<&'a str> {
    let header = format!("---- {name} stdout ----");
    let start = stdout.find(&header)? + header.len();
    let section = &stdout[start..];
    let end = section.find("\nfailures:\n").unwrap_or(section.len());
    Some(&section[..end])
}

/// The test's last word, lower-cased words: `e05_then::panics_after_ready` → `panics after ready`.
pub fn humanise(test_name: &str) -> String {
    let last = test_name.rsplit("::").next().unwrap_or(test_name);
    last.split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The message for a `#[should_panic]` test that returned normally: libtest only says "test did
/// not panic as expected", so the promise is named from the test's name.
fn did_not_panic(test_name: &str) -> String {
    format!(
        "expected a panic, and none came — the promise this test checks: “{}”. What to do: \
         find where the exercise says your code must panic (its doc comment or the lesson's \
         README) and make it panic there instead of returning.",
        humanise(test_name)
    )
}

/// The failure of test `name`, read from its captured output: its own failure first (see the
/// module docs), then other panics as shortened context. `stdout` holds libtest's report (the
/// `---- name stdout ----` block); when the test ran with `--nocapture` there is no such block
/// and the panics are read from `stderr` instead. `None` when neither says anything.
pub fn own_failure(name: &str, stdout: &str, stderr: &str) -> Option<String> {
    let text = match stdout_section(name, stdout) {
        Some(s) => s.to_string(),
        None if panic_lines(stderr) || panic_lines(stdout) => format!("{stderr}\n{stdout}"),
        None => return None,
    };
    let parsed = parse(&text, name);
    let (own, own_panic) = match parsed.events.last() {
        Some(Event::Panic(i)) => (parsed.panics[*i].body.clone(), Some(*i)),
        Some(Event::Error(e)) => (format!("the test returned an error: {e}"), None),
        Some(Event::DidNotPanic) => (did_not_panic(name), None),
        Some(Event::WrongPanic { expected }) => {
            // The panic that should_panic caught is the test thread's last one.
            let last = parsed.events.iter().rev().find_map(|e| match e {
                Event::Panic(i) => Some(*i),
                _ => None,
            });
            let said = last
                .map(|i| parsed.panics[i].body.clone())
                .unwrap_or_default();
            (
                format!(
                    "{said}\n(this test expects a panic whose message contains “{expected}”; \
                     the panic above said something else)"
                ),
                last,
            )
        }
        // Nothing on the test thread itself: a helper re-raised its thread's panic
        // (`resume_unwind` prints nothing), so the last panic printed is the one that travelled.
        None => match parsed.panics.len() {
            0 => {
                let t = text.trim();
                return (!t.is_empty()).then(|| t.to_string());
            }
            n => (parsed.panics[n - 1].body.clone(), Some(n - 1)),
        },
    };
    let own = if own.trim().is_empty() {
        "the test failed without a message".to_string()
    } else {
        own
    };
    let others: Vec<&PanicBlock> = parsed
        .panics
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != own_panic)
        .map(|(_, b)| b)
        .collect();
    Some(with_context(own, &others, name))
}

/// Any panic header in `text`?
fn panic_lines(text: &str) -> bool {
    text.lines().any(|l| panic_header(l).is_some())
}

fn with_context(own: String, others: &[&PanicBlock], test_name: &str) -> String {
    if others.is_empty() {
        return own;
    }
    let mut s = own;
    let _ = write!(s, "\n\n{CONTEXT_HEADING}");
    for b in others.iter().take(CONTEXT_SHOWN) {
        let first = b.body.lines().next().unwrap_or("").trim();
        let whose = if b.thread == test_name {
            "the test's thread, caught".to_string()
        } else {
            format!("thread '{}'", b.thread)
        };
        let _ = write!(
            s,
            "\n  · {whose} at {}: {}",
            b.location,
            shorten(first, CONTEXT_WIDTH)
        );
    }
    if others.len() > CONTEXT_SHOWN {
        let _ = write!(s, "\n  · and {} more", others.len() - CONTEXT_SHOWN);
    }
    s
}

fn shorten(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A message without its context part: what the test itself said.
pub fn own_part(message: &str) -> &str {
    match message.find(&format!("\n\n{CONTEXT_HEADING}")) {
        Some(i) => &message[..i],
        None => message,
    }
}

/// How much a failure message tells the learner, best first. The ranking of docs/FORMAT.md
/// ("What a failure says").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Telling {
    /// The harness's diagnosis or a message naming a rule ("lost wakeup (rule 2: …)").
    Rule,
    /// An assertion or panic with the author's own message.
    Message,
    /// No message of the author's, but the promise is named from the test's name (a
    /// `#[should_panic]` test that did not panic).
    NameOnly,
    /// A bare assertion, a std or tokio panic, a timeout or crash without a message.
    Bare,
}

/// The harness's diagnoses start with one of these (see `shared::harness::diagnosis`).
const DIAGNOSES: &[&str] = &[
    "lost wakeup",
    "stale waker",
    "slow poll",
    "blocking poll",
    "busy polling",
];

/// Messages that come from std, tokio, libtest or this runner rather than from an author.
const BARE: &[&str] = &[
    "assertion failed: ",
    "assertion `left == right` failed\n",
    "assertion `left != right` failed\n",
    "called `Option::unwrap()` on a `None` value",
    "called `Result::unwrap()` on an `Err` value",
    "called `Result::unwrap_err()` on an `Ok` value",
    "not yet implemented",
    "not implemented",
    "internal error: entered unreachable code",
    "explicit panic",
    "`async fn` resumed after",
    "`async block` resumed after",
    "index out of bounds",
    "attempt to ",
    "Cannot start a runtime from within a runtime",
    "Cannot drop a runtime in a context where blocking is not allowed",
    "Cannot block the current thread from within a runtime",
    "there is no reactor running",
    "A Tokio 1.x context was found",
    "must be called from the context of a Tokio 1.x runtime",
    "the test failed without a message",
    "the test returned an error: ",
    "the test process crashed",
    "the test did not run",
    "the runner lost this test",
    "could not start the test",
];

/// Grades one failure message (only its own part; context never counts).
pub fn telling(message: &str) -> Telling {
    let own = own_part(message).trim_start();
    let lower = own.to_lowercase();
    if DIAGNOSES.iter().any(|d| lower.starts_with(d)) || names_a_rule(&lower) {
        return Telling::Rule;
    }
    if own.starts_with("expected a panic, and none came") {
        return Telling::NameOnly;
    }
    // A bare `assert_eq!` ends its first line at "failed"; with a message it goes on after
    // "failed: ".
    let probe = if own.contains('\n') {
        own.to_string()
    } else {
        format!("{own}\n")
    };
    if BARE.iter().any(|b| probe.starts_with(b)) || is_runner_timeout(own) {
        return Telling::Bare;
    }
    Telling::Message
}

/// "rule 2", "Rule 1" … anywhere in the text (already lower-cased).
fn names_a_rule(lower: &str) -> bool {
    lower.match_indices("rule ").any(|(i, _)| {
        let before_ok = lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = lower[i + "rule ".len()..].chars().next();
        before_ok && after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The runner's own message for a test stopped at its time limit (nothing of the author's).
fn is_runner_timeout(own: &str) -> bool {
    own.starts_with("still running after ") && own.contains(" s, so it was stopped")
}

/// Orders failures best first: by [`telling`], ties kept in their original order. `items`
/// pairs whatever the caller ranks with its message.
pub fn rank<T>(mut items: Vec<(T, Option<&str>)>) -> Vec<T> {
    items.sort_by_key(|(_, m)| m.map_or(Telling::Bare, telling));
    items.into_iter().map(|(t, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(name: &str, body: &str) -> String {
        format!(
            "\nrunning 1 test\ntest {name} ... FAILED\n\nfailures:\n\n---- {name} stdout ----\n{body}\n\nfailures:\n    {name}\n\ntest result: FAILED. 0 passed; 1 failed\n"
        )
    }

    const NOTE: &str =
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";

    #[test]
    fn the_test_threads_last_panic_wins_over_earlier_and_other_panics() {
        let name = "e03_gears::turns";
        let body = format!(
            "\nthread '<unnamed>' (26614) panicked at src/e03_gears.rs:3:35:\ngear slipped\n{NOTE}\n\n\
             thread '{name}' (26613) panicked at tests/check.rs:4:41:\nCannot start a runtime from within a runtime\n\n\
             thread '{name}' (26613) panicked at tests/check.rs:5:5:\nassertion `left == right` failed: a slipped gear must be reported as Err\n  left: 1\n right: 2"
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert!(
            m.starts_with(
                "assertion `left == right` failed: a slipped gear must be reported as Err\n  left: 1\n right: 2\n\n"
            ),
            "the test thread's last panic must come first:\n{m}"
        );
        let context = &m[m.find(CONTEXT_HEADING).expect("context heading")..];
        assert!(
            context.contains("thread '<unnamed>' at src/e03_gears.rs:3:35: gear slipped"),
            "{m}"
        );
        assert!(
            context.contains(
                "the test's thread, caught at tests/check.rs:4:41: Cannot start a runtime"
            ),
            "{m}"
        );
        assert_eq!(
            telling(&m),
            Telling::Message,
            "context must not change the rank"
        );
    }

    #[test]
    fn old_headers_without_a_thread_id_are_read_too() {
        let name = "e01_a::adds";
        let body = format!(
            "\nthread '{name}' panicked at tests/check.rs:9:9:\nrule 2 (register a wake before Pending): lost wakeup\n  +0.0 ms  poll #1 -> Pending\n{NOTE}"
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert_eq!(
            m,
            "rule 2 (register a wake before Pending): lost wakeup\n  +0.0 ms  poll #1 -> Pending"
        );
    }

    #[test]
    fn a_re_raised_helper_panic_is_the_failure() {
        let name = "e02_x::finishes";
        let body = format!(
            "\nthread 'tokio-runtime-worker' (7) panicked at src/e02_x.rs:1:1:\ntask told to fail\n{NOTE}\n\n\
             thread 'time-limited' (8) panicked at tests/check.rs:20:9:\nthe pool must finish every job"
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert!(m.starts_with("the pool must finish every job\n\n"), "{m}");
        assert!(m.contains("task told to fail"), "{m}");
    }

    #[test]
    fn a_relayed_panic_after_a_caught_one_is_the_failure() {
        let name = "e02_x::finishes";
        let body = format!(
            "\nthread '{name}' (3) panicked at src/e02_x.rs:1:1:\ncaught on the test thread\n{NOTE}\n\n\
             thread 'poll-on-thread' (9) panicked at tests/check.rs:30:9:\nthe bell must ring once"
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert!(m.starts_with("the bell must ring once\n\n"), "{m}");
        assert!(m.contains("caught on the test thread"), "as context: {m}");
    }

    #[test]
    fn should_panic_without_a_panic_names_the_promise() {
        let name = "e05_then::panics_when_polled_after_ready";
        let body = "note: test did not panic as expected at tests/check.rs:9:4";
        let m = own_failure(name, &section(name, body), "").unwrap();
        assert!(
            m.contains("“panics when polled after ready”"),
            "the humanised test name must be the promise: {m}"
        );
        assert!(!m.contains("did not panic as expected"), "{m}");
        assert_eq!(telling(&m), Telling::NameOnly);
    }

    #[test]
    fn a_caught_panic_on_the_test_thread_does_not_hide_did_not_panic() {
        let name = "e05_then::panics_twice";
        let body = format!(
            "\nthread '{name}' (3) panicked at src/x.rs:1:1:\ncaught inside\n{NOTE}\nnote: test did not panic as expected at tests/check.rs:9:4"
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert!(m.starts_with("expected a panic, and none came"), "{m}");
        assert!(m.contains("caught inside"), "as context: {m}");
    }

    #[test]
    fn should_panic_with_the_wrong_message_says_what_was_expected() {
        let name = "e05_then::names_rule_1";
        let body = format!(
            "\nthread '{name}' (3) panicked at tests/t.rs:12:17:\nbang\n{NOTE}\nnote: panic did not contain expected string\n      panic message: \"bang\"\n expected substring: \"rule 1\""
        );
        let m = own_failure(name, &section(name, &body), "").unwrap();
        assert!(m.starts_with("bang\n"), "{m}");
        assert!(m.contains("contains “rule 1”"), "{m}");
    }

    #[test]
    fn a_returned_error_is_the_failure() {
        let name = "e01_a::reads";
        let m = own_failure(name, &section(name, "Error: \"nope\""), "").unwrap();
        assert_eq!(m, "the test returned an error: \"nope\"");
    }

    #[test]
    fn nocapture_output_is_read_from_stderr() {
        let name = "e01_a::adds";
        let stderr = format!(
            "timeline…\nthread '{name}' (4) panicked at tests/check.rs:1:1:\nthe sum must be 5\n{NOTE}\n"
        );
        let m = own_failure(name, "running 1 test\n", &stderr).unwrap();
        assert_eq!(m, "the sum must be 5");
    }

    #[test]
    fn messages_are_graded() {
        let cases = [
            (
                "lost wakeup (rule 2: arrange a wake before returning Pending): …",
                Telling::Rule,
            ),
            ("rule 1 broken: polled again after Ready", Telling::Rule),
            (
                "assertion `left == right` failed: Then must keep rule 1\n  left: 1",
                Telling::Rule,
            ),
            (
                "assertion `left == right` failed: the journal starts with the reservation\n  left: 1",
                Telling::Message,
            ),
            ("the pool must finish every job", Telling::Message),
            ("a schedule ruler 5 apart", Telling::Message),
            (
                "assertion `left == right` failed\n  left: 1\n right: 2",
                Telling::Bare,
            ),
            ("assertion failed: outbox.is_empty()", Telling::Bare),
            ("`async fn` resumed after completion", Telling::Bare),
            (
                "Cannot drop a runtime in a context where blocking is not allowed. …",
                Telling::Bare,
            ),
            ("not yet implemented: add them", Telling::Bare),
            (
                "still running after 1 s, so it was stopped: something waits forever",
                Telling::Bare,
            ),
            (
                "still running after 50ms: the pool never drained",
                Telling::Message,
            ),
            (
                "expected a panic, and none came — the promise this test checks: “x”",
                Telling::NameOnly,
            ),
        ];
        for (m, want) in cases {
            assert_eq!(telling(m), want, "graded wrongly: {m:?}");
        }
        let ctx = format!("assertion failed: x\n\n{CONTEXT_HEADING}\n  · rule 1 broken");
        assert_eq!(telling(&ctx), Telling::Bare, "context must not count");
    }

    #[test]
    fn rank_is_stable_and_best_first() {
        let items = vec![
            ("bare", Some("assertion failed: x")),
            ("msg-a", Some("the outbox must be empty")),
            ("rule", Some("rule 2: lost wakeup")),
            ("msg-b", Some("the journal must say reserved")),
            ("none", None),
        ];
        assert_eq!(rank(items), ["rule", "msg-a", "msg-b", "bare", "none"]);
    }
}
