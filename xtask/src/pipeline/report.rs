//! The check report: the calm human view and the `--json` shape of docs/FORMAT.md.
//!
//! Why this file exists: a learner reads this report dozens of times an hour, so it says little
//! and says it kindly — one line per exercise (✓/✗ and the title), the most telling failing
//! test's message for the exercise being worked on (ranked by [`failure::rank`], with
//! "+N more failing" when others fail too), progress (`3/9`) and exactly one next step. Tools
//! (the grader, editors, CI) read the JSON, whose shape is fixed by docs/FORMAT.md:
//!
//! ```json
//! {"lesson":"lesson-02","passed":3,"total":9,
//!  "exercises":[{"id":"e01_countdown","title":"...","status":"pass","points":10,
//!    "tests":[{"name":"e01_countdown::completes_after_n_polls","status":"pass","message":null}]}]}
//! ```
//!
//! Fields marked `#[serde(skip)]` are for the human view only and never reach the JSON. An
//! exercise that does not compile has one entry in `tests`, named after the exercise id, whose
//! message is rustc's diagnostic in plain text (there are no test names without a test binary).

use serde::Serialize;

use crate::course::status::Status;
use crate::pipeline::failure;
use crate::pipeline::process::strip_ansi;
use crate::term::Style;

/// A checked lesson.
#[derive(Debug, Clone, Serialize)]
pub struct LessonReport {
    /// Lesson name (`lesson-02`).
    pub lesson: String,
    /// Exercises that pass.
    pub passed: usize,
    /// Exercises checked.
    pub total: usize,
    /// One entry per checked exercise, in manifest order.
    pub exercises: Vec<ExerciseReport>,
    /// Lesson title (human view).
    #[serde(skip)]
    pub title: String,
    /// Checked against the reference solutions (human view).
    #[serde(skip)]
    pub solution: bool,
    /// rustc's warnings about the learner's exercise files, one line each:
    /// `lesson-01/src/e01_a.rs:3: unused import: `Duration`` (human view).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One exercise's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ExerciseReport {
    /// Exercise id.
    pub id: String,
    /// Exercise title.
    pub title: String,
    /// Overall status.
    pub status: Status,
    /// Points (from the manifest).
    pub points: u32,
    /// Per-test verdicts.
    pub tests: Vec<TestReport>,
    /// rustc's rendered diagnostics (ANSI) when it does not compile (human view).
    #[serde(skip)]
    pub diagnostics: Vec<String>,
    /// One line per compile error: `message (file:line)` (human view, other exercises).
    #[serde(skip)]
    pub compile_summary: Vec<String>,
    /// Learner-facing path of the file (`lesson-02/src/e01_countdown.rs`) (human view).
    #[serde(skip)]
    pub file: String,
    /// For a `not_run` exercise: its last known verdict for the current files, from an
    /// earlier check (human view: "not run — last: passed").
    #[serde(skip)]
    pub last_known: Option<Status>,
}

/// One test's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// Full libtest name (`e01_countdown::completes_after_n_polls`).
    pub name: String,
    /// Status.
    pub status: Status,
    /// Failure message, `null` when it passed.
    pub message: Option<String>,
    /// Test target it came from (`check`, `hidden`); not in the JSON.
    #[serde(skip)]
    pub target: String,
}

impl LessonReport {
    /// The verdicts this check gives about the learner's own work, for the progress cache:
    /// `(exercise id, status)`, or nothing at all when it checked the reference solutions.
    pub fn learner_verdicts(&self) -> impl Iterator<Item = (&str, Status)> {
        self.exercises
            .iter()
            .filter(|_| !self.solution)
            .map(|ex| (ex.id.as_str(), ex.status))
    }

    /// Recomputes `passed`/`total` from `exercises`.
    pub fn tally(&mut self) {
        self.total = self.exercises.len();
        self.passed = self.exercises.iter().filter(|e| e.status.is_pass()).count();
    }

    /// True when every exercise passes.
    pub fn all_pass(&self) -> bool {
        self.exercises.iter().all(|e| e.status.is_pass())
    }

    /// The first exercise that does not pass.
    pub fn first_unsolved(&self) -> Option<&ExerciseReport> {
        self.exercises.iter().find(|e| !e.status.is_pass())
    }

    /// The exercise to look at first: one that does not compile (nothing else can run until it
    /// does), else the first one that does not pass.
    pub fn focus(&self) -> Option<&ExerciseReport> {
        self.exercises
            .iter()
            .find(|e| e.status == Status::CompileError)
            .or_else(|| self.first_unsolved())
    }

    /// The JSON report (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

impl ExerciseReport {
    /// The failing tests (failed or timed out), the most telling first: a message naming a
    /// rule, then one with the author's words, then bare ones ([`failure::rank`]); ties keep
    /// the test order.
    pub fn failures(&self) -> Vec<&TestReport> {
        failure::rank(
            self.tests
                .iter()
                .filter(|t| matches!(t.status, Status::Fail | Status::Timeout))
                .map(|t| (t, t.message.as_deref()))
                .collect(),
        )
    }
}

/// How [`render`] shows a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct View<'a> {
    /// The exercise shown in detail (default: [`LessonReport::focus`]).
    pub focus: Option<&'a str>,
    /// The single next step, printed last.
    pub next: Option<&'a str>,
    /// Every failing test of an exercise, not only the most telling one (`check --all`).
    pub all: bool,
}

/// Lines of the message shown for the exercise in focus; others get one line.
const FOCUS_LINES: usize = 14;
/// Width that failure messages are wrapped to: the terminal's, less the report's indent, or a
/// readable default when the output is not a terminal.
fn line_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Some(cols) = crate::term::raw::columns()
    {
        return usize::from(cols).saturating_sub(10).clamp(50, 150);
    }
    100
}

/// Renders the human report. `focus` is the exercise shown in detail (default: the first
/// unsolved one); `next` is the single next step, printed last.
pub fn render_human(
    r: &LessonReport,
    style: Style,
    focus: Option<&str>,
    next: Option<&str>,
) -> String {
    render(
        r,
        style,
        View {
            focus,
            next,
            all: false,
        },
    )
}

/// Renders the human report as `view` says. Per exercise that fails: its most telling failing
/// test (all of them with `view.all`), the exercise in focus with up to [`FOCUS_LINES`] lines
/// of each message, the others with one; then, in focus, `+N more failing` and how to see them.
pub fn render(r: &LessonReport, style: Style, view: View<'_>) -> String {
    let View { focus, next, all } = view;
    let mut out = String::new();
    let wrap_width = line_width();
    let progress = format!("{}/{}", r.passed, r.total);
    let what = if r.solution {
        "  (reference solutions)"
    } else {
        ""
    };
    out.push_str(&format!(
        "{} · {}  {}{}\n",
        style.bold(&r.lesson),
        r.title,
        style.bold(&progress),
        style.dim(what)
    ));
    let focus = focus
        .map(str::to_string)
        .or_else(|| r.focus().map(|e| e.id.clone()));
    let width = r.exercises.iter().map(|e| e.id.len()).max().unwrap_or(0);
    for ex in &r.exercises {
        let (mark, tail) = match ex.status {
            Status::Pass => (style.green("✓"), String::new()),
            Status::NotRun => match ex.last_known {
                Some(Status::Pass) => (style.dim("✓"), style.dim(" — not run — last: passed")),
                Some(last) => (
                    style.dim("·"),
                    style.dim(&format!(" — not run — last: {}", last.phrase())),
                ),
                None => (style.dim("·"), style.dim(" — not run")),
            },
            s => (style.red("✗"), style.dim(&format!(" — {}", s.phrase()))),
        };
        out.push_str(&format!(
            "  {mark} {:<width$}  {}{tail}\n",
            ex.id,
            ex.title,
            width = width
        ));
        let in_focus = focus.as_deref() == Some(ex.id.as_str());
        if ex.status == Status::CompileError && !ex.diagnostics.is_empty() {
            if in_focus {
                out.push_str(&format!("    {}\n", style.dim(&ex.file)));
                for d in ex.diagnostics.iter().take(2) {
                    let d = if style.color {
                        d.clone()
                    } else {
                        strip_ansi(d)
                    };
                    for line in d.trim_end().lines() {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
                if ex.diagnostics.len() > 2 {
                    // (the count below)
                    out.push_str(&format!(
                        "    {}\n",
                        style.dim(&format!("({} more errors)", ex.diagnostics.len() - 2))
                    ));
                }
            } else if let Some(first) = ex.compile_summary.first() {
                out.push_str(&format!("      {}\n", style.dim(first)));
            }
        } else {
            let failing = ex.failures();
            let shown = if all { failing.len() } else { 1 };
            for t in failing.iter().take(shown) {
                let msg = t.message.as_deref().unwrap_or("");
                let lines: Vec<&str> = msg.lines().collect();
                let keep = if in_focus { FOCUS_LINES } else { 1 };
                out.push_str(&format!("      {}\n", style.dim(&t.name)));
                for line in lines.iter().take(keep) {
                    for part in wrap(line, wrap_width) {
                        out.push_str(&format!("      │ {part}\n"));
                    }
                }
                if lines.len() > keep && in_focus {
                    out.push_str(&format!(
                        "      {}\n",
                        style.dim(&format!("│ … {} more lines", lines.len() - keep))
                    ));
                }
            }
            if in_focus && failing.len() > shown {
                out.push_str(&format!(
                    "      {}\n",
                    style.dim(&more_failing(&r.lesson, &ex.id, failing.len() - shown))
                ));
            }
        }
    }
    out.push_str(&render_warnings(r, style));
    if let Some(next) = next {
        out.push_str(&format!("{} {}\n", style.bold("next:"), next));
    }
    out
}

/// The line under the most telling failure when others fail too.
pub fn more_failing(lesson: &str, exercise: &str, n: usize) -> String {
    format!("+{n} more failing — see them all with `cargo xtask check {lesson} {exercise} --all`")
}

/// Most warnings shown; the rest are counted.
const MAX_WARNINGS: usize = 5;

/// The compiler's warnings about the learner's own files, one line each, after the verdicts:
/// visible (lints teach), but quieter than a failure and never about someone else's code.
pub fn render_warnings(r: &LessonReport, style: Style) -> String {
    let mut out = String::new();
    for w in r.warnings.iter().take(MAX_WARNINGS) {
        out.push_str(&format!("  {} {w}\n", style.yellow("warning:")));
    }
    if r.warnings.len() > MAX_WARNINGS {
        out.push_str(&format!(
            "  {}\n",
            style.dim(&format!(
                "… and {} more warnings (all of them: cargo build -p {} --tests)",
                r.warnings.len() - MAX_WARNINGS,
                r.lesson
            ))
        ));
    }
    out
}

/// Word-wraps one message line to `width` columns. The harness's diagnoses are single long
/// sentences whose *end* matters ("…so nothing will ever poll it again"), so they are wrapped,
/// never cut. Continuation lines keep the original indentation plus two spaces.
fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            parts.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current.push_str(&indent);
            if !parts.is_empty() {
                current.push_str("  ");
            }
        } else {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LessonReport {
        let mut r = LessonReport {
            lesson: "lesson-02".into(),
            passed: 0,
            total: 0,
            title: "Futures by hand".into(),
            solution: false,
            warnings: vec![],
            exercises: vec![ExerciseReport {
                id: "e01_countdown".into(),
                title: "Countdown".into(),
                status: Status::Fail,
                points: 10,
                tests: vec![TestReport {
                    name: "e01_countdown::done".into(),
                    status: Status::Fail,
                    message: Some("not yet implemented".into()),
                    target: "check".into(),
                }],
                diagnostics: vec![],
                compile_summary: vec![],
                file: "lesson-02/src/e01_countdown.rs".into(),
                last_known: None,
            }],
        };
        r.tally();
        r
    }

    fn two_failures() -> LessonReport {
        let mut r = sample();
        let test = |name: &str, message: &str| TestReport {
            name: name.into(),
            status: Status::Fail,
            message: Some(message.into()),
            target: "check".into(),
        };
        r.exercises[0].tests = vec![
            test(
                "e01_countdown::a_counts",
                "assertion `left == right` failed\n  left: 1\n right: 2",
            ),
            test(
                "e01_countdown::b_wakes",
                "lost wakeup (rule 2: arrange a wake before returning Pending): poll #1",
            ),
        ];
        r
    }

    #[test]
    fn the_rule_naming_failure_is_shown_first_with_a_count_of_the_rest() {
        let s = render_human(&two_failures(), Style::plain(), None, None);
        let b = s
            .find("e01_countdown::b_wakes")
            .expect("the rule-naming test must be shown");
        assert!(
            !s.contains("e01_countdown::a_counts"),
            "only the most telling failure is shown by default:\n{s}"
        );
        assert!(s[b..].contains("│ lost wakeup (rule 2"), "{s}");
        assert!(
            s.contains(
                "+1 more failing — see them all with `cargo xtask check lesson-02 e01_countdown --all`"
            ),
            "{s}"
        );
    }

    #[test]
    fn all_shows_every_failure_best_first() {
        let view = View {
            all: true,
            ..View::default()
        };
        let s = render(&two_failures(), Style::plain(), view);
        let a = s.find("e01_countdown::a_counts").expect("--all shows both");
        let b = s.find("e01_countdown::b_wakes").expect("--all shows both");
        assert!(b < a, "the rule-naming failure comes first:\n{s}");
        assert!(!s.contains("more failing"), "{s}");
    }

    #[test]
    fn long_lines_wrap_without_losing_words() {
        let line =
            "lost wakeup (rule 2): poll #1 returned Pending and nothing will ever poll it again";
        let parts = wrap(line, 30);
        assert!(parts.iter().all(|p| p.chars().count() <= 32), "{parts:?}");
        let joined: Vec<&str> = parts.iter().flat_map(|p| p.split_whitespace()).collect();
        assert_eq!(joined.join(" "), line);
    }

    #[test]
    fn json_has_the_design_shape() {
        let v: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4);
        let ex = &v["exercises"][0];
        assert_eq!(ex.as_object().unwrap().len(), 5);
        assert_eq!(ex["status"], "fail");
        assert_eq!(ex["tests"][0].as_object().unwrap().len(), 3);
    }

    #[test]
    fn human_view_is_plain_without_colour() {
        let s = render_human(
            &sample(),
            Style::plain(),
            None,
            Some("cargo xtask hint lesson-02 e01"),
        );
        assert!(!s.contains('\u{1b}'));
        assert!(s.contains("0/1"));
        assert!(s.contains("│ not yet implemented"));
        assert!(s.trim_end().ends_with("cargo xtask hint lesson-02 e01"));
    }

    #[test]
    fn warnings_come_after_the_verdicts_and_before_the_next_step() {
        let mut r = sample();
        r.warnings = (1..=7)
            .map(|i| format!("lesson-02/src/e01_countdown.rs:{i}: unused variable: `x`"))
            .collect();
        let s = render_human(&r, Style::plain(), None, Some("cargo xtask check 02"));
        let verdict = s.find("e01_countdown").unwrap();
        let first = s
            .find("warning: lesson-02/src/e01_countdown.rs:1:")
            .expect("a warning about the learner's file is shown, with file and line");
        let next = s.find("next:").unwrap();
        assert!(
            verdict < first && first < next,
            "warnings belong between the verdicts and the next step:\n{s}"
        );
        assert!(
            !s.contains("e01_countdown.rs:6:") && s.contains("… and 2 more warnings"),
            "only the first few warnings are listed, the rest counted:\n{s}"
        );
    }
}
