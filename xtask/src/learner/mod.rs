//! The learner's verbs, one file each, plus the one helper they share.
//!
//! Why this folder exists: a learner's day is `cargo xtask` (start), `check`, `watch`, `hint`,
//! `solution`, `trace` and `list`. These verbs decide *what to show*; everything they know about
//! lessons, builds and verdicts comes from [`crate::course`] and [`crate::pipeline`]. They never
//! need the grader, so nothing here touches `crate::instructor`. [`next_step`] keeps the wording
//! of "what to do now" identical wherever it is printed.

pub mod check;
pub mod hint;
pub mod list;
pub mod solution;
pub mod start;
pub mod trace;
pub mod watch;

use crate::course::progress::{Attempts, ContentKeys, HintLevels, ProgressCache};
use crate::course::status::Status;
use crate::course::{Course, Exercise, Lesson};
use crate::pipeline::report::LessonReport;

/// `LESSON EXERCISE`, the pair `hint`, `solution` and `trace` take.
#[derive(clap::Args, Debug, Default)]
pub struct ExerciseArgs {
    /// Lesson: `lesson-02`, `02` or `2`.
    pub lesson: String,
    /// Exercise: `e05_then`, `e05` or `5`.
    pub exercise: String,
}

/// Counts this check's failure of the exercise in focus — the one the learner is working on
/// (see [`Attempts`]); the others failing too says nothing about tries. Call it once per check
/// of the learner's files, before [`next_step`]. Failing to save is not an error: it only
/// repeats advice.
pub fn record_attempts(course: &Course, lesson: &Lesson, report: &LessonReport) {
    let Some(focus) = report.focus().filter(|_| !report.solution) else {
        return;
    };
    let mut attempts = Attempts::load(course);
    attempts.record(lesson, [(focus.id.as_str(), focus.status)]);
    let _ = attempts.save();
}

/// For the human view of a check that could not run some exercises (a compile error in
/// another file): their last known verdicts, where the progress cache still has one for the
/// current files, and the header's count with those passes in it. A compile error in one file
/// should not look like lost progress in the others. Never for `--json`: the JSON says what
/// this check found, nothing more.
pub fn fill_last_known(
    progress: &ProgressCache,
    lesson: &Lesson,
    keys: &ContentKeys,
    report: &mut LessonReport,
) {
    if report.solution {
        return;
    }
    for ex in report.exercises.iter_mut() {
        if ex.status != Status::NotRun {
            continue;
        }
        if let Some(manifest) = lesson.exercises.iter().find(|e| e.id == ex.id) {
            ex.last_known = progress.status(lesson, manifest, keys);
        }
    }
    report.passed = report
        .exercises
        .iter()
        .filter(|e| e.status.is_pass() || e.last_known == Some(Status::Pass))
        .count();
}

/// The one next step after a check of `lesson`.
///
/// For the exercise in focus it follows the learner: the first time it fails (they have not
/// tried yet — it is still the stub, or they just started) the step is *what to read*: the
/// exercise file, whose docs hold the task, and the lesson README's section about it. From the
/// second failing check on, while hints remain, it offers the next hint; then it is back to
/// editing. A compile error always comes first: nothing else can run until it is fixed.
pub fn next_step(course: &Course, lesson: &Lesson, report: &LessonReport) -> Option<String> {
    if report.solution {
        return None;
    }
    match report.focus() {
        Some(ex) => {
            let manifest = lesson.exercises.iter().find(|e| e.id == ex.id)?;
            let hints = HintLevels::load(course);
            let tries = Attempts::load(course).failed(lesson, &ex.id);
            let step = Step::choose(
                ex.status,
                tries,
                hints.seen(lesson, manifest),
                manifest.hints.len(),
            );
            Some(match step {
                Step::Compile => format!(
                    "make {} compile, then run `cargo xtask check {}` again",
                    ex.file, lesson.name
                ),
                Step::Read => read_first(lesson, manifest, &ex.file),
                Step::Hint => format!("cargo xtask hint {} {}", lesson.name, ex.id),
                Step::Edit => format!(
                    "edit {} and run `cargo xtask check {}` again",
                    ex.file, lesson.name
                ),
            })
        }
        None if report.exercises.len() < lesson.exercises.len() => {
            // Only some exercises were checked and they pass: check the whole lesson.
            Some(format!("cargo xtask check {}", lesson.name))
        }
        None => {
            let next = course
                .lesson_dirs
                .iter()
                .find(|d| crate::course::lesson_number(d).is_some_and(|n| n > lesson.number));
            match next.and_then(|d| d.file_name()) {
                Some(next) => Some(format!("cargo xtask check {}", next.to_string_lossy())),
                None => Some("that was the last lesson — well done".to_string()),
            }
        }
    }
}

/// The kinds of next step for the exercise in focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// It does not compile: fix that first.
    Compile,
    /// Not tried yet: open the file, read the lesson.
    Read,
    /// Tried: the next hint.
    Hint,
    /// Tried, every hint seen: keep editing.
    Edit,
}

impl Step {
    /// The step after a check where the exercise ended `status`, having failed `tries` checks
    /// so far (this one included), with `seen` of its `total` hints shown.
    fn choose(status: Status, tries: usize, seen: usize, total: usize) -> Step {
        if status == Status::CompileError {
            Step::Compile
        } else if tries <= 1 && seen == 0 {
            Step::Read
        } else if seen < total {
            Step::Hint
        } else {
            Step::Edit
        }
    }
}

/// "Open the file, read the section": the step for an exercise not tried yet.
fn read_first(lesson: &Lesson, ex: &Exercise, file: &str) -> String {
    let readme = lesson.dir.join("README.md");
    let section = std::fs::read_to_string(&readme)
        .ok()
        .and_then(|text| readme_section(&text, &ex.id));
    let read = match section {
        Some(title) => format!(" and \"{title}\" in {}", lesson.display_path("README.md")),
        None if readme.is_file() => format!(" and {}", lesson.display_path("README.md")),
        None => String::new(),
    };
    format!(
        "open {file} and read the task in its doc comment{read};\n      then edit the file \
         and run `cargo xtask check {}` again",
        lesson.name
    )
}

/// The README heading that best introduces exercise `id`: the first section (other than the
/// exercise list) that names it, else the section that lists the exercises, else none.
fn readme_section(text: &str, id: &str) -> Option<String> {
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "))
        {
            sections.push((h.trim().to_string(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    let names = |body: &str| body.contains(id);
    let listing = |title: &str| title.to_lowercase().contains("exercise");
    sections
        .iter()
        .find(|(title, body)| !listing(title) && names(body))
        .or_else(|| {
            sections
                .iter()
                .find(|(title, body)| listing(title) && names(body))
        })
        .or_else(|| sections.iter().find(|(title, _)| listing(title)))
        .map(|(title, _)| title.replace('`', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_comes_before_hints_and_hints_before_editing() {
        use Status::*;
        let cases = [
            (
                Fail,
                1,
                0,
                3,
                Step::Read,
                "a first failure sends the learner to read",
            ),
            (
                Fail,
                2,
                0,
                3,
                Step::Hint,
                "a second failing check offers the first hint",
            ),
            (
                Timeout,
                5,
                2,
                3,
                Step::Hint,
                "while hints remain, the next one is offered",
            ),
            (
                Fail,
                5,
                3,
                3,
                Step::Edit,
                "with every hint seen, the step is to edit",
            ),
            (
                Fail,
                1,
                1,
                3,
                Step::Hint,
                "a learner who already asked for a hint gets the next",
            ),
            (
                Fail,
                1,
                0,
                0,
                Step::Read,
                "an exercise without hints still says what to read",
            ),
            (
                CompileError,
                1,
                0,
                3,
                Step::Compile,
                "a compile error comes before anything",
            ),
        ];
        for (status, tries, seen, total, want, why) in cases {
            assert_eq!(
                Step::choose(status, tries, seen, total),
                want,
                "{why} ({status:?}, {tries} failing checks, {seen}/{total} hints seen)"
            );
        }
    }

    #[test]
    fn readme_section_prefers_the_concept_over_the_list() {
        let text = "# L\n## Intro\nnothing\n## Blocking\nsee `e05_block` here\n## Exercises\n| `e05_block` | x |\n| `e01_a` | y |\n";
        assert_eq!(
            readme_section(text, "e05_block").as_deref(),
            Some("Blocking"),
            "the section that explains an exercise is the one to read first"
        );
        assert_eq!(
            readme_section(text, "e01_a").as_deref(),
            Some("Exercises"),
            "an exercise only the list names is pointed at the list"
        );
        assert_eq!(
            readme_section("# L\n## Other\n", "e01_a"),
            None,
            "no section names it and there is no list: say nothing rather than guess"
        );
    }
}
