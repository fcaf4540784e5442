//! Bare `cargo xtask`: continue the course where you left off.
//!
//! Why this file exists: a learner should not have to remember lesson numbers. We pick the
//! first lesson that has an exercise not known to pass (from the progress cache — no build
//! needed to decide), check it, and print the report with the one next step.

use crate::course::progress::{ContentKeys, ProgressCache};
use crate::course::status::Status;
use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result};
use crate::learner;
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::report;
use crate::term::Style;

/// `cargo xtask` with no verb takes no arguments.
#[derive(Debug, Default)]
pub struct Args {}

/// Runs the verb.
pub fn run(Args {}: Args) -> Result<Outcome> {
    let course = Course::locate()?;
    let mut progress = ProgressCache::load(&course);
    let style = Style::stdout();
    let mut target: Option<(Lesson, ContentKeys)> = None;
    for dir in &course.lesson_dirs {
        // Lessons still being written (no manifest yet) are skipped, not reported as errors.
        if !dir.join("lesson.toml").is_file() {
            continue;
        }
        let lesson = Lesson::load(dir)?;
        let keys = ContentKeys::of(&lesson);
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
    let mut plan = CheckPlan::course(&course, &lesson, false);
    plan.build.progress = true;
    let mut report = plan::run(&plan)?;
    let all_pass = report.all_pass();
    progress.record(&lesson, report.learner_verdicts(), &keys);
    let _ = progress.save();
    learner::record_attempts(&course, &lesson, &report);
    learner::fill_last_known(&progress, &lesson, &keys, &mut report);
    let next = learner::next_step(&course, &lesson, &report);
    print!(
        "{}",
        report::render_human(&report, style, None, next.as_deref())
    );
    Ok(Outcome::from_ok(all_pass))
}
