//! `cargo xtask check LESSON [EXERCISE] [--solution] [--json] [--all]`.
//!
//! Why this file exists: the learner's main loop. It checks, records progress (never for
//! `--solution`), prints the calm report or the JSON, and exits 0 only when everything passed.
//! The report shows the most telling failing test of an exercise; `--all` shows every one.

use std::io::IsTerminal;

use crate::course::Course;
use crate::course::progress::{ContentKeys, ProgressCache};
use crate::error::{Outcome, Result};
use crate::learner;
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::report;
use crate::term::Style;

/// The arguments of `cargo xtask check`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Lesson: `lesson-02`, `02` or `2`.
    pub lesson: String,
    /// Only this exercise (`e05_then`, `e05` or `5`).
    pub exercise: Option<String>,
    /// Check the reference solutions instead of your files.
    #[arg(long)]
    pub solution: bool,
    /// Print the machine-readable report (see docs/FORMAT.md); it always holds every test.
    #[arg(long)]
    pub json: bool,
    /// Show every failing test of an exercise, not only the most telling one.
    #[arg(long)]
    pub all: bool,
}

/// Runs the verb.
pub fn run(args: Args) -> Result<Outcome> {
    check(&args)
}

fn check(args: &Args) -> Result<Outcome> {
    let Args {
        lesson,
        exercise,
        solution,
        json,
        all,
    } = args;
    let (exercise, solution, json, all) = (exercise.as_deref(), *solution, *json, *all);
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    lesson.check_files()?;
    let mut plan = CheckPlan::course(&course, &lesson, solution);
    if let Some(ex) = exercise {
        plan.only = vec![lesson.exercise(ex)?.id.clone()];
    }
    let keys = ContentKeys::of(&lesson);
    // A person waiting on the build sees it move; `--json` off a terminal stays quiet.
    plan.build.progress = !json || std::io::stderr().is_terminal();
    let mut report = plan::run(&plan)?;
    let all_pass = report.all_pass();
    if !solution {
        let mut progress = ProgressCache::load(&course);
        progress.record(&lesson, report.learner_verdicts(), &keys);
        // ProgressCache is a convenience; failing to save it must not fail the check.
        let _ = progress.save();
        learner::record_attempts(&course, &lesson, &report);
        if !json {
            learner::fill_last_known(&progress, &lesson, &keys, &mut report);
        }
    }
    if json {
        println!("{}", report.to_json());
    } else {
        let next = learner::next_step(&course, &lesson, &report);
        let view = report::View {
            focus: None,
            next: next.as_deref(),
            all,
        };
        print!("{}", report::render(&report, Style::stdout(), view));
    }
    Ok(Outcome::from_ok(all_pass))
}
