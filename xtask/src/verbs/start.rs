//! Bare `cargo xtask`: continue the course where you left off.
//!
//! Why this file exists: a learner should not have to remember lesson numbers. We pick the
//! first lesson that has an exercise not known to pass (from the progress cache — no build
//! needed to decide), check it, and print the report with the one next step.

use crate::check::{self, CheckPlan};
use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result};
use crate::progress::{Keys, Progress};
use crate::status::Status;
use crate::term::Style;
use crate::{report, verbs};

/// Runs the verb.
pub fn run() -> Result<Outcome> {
    let course = Course::locate()?;
    let mut progress = Progress::load(&course);
    let style = Style::stdout();
    let mut target: Option<(Lesson, Keys)> = None;
    for dir in &course.lesson_dirs {
        // Lessons still being written (no manifest yet) are skipped, not reported as errors.
        if !dir.join("lesson.toml").is_file() {
            continue;
        }
        let lesson = Lesson::load(dir)?;
        let keys = Keys::of(&lesson);
        let unsolved = lesson
            .exercises
            .iter()
            .any(|ex| progress.status(&lesson, ex, &keys) != Some(Status::Pass));
        if unsolved {
            target = Some((lesson, keys));
            break;
        }
    }
    let Some((lesson, keys)) = target else {
        println!(
            "{}",
            style.green(
                "Every exercise of every lesson passes. You finished Async Gears — well done."
            )
        );
        return Ok(Outcome::Success);
    };
    lesson.check_files()?;
    println!(
        "{}",
        style.dim(&format!("Checking {} — {}", lesson.name, lesson.summary))
    );
    let report = check::run(&CheckPlan::course(&course, &lesson, false))?;
    progress.record(&lesson, &report, &keys);
    let _ = progress.save();
    let next = verbs::next_step(&course, &lesson, &report);
    print!(
        "{}",
        report::render_human(&report, style, None, next.as_deref())
    );
    Ok(Outcome::from_ok(report.all_pass()))
}
