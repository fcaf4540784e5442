//! The platform result files: Classroom 50's `result.json` and PrairieLearn's `results.json`.
//!
//! Why this file exists: one graded result ([`StudentGrade`]), several platforms that each want
//! it in their own shape. The scoring happened once, in [`crate::instructor::grade`]; these
//! writers only re-shape it, so a student's points are the same number on every platform and
//! in the gradebook. Gradescope's file, the feedback and JUnit live in
//! [`crate::instructor::grade::gradebook`]; both files share its rules for what a student may
//! see (hidden tests: name and verdict only; compile errors about hidden tests: redacted).
//!
//! * **Classroom 50** (`classroom50/result/v1`): `score`, `max-score`, one `tests` row per
//!   test (`test-name`, `passed`, `score`, `max-score`), plus the submission's identity that
//!   the Classroom 50 runner hands its autograder in the environment (`CLASSROOM`,
//!   `ASSIGNMENT`, `SUBMISSION_TAG`, `COMMIT_URL`, `RELEASE_URL`, `REVIEW_URL`) and the time
//!   of grading.
//! * **PrairieLearn** external grading: `gradable`, `score` as a fraction 0–1, `message`, and
//!   `tests` rows with `name`, `points`, `max_points`, `message`, `output`.

use serde_json::{Value, json};

use crate::course::status::Status;
use crate::instructor::grade::gradebook::{
    StudentGrade, TestGrade, blocker_text, fmt_score, round,
};

/// A platform result file `grade` can write next to the Gradescope one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Gradescope's `results.json` (always written).
    Gradescope,
    /// Classroom 50's `result.json` (`classroom50/result/v1`).
    Classroom50,
    /// PrairieLearn's external-grading results, as `prairielearn.json`.
    Prairielearn,
}

impl Format {
    /// The file name in each student's out folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Gradescope => "results.json",
            Format::Classroom50 => "result.json",
            Format::Prairielearn => "prairielearn.json",
        }
    }
}

/// The submission identity Classroom 50's runner passes its autograder (empty when unset).
#[derive(Debug, Clone, Default)]
pub struct Classroom50Meta {
    /// `CLASSROOM`: the classroom's short name.
    pub classroom: String,
    /// `ASSIGNMENT`: the assignment slug.
    pub assignment: String,
    /// `SUBMISSION_TAG`: the `submit/...` tag graded.
    pub submission: String,
    /// `COMMIT_URL`.
    pub commit: String,
    /// `RELEASE_URL`.
    pub release: String,
    /// `REVIEW_URL` (older runners leave it out; the commit view stands in).
    pub review: String,
    /// When grading finished, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub datetime: String,
}

impl Classroom50Meta {
    /// Reads the runner's variables from this process's environment.
    pub fn from_env() -> Classroom50Meta {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        let commit = var("COMMIT_URL");
        let review = Some(var("REVIEW_URL"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| commit.clone());
        Classroom50Meta {
            classroom: var("CLASSROOM"),
            assignment: var("ASSIGNMENT"),
            submission: var("SUBMISSION_TAG"),
            commit,
            release: var("RELEASE_URL"),
            review,
            datetime: utc_now(),
        }
    }
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, so no date crate is needed).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    utc_from_unix(secs)
}

fn utc_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// One row per test (or per exercise that ran no test), as every platform lists them.
struct Row {
    name: String,
    passed: bool,
    score: f64,
    max: f64,
    /// What the student may read about it.
    output: String,
}

fn rows(g: &StudentGrade, files: &[(String, String)]) -> Vec<Row> {
    let mut out = Vec::new();
    for (e, (_, file)) in g.exercises.iter().zip(files) {
        if e.tests.is_empty() {
            out.push(Row {
                name: format!("{} ({})", e.id, e.title),
                passed: e.score >= e.points,
                score: e.score,
                max: e.points,
                output: e
                    .blocker
                    .as_ref()
                    .map(|b| blocker_text(b, file))
                    .unwrap_or_else(|| "No tests ran for this exercise.".into()),
            });
            continue;
        }
        for t in &e.tests {
            out.push(Row {
                name: format!("{}{}", if t.hidden { "hidden: " } else { "" }, t.name),
                passed: t.status == Status::Pass,
                score: round(t.score),
                max: round(t.max),
                output: visible_output(t, e.blocker.as_ref().map(|b| blocker_text(b, file))),
            });
        }
    }
    out
}

fn visible_output(t: &TestGrade, blocked: Option<String>) -> String {
    if t.hidden {
        format!(
            "Hidden test: {}.",
            if t.status == Status::Pass {
                "passed"
            } else {
                "did not pass"
            }
        )
    } else if let Some(b) = blocked {
        b
    } else if t.status == Status::Pass {
        String::new()
    } else {
        t.message.clone().unwrap_or_default()
    }
}

/// Classroom 50's `result.json` (`classroom50/result/v1`).
pub fn classroom50_json(
    g: &StudentGrade,
    files: &[(String, String)],
    meta: &Classroom50Meta,
) -> Value {
    let tests: Vec<Value> = rows(g, files)
        .into_iter()
        .map(|r| {
            json!({
                "test-name": r.name,
                "passed": r.passed,
                "score": r.score,
                "max-score": r.max,
            })
        })
        .collect();
    json!({
        "schema": "classroom50/result/v1",
        "classroom": meta.classroom,
        "assignment": meta.assignment,
        "submission": meta.submission,
        "commit": meta.commit,
        "release": meta.release,
        "review": meta.review,
        "datetime": meta.datetime,
        "score": round(g.total()),
        "max-score": round(g.max()),
        "tests": tests,
    })
}

/// The one-line `summary=` Classroom 50 shows for a graded submission.
pub fn classroom50_summary(g: &StudentGrade) -> String {
    format!(
        "{} / {} points ({} of {} exercises full marks)",
        fmt_score(g.total()),
        fmt_score(g.max()),
        g.exercises.iter().filter(|e| e.score >= e.points).count(),
        g.exercises.len()
    )
}

/// PrairieLearn's external-grading `results.json`.
pub fn prairielearn_json(g: &StudentGrade, files: &[(String, String)]) -> Value {
    let tests: Vec<Value> = rows(g, files)
        .into_iter()
        .map(|r| {
            json!({
                "name": r.name,
                "points": r.score,
                "max_points": r.max,
                "message": if r.passed { "passed" } else { "did not pass" },
                "output": r.output,
            })
        })
        .collect();
    let max = g.max();
    let fraction = if max > 0.0 { g.total() / max } else { 0.0 };
    let mut message = format!(
        "{} / {} points. Each test below says what it checks; hidden tests show only their verdict.",
        fmt_score(g.total()),
        fmt_score(max)
    );
    for n in &g.notes {
        message.push(' ');
        message.push_str(n);
    }
    json!({
        "gradable": true,
        "score": (fraction.clamp(0.0, 1.0) * 1e4).round() / 1e4,
        "message": message,
        "tests": tests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instructor::grade::gradebook::{Blocker, ExerciseGrade};

    fn grade() -> StudentGrade {
        let t = |name: &str, hidden, pass: bool| TestGrade {
            name: name.into(),
            hidden,
            status: if pass { Status::Pass } else { Status::Fail },
            message: (!pass).then(|| "secret hidden message".to_string()),
            score: if pass { 5.0 } else { 0.0 },
            max: 5.0,
        };
        StudentGrade {
            name: "ada".into(),
            notes: vec![],
            exercises: vec![
                ExerciseGrade {
                    id: "e01_a".into(),
                    title: "A".into(),
                    points: 10.0,
                    score: 5.0,
                    blocker: None,
                    tests: vec![t("e01_a::one", false, true), t("e01_a::two", true, false)],
                },
                ExerciseGrade {
                    id: "e02_b".into(),
                    title: "B".into(),
                    points: 5.0,
                    score: 0.0,
                    blocker: Some(Blocker::Missing),
                    tests: vec![],
                },
            ],
        }
    }

    fn files() -> Vec<(String, String)> {
        vec![
            ("e01_a".into(), "lesson-09/src/e01_a.rs".into()),
            ("e02_b".into(), "lesson-09/src/e02_b.rs".into()),
        ]
    }

    #[test]
    fn one_score_every_format() {
        let g = grade();
        let c = classroom50_json(&g, &files(), &Classroom50Meta::default());
        let p = prairielearn_json(&g, &files());
        assert_eq!(
            c["score"], 5.0,
            "Classroom 50 total must be the graded total"
        );
        assert_eq!(c["max-score"], 15.0);
        assert_eq!(
            p["score"], 0.3333,
            "PrairieLearn's score is the same total as a fraction"
        );
        let rows = c["tests"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            3,
            "one row per test, one per exercise without tests"
        );
        let sum: f64 = rows.iter().map(|r| r["score"].as_f64().unwrap()).sum();
        assert_eq!(sum, 5.0, "the rows add up to the total");
        assert!(
            !p.to_string().contains("secret hidden message"),
            "a hidden test's message reached PrairieLearn's output"
        );
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_from_unix(1_780_000_000), "2026-05-28T20:26:40Z");
        assert_eq!(utc_from_unix(951_782_400), "2000-02-29T00:00:00Z");
    }
}
