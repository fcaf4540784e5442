//! `cargo xtask check LESSON [EXERCISE] [--solution] [--json]`.
//!
//! Why this file exists: the learner's main loop. It checks, records progress (never for
//! `--solution`), prints the calm report or the JSON, and exits 0 only when everything passed.

use crate::check::{self, CheckPlan};
use crate::course::Course;
use crate::error::{Outcome, Result};
use crate::progress::{Keys, Progress};
use crate::term::Style;
use crate::{report, verbs};

/// Runs the verb.
pub fn run(lesson: &str, exercise: Option<&str>, solution: bool, json: bool) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    lesson.check_files()?;
    let mut plan = CheckPlan::course(&course, &lesson, solution);
    if let Some(ex) = exercise {
        plan.only = vec![lesson.exercise(ex)?.id.clone()];
    }
    let keys = Keys::of(&lesson);
    let report = check::run(&plan)?;
    if !solution {
        let mut progress = Progress::load(&course);
        progress.record(&lesson, &report, &keys);
        // Progress is a convenience; failing to save it must not fail the check.
        let _ = progress.save();
    }
    if json {
        println!("{}", report.to_json());
    } else {
        let next = verbs::next_step(&course, &lesson, &report);
        print!(
            "{}",
            report::render_human(&report, Style::stdout(), None, next.as_deref())
        );
    }
    Ok(Outcome::from_ok(report.all_pass()))
}
