//! Step 5 of grading: from verdicts to points — a pure function, no files, no processes.
//!
//! Why this file exists: scoring is where a grader is most often quietly wrong (a stub that
//! passes a test earns points, a test that was never run counts as passed, a blocked exercise
//! keeps the points of the tests that did run). Keeping it free of I/O lets unit tests pin each
//! rule down:
//!
//! * an exercise worth `points` with `n` tests (visible and hidden together) gives `points / n`
//!   per passing test — partial credit;
//! * a blocked exercise (missing, unchanged stub, bad file, policy, compile error, or the stub
//!   put in because the file did not compile) scores 0 and its tests show as not run;
//! * a test the grader listed but has no verdict for is "not run", never a pass.

use std::collections::BTreeMap;

use crate::course::Exercise;
use crate::course::status::Status;
use crate::instructor::grade::gradebook::{Blocker, ExerciseGrade, TestGrade};

/// The test targets of a grading binary, in the order students see them.
pub const TARGETS: [&str; 2] = ["check", "hidden"];

/// Verdicts of one build: (target, test name) → (status, message).
pub type Verdicts = BTreeMap<(String, String), (Status, Option<String>)>;

/// What is known about one student's member build.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts<'a> {
    /// Target (`check`/`hidden`) → test names the binary listed (empty when not built).
    pub listed: BTreeMap<String, Vec<String>>,
    /// Exercise id → compiler messages of the file that was swapped for its stub.
    pub compile_errors: Option<&'a BTreeMap<String, String>>,
    /// Why the member has no test binary at all.
    pub build_failed: Option<&'a str>,
    /// The verdicts of this member's tests.
    pub verdicts: Option<&'a Verdicts>,
}

/// Scores one exercise for one student. `blocker` is what policing found for the student.
pub fn score_exercise(
    ex: &Exercise,
    blocker: Option<&Blocker>,
    facts: &MemberFacts,
) -> ExerciseGrade {
    let blocker = blocker
        .cloned()
        .or_else(|| {
            facts
                .compile_errors
                .and_then(|c| c.get(&ex.id))
                .map(|text| Blocker::CompileError(text.clone()))
        })
        .or_else(|| {
            facts
                .build_failed
                .map(|why| Blocker::CompileError(why.to_string()))
        });
    let points = f64::from(ex.points);
    let mut tests = Vec::new();
    for target in TARGETS {
        for t in facts
            .listed
            .get(target)
            .into_iter()
            .flatten()
            .filter(|t| ex.owns_test(t))
        {
            let (status, message) = if blocker.is_some() {
                (Status::NotRun, None)
            } else {
                facts
                    .verdicts
                    .and_then(|v| v.get(&(target.to_string(), t.clone())))
                    .cloned()
                    .unwrap_or((Status::NotRun, Some("not run".into())))
            };
            tests.push(TestGrade {
                name: t.clone(),
                hidden: target == "hidden",
                status,
                message,
                score: 0.0,
                max: 0.0,
            });
        }
    }
    let n = tests.len().max(1) as f64;
    for t in &mut tests {
        t.max = points / n;
        t.score = if blocker.is_none() && t.status == Status::Pass {
            points / n
        } else {
            0.0
        };
    }
    let score = tests.iter().map(|t| t.score).sum();
    ExerciseGrade {
        id: ex.id.clone(),
        title: ex.title.clone(),
        points,
        score,
        blocker,
        tests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(id: &str, points: u32) -> Exercise {
        Exercise {
            id: id.into(),
            title: id.into(),
            file: format!("src/{id}.rs").into(),
            points,
            hints: Vec::new(),
            timeout_secs: None,
            readme: None,
        }
    }

    fn listed(tests: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (target, t) in tests {
            m.entry(target.to_string()).or_default().push(t.to_string());
        }
        m
    }

    fn verdicts(v: &[(&str, &str, Status)]) -> Verdicts {
        v.iter()
            .map(|(target, t, s)| ((target.to_string(), t.to_string()), (*s, None)))
            .collect()
    }

    const FOUR: [(&str, &str); 4] = [
        ("check", "e01_a::one"),
        ("check", "e01_a::two"),
        ("hidden", "e01_a::three"),
        ("hidden", "e01_a::four"),
    ];

    #[test]
    fn partial_credit_is_per_passing_test() {
        let v = verdicts(&[
            ("check", "e01_a::one", Status::Pass),
            ("check", "e01_a::two", Status::Pass),
            ("hidden", "e01_a::three", Status::Pass),
            ("hidden", "e01_a::four", Status::Fail),
        ]);
        let facts = MemberFacts {
            listed: listed(&FOUR),
            verdicts: Some(&v),
            ..MemberFacts::default()
        };
        let g = score_exercise(&ex("e01_a", 10), None, &facts);
        assert_eq!(
            g.score, 7.5,
            "3 of 4 tests on a 10-point exercise must score 7.5"
        );
        assert_eq!(g.tests.len(), 4, "visible and hidden tests both count");
        assert!(
            g.tests.iter().filter(|t| t.hidden).count() == 2,
            "hidden tests must be marked hidden"
        );
    }

    #[test]
    fn a_stub_put_in_for_a_compile_error_scores_zero() {
        // The stub's own tests may pass (e.g. "a future never awaited does nothing"): they
        // must not earn points for a file that did not compile.
        let v = verdicts(&[("check", "e01_a::one", Status::Pass)]);
        let errors: BTreeMap<String, String> = [(
            "e01_a".to_string(),
            "error: expected expression".to_string(),
        )]
        .into();
        let facts = MemberFacts {
            listed: listed(&FOUR),
            compile_errors: Some(&errors),
            verdicts: Some(&v),
            ..MemberFacts::default()
        };
        let g = score_exercise(&ex("e01_a", 10), None, &facts);
        assert_eq!(g.score, 0.0, "a file swapped for its stub must score 0");
        assert!(
            matches!(&g.blocker, Some(Blocker::CompileError(t)) if t.contains("expected expression")),
            "the compiler's message must reach the student: {:?}",
            g.blocker
        );
        assert!(
            g.tests.iter().all(|t| t.status == Status::NotRun),
            "tests of a blocked exercise show as not run"
        );
        // The other exercise of the same member is graded on its own.
        let other = score_exercise(&ex("e02_b", 5), None, &facts);
        assert!(
            other.blocker.is_none(),
            "one broken file blocks only itself"
        );
    }

    #[test]
    fn missing_and_unchanged_files_score_zero() {
        let v = verdicts(&[
            ("check", "e01_a::one", Status::Pass),
            ("check", "e01_a::two", Status::Pass),
        ]);
        let facts = MemberFacts {
            listed: listed(&FOUR[..2]),
            verdicts: Some(&v),
            ..MemberFacts::default()
        };
        for b in [Blocker::Missing, Blocker::Unchanged] {
            let g = score_exercise(&ex("e01_a", 10), Some(&b), &facts);
            assert_eq!(
                g.score, 0.0,
                "{b:?} must score 0 even where the stub passes"
            );
            assert_eq!(g.blocker, Some(b.clone()), "the reason must be kept");
        }
    }

    #[test]
    fn a_member_that_did_not_build_scores_zero_everywhere() {
        let facts = MemberFacts {
            build_failed: Some("the compiler crashed on this submission"),
            ..MemberFacts::default()
        };
        let g = score_exercise(&ex("e01_a", 10), None, &facts);
        assert_eq!(g.score, 0.0, "no binary, no points");
        assert!(
            matches!(&g.blocker, Some(Blocker::CompileError(t)) if t.contains("crashed")),
            "the student must be told why: {:?}",
            g.blocker
        );
    }

    #[test]
    fn a_test_without_a_verdict_is_not_a_pass() {
        let v = verdicts(&[("check", "e01_a::one", Status::Pass)]);
        let facts = MemberFacts {
            listed: listed(&FOUR[..2]),
            verdicts: Some(&v),
            ..MemberFacts::default()
        };
        let g = score_exercise(&ex("e01_a", 10), None, &facts);
        assert_eq!(
            g.score, 5.0,
            "a listed test that never ran must not earn points"
        );
        assert_eq!(
            g.tests[1].message.as_deref(),
            Some("not run"),
            "it must say it was not run"
        );
    }
}
