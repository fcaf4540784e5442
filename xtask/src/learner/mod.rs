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

use crate::course::progress::HintLevels;
use crate::course::{Course, Lesson};
use crate::pipeline::report::LessonReport;

/// `LESSON EXERCISE`, the pair `hint`, `solution` and `trace` take.
#[derive(clap::Args, Debug, Default)]
pub struct ExerciseArgs {
    /// Lesson: `lesson-02`, `02` or `2`.
    pub lesson: String,
    /// Exercise: `e04_then`, `e04` or `4`.
    pub exercise: String,
}

/// The one next step after a check of `lesson`.
pub fn next_step(course: &Course, lesson: &Lesson, report: &LessonReport) -> Option<String> {
    if report.solution {
        return None;
    }
    match report.focus() {
        Some(ex) => {
            let manifest = lesson.exercises.iter().find(|e| e.id == ex.id)?;
            let hints = HintLevels::load(course);
            if ex.status == crate::course::status::Status::CompileError {
                Some(format!(
                    "make {} compile, then run `cargo xtask check {}` again",
                    ex.file, lesson.name
                ))
            } else if hints.seen(lesson, manifest) < manifest.hints.len() {
                Some(format!("cargo xtask hint {} {}", lesson.name, ex.id))
            } else {
                Some(format!(
                    "edit {} and run `cargo xtask check {}` again",
                    ex.file, lesson.name
                ))
            }
        }
        None if report.exercises.len() < lesson.exercises.len() => {
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
