//! What a failing exercise says, proved end to end on the fixture course.
//!
//! Why this file exists: the runner's own-failure extraction and the ranking of failures
//! (`pipeline::failure`) have unit tests on libtest output written by hand; these tests prove
//! them on output real test binaries print. The fixture course is laid over with
//! `tests/fixtures/messages`: an answer whose code panics on purpose (a helper thread, a caught
//! panic) before its test's assertion fails, an exercise with a bare failing test and a
//! rule-naming one, and a bare `#[should_panic]` test that does not panic.

use std::path::Path;

mod support;

use support::{copy_dir, fixture, json, learner_course, xtask_in as xtask};

/// The fixture course with the message fixtures laid over it.
fn course() -> tempfile::TempDir {
    let c = learner_course();
    copy_dir(&fixture("messages/lesson-01"), &c.path().join("lesson-01"));
    c
}

fn test_message<'a>(report: &'a serde_json::Value, test: &str) -> &'a str {
    report["exercises"]
        .as_array()
        .expect("exercises")
        .iter()
        .flat_map(|e| e["tests"].as_array().expect("tests"))
        .find(|t| t["name"] == test)
        .unwrap_or_else(|| panic!("no test {test} in the report: {report}"))["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{test} must fail with a message: {report}"))
}

/// The `│ ` lines shown under `test` in the human report.
fn shown_under(stdout: &str, test: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| l.trim() != test)
        .skip(1)
        .take_while(|l| l.trim_start().starts_with('│'))
        .map(|l| l.trim_start().trim_start_matches('│').trim().to_string())
        .collect()
}

fn check(dir: &Path, args: &[&str]) -> support::Run {
    let run = xtask(dir, args);
    assert_eq!(
        run.code,
        1,
        "the fixture answers fail, so check must exit 1:\n{}",
        run.output()
    );
    run
}

#[test]
fn the_assertion_is_shown_not_the_panics_the_code_made_on_purpose() {
    let c = course();
    let report = json(&check(c.path(), &["check", "lesson-01", "e03", "--json"]));
    let m = test_message(&report, "e03_greet::greets");
    assert!(
        m.starts_with(
            "assertion `left == right` failed: greet must say “hello, ” and then the name"
        ),
        "the test's own failure (its assertion on the test thread) must come first, not the \
         first panic printed:\n{m}"
    );
    let (own, context) = m
        .split_once("Other panics during this test (context only")
        .unwrap_or_else(|| panic!("the other panics must follow as context:\n{m}"));
    assert!(
        !own.contains("gear slipped") && !own.contains("caught:"),
        "panics of other threads and caught panics are context only:\n{m}"
    );
    assert!(
        context.contains("gear slipped") && context.contains("caught: a nested runtime"),
        "both panics the code made on purpose must be listed as context:\n{m}"
    );

    let human = check(c.path(), &["check", "lesson-01", "e03"]);
    let lines = shown_under(&human.stdout, "e03_greet::greets");
    assert_eq!(
        lines.first().map(String::as_str),
        Some("assertion `left == right` failed: greet must say “hello, ” and then the name"),
        "the report's first message line must be the assertion's:\n{}",
        human.stdout
    );
}

#[test]
fn the_rule_naming_failure_is_shown_first_with_the_count_of_the_rest() {
    let c = course();
    let human = check(c.path(), &["check", "lesson-01", "e01"]);
    let out = &human.stdout;
    assert!(
        !out.contains("e01_add::adds\n"),
        "the bare failure (alphabetically first) must not be the one shown:\n{out}"
    );
    let lines = shown_under(out, "e01_add::adds_zero");
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains("rule 1 of adding: zero changes nothing")),
        "the failure naming a rule must be shown first:\n{out}"
    );
    assert!(
        out.contains(
            "+1 more failing — see them all with `cargo xtask check lesson-01 e01_add --all`"
        ),
        "the report must say how many more fail and how to see them:\n{out}"
    );

    let all = check(c.path(), &["check", "lesson-01", "e01", "--all"]);
    let zero = all.stdout.find("e01_add::adds_zero");
    let bare = all.stdout.find("e01_add::adds\n");
    assert!(
        matches!((zero, bare), (Some(z), Some(b)) if z < b),
        "--all must show both failures, the rule-naming one first:\n{}",
        all.stdout
    );
    assert!(
        !all.stdout.contains("more failing"),
        "--all shows everything, so nothing is left to count:\n{}",
        all.stdout
    );

    let report = json(&check(c.path(), &["check", "lesson-01", "e01", "--json"]));
    let tests = report["exercises"][0]["tests"]
        .as_array()
        .expect("tests of e01");
    assert_eq!(
        tests.len(),
        2,
        "--json keeps every test, in test order: {report}"
    );
}

#[test]
fn a_should_panic_test_that_did_not_panic_names_its_promise() {
    let c = course();
    let report = json(&check(c.path(), &["check", "lesson-01", "e02", "--json"]));
    let m = test_message(&report, "e02_settle::a_second_settle_panics");
    assert!(
        m.contains("“a second settle panics”"),
        "the promise must be named from the test's name, not left as libtest's bare line:\n{m}"
    );
    assert!(
        !m.contains("did not panic as expected"),
        "libtest's bare line says nothing a learner can act on:\n{m}"
    );
}

#[test]
fn verify_shows_the_first_message_of_every_mistake_and_flags_bare_ones() {
    // The fixture course as it is: its e01 mistake fails only a bare `assert_eq!`.
    let c = learner_course();
    let run = xtask(
        c.path(),
        &["verify", "lesson-01", "--proof", "4", "--show-messages"],
    );
    assert_eq!(
        run.code,
        0,
        "every fixture mistake is rejected:\n{}",
        run.output()
    );
    let line = |mistake: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(mistake) && l.contains(" → "))
            .unwrap_or_else(|| {
                panic!(
                    "--show-messages must print `{mistake} → first line`:\n{}",
                    run.stdout
                )
            })
            .to_string()
    };
    let subtracts = line("mistakes/e01_add/subtracts.rs");
    assert!(
        subtracts.contains("→ assertion `left == right` failed")
            && subtracts.ends_with("[bare: names no promise]"),
        "a bare assertion must be flagged as naming no promise: {subtracts}"
    );
    let shouts = line("mistakes/e03_greet/shouts.rs");
    assert!(
        shouts.contains(" → "),
        "each mistake gets its line: {shouts}"
    );
}
