//! Grades and the files handed back: gradebook, Gradescope `results.json`, feedback, JUnit.
//!
//! Why this file exists: one grading run has several audiences. The instructor wants a
//! spreadsheet (`gradebook.csv`) and a summary on screen; Gradescope wants its own JSON schema;
//! CI dashboards read JUnit XML; the student wants to know *why* they lost points. All of them
//! are views of the same [`StudentGrade`], built once.
//!
//! ## Partial credit
//!
//! An exercise worth `points` with `n` tests (visible and hidden together) gives `points / n`
//! per passing test, so 3 of 4 tests on a 10-point exercise score 7.5. An exercise whose file
//! is missing, is the unchanged stub, breaks the source policy, cannot be read or does not
//! compile scores 0, and its tests are not run for that student. (The unchanged-stub rule exists
//! because some tests — "a future that is never awaited does nothing" — pass on a `todo!()`
//! stub; without it, handing in nothing would earn points.) Hidden tests count like visible ones but the student sees
//! only their names and verdicts, never their messages.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use crate::course::status::Status;
use crate::instructor::grade::formats::{self, Format};
use crate::pipeline::failure;

/// One test's grade.
#[derive(Debug, Clone)]
pub struct TestGrade {
    /// Full libtest name.
    pub name: String,
    /// From `grading/hidden.rs`.
    pub hidden: bool,
    /// Verdict.
    pub status: Status,
    /// Failure message (never shown for hidden tests).
    pub message: Option<String>,
    /// Points earned.
    pub score: f64,
    /// Points possible.
    pub max: f64,
}

/// Why an exercise was not graded on its own code.
#[derive(Debug, Clone, PartialEq)]
pub enum Blocker {
    /// No file in the submission.
    Missing,
    /// The file is the original stub, unchanged: no work to grade.
    Unchanged,
    /// A file that cannot be used (link out of the folder, too big, not UTF-8).
    BadFile(String),
    /// Breaks the source policy; the plain-words list.
    Policy(String),
    /// Does not compile; rustc's messages.
    CompileError(String),
}

/// One exercise's grade.
#[derive(Debug, Clone)]
pub struct ExerciseGrade {
    /// Exercise id.
    pub id: String,
    /// Title from lesson.toml.
    pub title: String,
    /// Points possible.
    pub points: f64,
    /// Points earned.
    pub score: f64,
    /// Set when the student's file was not graded.
    pub blocker: Option<Blocker>,
    /// Per-test grades (empty when blocked and never run).
    pub tests: Vec<TestGrade>,
}

impl ExerciseGrade {
    /// A one-word verdict for tables: pass, partial, fail, timeout, missing, policy, compile_error...
    pub fn verdict(&self) -> &'static str {
        match &self.blocker {
            Some(Blocker::Missing) => "missing",
            Some(Blocker::Unchanged) => "unchanged_stub",
            Some(Blocker::BadFile(_)) => "bad_file",
            Some(Blocker::Policy(_)) => "policy_violation",
            Some(Blocker::CompileError(_)) => "compile_error",
            None => {
                let passed = self
                    .tests
                    .iter()
                    .filter(|t| t.status == Status::Pass)
                    .count();
                if self.tests.is_empty() {
                    "not_run"
                } else if passed == self.tests.len() {
                    "pass"
                } else if self.tests.iter().any(|t| t.status == Status::Timeout) && passed == 0 {
                    "timeout"
                } else if passed > 0 {
                    "partial"
                } else {
                    "fail"
                }
            }
        }
    }
}

/// One student's grade.
#[derive(Debug, Clone)]
pub struct StudentGrade {
    /// Folder name.
    pub name: String,
    /// Per exercise, in lesson order.
    pub exercises: Vec<ExerciseGrade>,
    /// Notes about the submission as a whole (e.g. "no recognisable file").
    pub notes: Vec<String>,
}

impl StudentGrade {
    /// Total points earned.
    pub fn total(&self) -> f64 {
        self.exercises.iter().map(|e| e.score).sum()
    }
    /// Total points possible.
    pub fn max(&self) -> f64 {
        self.exercises.iter().map(|e| e.points).sum()
    }
}

/// Formats a score without float noise: `10`, `7.5`, `3.33`.
pub fn fmt_score(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(['=', '+', '-', '@']) {
        // Quote, and defuse spreadsheet formulas in student-chosen names.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `gradebook.csv`: `student`, one column per exercise id, `total`.
pub fn gradebook_csv(ids: &[String], grades: &[StudentGrade]) -> String {
    let mut out = String::from("student");
    for id in ids {
        out.push(',');
        out.push_str(&csv_field(id));
    }
    out.push_str(",total\n");
    for g in grades {
        out.push_str(&csv_field(&g.name));
        for e in &g.exercises {
            out.push(',');
            out.push_str(&fmt_score(e.score));
        }
        out.push(',');
        out.push_str(&fmt_score(g.total()));
        out.push('\n');
    }
    out
}

/// Rounds points for the JSON files (four decimals: `10 / 3` tests stay readable).
pub fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Why an exercise was not graded on its own code, for the student (compile errors about the
/// hidden tests already redacted).
pub fn blocker_text(b: &Blocker, file: &str) -> String {
    match b {
        Blocker::Missing => format!("No file was found for this exercise (looked for `{file}`)."),
        Blocker::Unchanged => {
            "This is the original stub, unchanged: there is no work to grade yet.".to_string()
        }
        Blocker::BadFile(why) => format!("The file could not be graded: {why}."),
        Blocker::Policy(text) => text.clone(),
        Blocker::CompileError(text) => format!(
            "This file does not compile, so the grader used the original stub in its place (the \
             other exercises were graded normally). The compiler said:\n\n{}",
            redact_hidden(text)
        ),
    }
}

/// What a student reads instead of a compiler message about the hidden tests.
pub const HIDDEN_DOES_NOT_COMPILE: &str = "error: a hidden test does not compile against your \
    API: check your public signatures (names, argument and return types) against the stub";

/// Removes every compiler message that points into `grading/` (the hidden tests), leaving one
/// plain line in its place.
///
/// rustc quotes the source lines around each span, so a submission whose API makes the hidden
/// tests fail to compile would otherwise receive those tests' code in its feedback. A message
/// starts at a line beginning with `error`, `warning`, `note` or `help` (rustc's column-0
/// headers) and runs to the next one; a message is dropped whole if any of its lines names a
/// file under `grading/`. Every writer (feedback, results, JUnit, the platform formats) goes
/// through [`blocker_text`], so this is the one place.
pub fn redact_hidden(text: &str) -> String {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        let header = ["error", "warning", "note", "help"]
            .iter()
            .any(|h| line.starts_with(h));
        if header || blocks.is_empty() {
            blocks.push(Vec::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push(line);
        }
    }
    let mentions_hidden = |b: &[&str]| {
        b.iter()
            .any(|l| l.contains("grading/") || l.contains("grading\\") || l.contains("hidden.rs"))
    };
    let mut out: Vec<String> = Vec::new();
    let mut said = false;
    for b in &blocks {
        if mentions_hidden(b) {
            if !said {
                out.push(HIDDEN_DOES_NOT_COMPILE.to_string());
                out.push(String::new());
                said = true;
            }
        } else {
            out.extend(b.iter().map(|l| l.to_string()));
        }
    }
    out.join("\n").trim_end().to_string()
}

/// Gradescope's `results.json`.
pub fn results_json(g: &StudentGrade, files: &[(String, String)]) -> serde_json::Value {
    let mut tests = Vec::new();
    for (e, (_, file)) in g.exercises.iter().zip(files) {
        if e.tests.is_empty() {
            tests.push(json!({
                "name": format!("{} ({})", e.id, e.title),
                "score": e.score,
                "max_score": e.points,
                "status": if e.score >= e.points { "passed" } else { "failed" },
                "output": e.blocker.as_ref().map(|b| blocker_text(b, file)).unwrap_or_else(|| "No tests ran for this exercise.".into()),
                "visibility": "visible",
            }));
            continue;
        }
        for t in &e.tests {
            let output = if t.hidden {
                format!(
                    "Hidden test: {}.",
                    if t.status == Status::Pass {
                        "passed"
                    } else {
                        "did not pass"
                    }
                )
            } else if let Some(b) = &e.blocker {
                blocker_text(b, file)
            } else {
                t.message.clone().unwrap_or_default()
            };
            tests.push(json!({
                "name": format!("{}{}", if t.hidden { "hidden: " } else { "" }, t.name),
                "score": (t.score * 1e4).round() / 1e4,
                "max_score": (t.max * 1e4).round() / 1e4,
                "status": if t.status == Status::Pass { "passed" } else { "failed" },
                "output": output,
                "visibility": if t.hidden { "after_due_date" } else { "visible" },
            }));
        }
    }
    json!({
        "score": (g.total() * 100.0).round() / 100.0,
        "output": format!("{} / {} points. See each test for details.", fmt_score(g.total()), fmt_score(g.max())),
        "visibility": "visible",
        "tests": tests,
    })
}

/// The student's `feedback.md`.
pub fn feedback_md(lesson: &str, g: &StudentGrade, files: &[(String, String)]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {lesson} — feedback for {}\n", g.name);
    let _ = writeln!(
        s,
        "**Total: {} / {}**\n",
        fmt_score(g.total()),
        fmt_score(g.max())
    );
    for n in &g.notes {
        let _ = writeln!(s, "> {n}\n");
    }
    for (e, (_, file)) in g.exercises.iter().zip(files) {
        let _ = writeln!(
            s,
            "## {} — {} ({} / {}, {})\n",
            e.id,
            e.title,
            fmt_score(e.score),
            fmt_score(e.points),
            e.verdict()
        );
        if let Some(b) = &e.blocker {
            let text = blocker_text(b, file);
            if matches!(b, Blocker::CompileError(_)) {
                let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
                let _ = writeln!(s, "{head}\n\n```text\n{}\n```\n", body.trim_end());
            } else {
                let _ = writeln!(s, "{text}\n");
            }
        }
        for t in feedback_order(&e.tests) {
            let (mark, note) = match t.status {
                Status::Pass => ("✓", ""),
                Status::NotRun => ("–", " (not run)"),
                Status::Timeout => ("✗", " (timed out)"),
                _ => ("✗", ""),
            };
            if t.hidden {
                let _ = writeln!(s, "- {mark} hidden test `{}`{note}", t.name);
            } else {
                let _ = writeln!(s, "- {mark} `{}`{note}", t.name);
                if t.status != Status::Pass
                    && e.blocker.is_none()
                    && let Some(m) = &t.message
                {
                    let m: String = m.lines().take(30).collect::<Vec<_>>().join("\n");
                    let _ = writeln!(s, "\n  ```text\n{}\n  ```", indent(&m, "  "));
                }
            }
        }
        s.push('\n');
    }
    s
}

/// The order of tests in `feedback.md`: the visible failing tests first, the most telling one
/// on top (the same ranking as `check`: pipeline::failure), then the rest as listed.
fn feedback_order(tests: &[TestGrade]) -> Vec<&TestGrade> {
    let failing_visible =
        |t: &TestGrade| !t.hidden && matches!(t.status, Status::Fail | Status::Timeout);
    let mut order = failure::rank(
        tests
            .iter()
            .filter(|t| failing_visible(t))
            .map(|t| (t, t.message.as_deref()))
            .collect(),
    );
    order.extend(tests.iter().filter(|t| !failing_visible(t)));
    order
}

fn indent(text: &str, pad: &str) -> String {
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `junit.xml`: one testsuite per exercise.
pub fn junit_xml(lesson: &str, g: &StudentGrade, files: &[(String, String)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"{}\">",
        xml(&format!("{lesson} {}", g.name))
    );
    for (e, (_, file)) in g.exercises.iter().zip(files) {
        let failures = e.tests.iter().filter(|t| t.status != Status::Pass).count()
            + usize::from(e.tests.is_empty());
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml(&e.id),
            e.tests.len().max(1)
        );
        if e.tests.is_empty() {
            let why = e
                .blocker
                .as_ref()
                .map(|b| blocker_text(b, file))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    <testcase classname=\"{id}\" name=\"{id}\"><failure message=\"{}\">{}</failure></testcase>",
                xml(e.verdict()),
                xml(&why),
                id = xml(&e.id)
            );
        }
        for t in &e.tests {
            let name = format!("{}{}", if t.hidden { "hidden::" } else { "" }, t.name);
            if t.status == Status::Pass {
                let _ = writeln!(
                    s,
                    "    <testcase classname=\"{}\" name=\"{}\"/>",
                    xml(&e.id),
                    xml(&name)
                );
            } else {
                let body = if t.hidden {
                    String::new()
                } else if let Some(b) = &e.blocker {
                    blocker_text(b, file)
                } else {
                    t.message.clone().unwrap_or_default()
                };
                let _ = writeln!(
                    s,
                    "    <testcase classname=\"{}\" name=\"{}\"><failure message=\"{}\">{}</failure></testcase>",
                    xml(&e.id),
                    xml(&name),
                    t.status.as_str(),
                    xml(&body)
                );
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

/// The summary table printed at the end of a run.
pub fn summary_table(ids: &[String], grades: &[StudentGrade]) -> String {
    // Names are printed escaped: a folder name must not reach the terminal as an escape code.
    let names: Vec<String> = grades
        .iter()
        .map(|g| crate::instructor::grade::collect::terminal_safe(&g.name))
        .collect();
    let name_w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 40);
    let short: Vec<String> = ids
        .iter()
        .map(|id| id.split('_').next().unwrap_or(id).to_string())
        .collect();
    let mut s = format!("{:<name_w$}", "student");
    for id in &short {
        let _ = write!(s, " {id:>5}");
    }
    s.push_str("   total\n");
    for (g, shown) in grades.iter().zip(&names) {
        let name: String = shown.chars().take(name_w).collect();
        let pad = name_w.saturating_sub(name.chars().count());
        let _ = write!(s, "{name}{}", " ".repeat(pad));
        for e in &g.exercises {
            let _ = write!(s, " {:>5}", fmt_score(e.score));
        }
        let _ = writeln!(s, "   {:>5} / {}", fmt_score(g.total()), fmt_score(g.max()));
    }
    s
}

/// Writes one student's files into `dir`: `results.json` (Gradescope), `feedback.md`,
/// `junit.xml`, and one more file per platform in `formats` (see
/// [`crate::instructor::grade::formats`]). Every file is a view of the same `g`.
pub fn write_student(
    dir: &Path,
    lesson: &str,
    g: &StudentGrade,
    files: &[(String, String)],
    formats: &[Format],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    std::fs::write(dir.join("results.json"), pretty(&results_json(g, files)))?;
    std::fs::write(dir.join("feedback.md"), feedback_md(lesson, g, files))?;
    std::fs::write(dir.join("junit.xml"), junit_xml(lesson, g, files))?;
    for f in formats {
        let value = match f {
            Format::Gradescope => continue,
            Format::Classroom50 => {
                formats::classroom50_json(g, files, &formats::Classroom50Meta::from_env())
            }
            Format::Prairielearn => formats::prairielearn_json(g, files),
        };
        std::fs::write(dir.join(f.file_name()), pretty(&value))?;
    }
    if formats.contains(&Format::Classroom50) {
        std::fs::write(
            dir.join("summary.txt"),
            formats::classroom50_summary(g) + "\n",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StudentGrade {
        let t = |name: &str, hidden, pass: bool| TestGrade {
            name: name.into(),
            hidden,
            status: if pass { Status::Pass } else { Status::Fail },
            message: (!pass).then(|| "assertion failed <here>".to_string()),
            score: if pass { 2.5 } else { 0.0 },
            max: 2.5,
        };
        StudentGrade {
            name: "Zoë, \"the\" coder".into(),
            notes: vec![],
            exercises: vec![
                ExerciseGrade {
                    id: "e01_a".into(),
                    title: "A".into(),
                    points: 10.0,
                    score: 7.5,
                    blocker: None,
                    tests: vec![
                        t("e01_a::one", false, true),
                        t("e01_a::two", false, false),
                        t("e01_a::three", true, true),
                        t("e01_a::secret", true, true),
                    ],
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
    fn csv_quotes_names() {
        let csv = gradebook_csv(&["e01_a".into(), "e02_b".into()], &[sample()]);
        assert_eq!(
            csv,
            "student,e01_a,e02_b,total\n\"Zoë, \"\"the\"\" coder\",7.5,0,7.5\n"
        );
    }

    #[test]
    fn gradescope_shape_hides_hidden_messages() {
        let v = results_json(&sample(), &files());
        assert_eq!(v["score"], 7.5);
        let tests = v["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 5);
        assert_eq!(tests[2]["visibility"], "after_due_date");
        assert!(!tests[2]["output"].as_str().unwrap().contains("assertion"));
        assert_eq!(tests[1]["status"], "failed");
        assert_eq!(tests[4]["max_score"], 5.0);
    }

    #[test]
    fn feedback_and_junit() {
        let md = feedback_md("lesson-09", &sample(), &files());
        assert!(md.contains("Total: 7.5 / 15"));
        assert!(md.contains("hidden test `e01_a::secret`"));
        assert!(md.contains("No file was found"));
        let x = junit_xml("lesson-09", &sample(), &files());
        assert!(x.contains("&lt;here&gt;"));
        assert!(x.contains("hidden::e01_a::three"));
    }

    #[test]
    fn feedback_puts_the_rule_naming_failure_first() {
        let mut g = sample();
        let mut rule = g.exercises[0].tests[1].clone();
        rule.name = "e01_a::wakes".into();
        rule.message = Some("lost wakeup (rule 2: arrange a wake before returning Pending)".into());
        g.exercises[0].tests.push(rule);
        let md = feedback_md("lesson-09", &g, &files());
        let wakes = md
            .find("`e01_a::wakes`")
            .expect("the failing test is listed");
        let two = md.find("`e01_a::two`").expect("the bare failure is listed");
        let one = md.find("`e01_a::one`").expect("the passing test is listed");
        assert!(
            wakes < two && two < one,
            "feedback must list the failure naming a rule first, then other failures, then the rest:\n{md}"
        );
    }

    #[test]
    fn hidden_test_diagnostics_are_redacted() {
        let rendered = "error: this arithmetic operation will overflow\n  --> lesson-09/tests/../grading/hidden.rs:7:13\n   |\n 7 |         assert_eq!(add(1 << 40, 1 << 40), 1 << 41);\n   |                    ^^^^^^^ attempt to shift left\n\nerror[E0308]: mismatched types\n --> lesson-09/src/e01_a.rs:3:5\n  |\n3 |     a + b\n  |     ^^^^^ expected `u64`\n\nnote: required by a bound\n  --> lesson-09/grading/hidden.rs:2:1\n   |\n 2 | fn secret_helper() {}\n";
        let out = redact_hidden(rendered);
        assert!(!out.contains("1 << 40"), "hidden source leaked: {out}");
        assert!(
            !out.contains("secret_helper"),
            "hidden source leaked: {out}"
        );
        assert!(out.contains(HIDDEN_DOES_NOT_COMPILE), "{out}");
        assert_eq!(out.matches(HIDDEN_DOES_NOT_COMPILE).count(), 1, "{out}");
        assert!(
            out.contains("src/e01_a.rs:3:5"),
            "the student's own error stays: {out}"
        );
        let mut g = sample();
        g.exercises[1].blocker = Some(Blocker::CompileError(rendered.into()));
        let md = feedback_md("lesson-09", &g, &files());
        let json = results_json(&g, &files()).to_string();
        let xml = junit_xml("lesson-09", &g, &files());
        for (what, text) in [("feedback", md), ("results", json), ("junit", xml)] {
            assert!(
                !text.contains("1 &lt;&lt; 40") && !text.contains("1 << 40"),
                "{what} leaked hidden source"
            );
            assert!(
                text.contains("a hidden test does not compile"),
                "{what} lacks the plain line"
            );
        }
    }

    #[test]
    fn scores_format() {
        assert_eq!(fmt_score(10.0), "10");
        assert_eq!(fmt_score(10.0 / 3.0), "3.33");
        assert_eq!(fmt_score(0.0), "0");
    }
}
