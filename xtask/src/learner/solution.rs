//! `cargo xtask solution LESSON EXERCISE [--give-up] [--yes]`.
//!
//! Why this file exists: reading the reference solution after solving an exercise teaches a
//! lot; reading it before robs the learner of the exercise. So it is shown once the exercise
//! passes (the progress cache says so for the current files, or a fresh check proves it), or on
//! an explicit `--give-up`, which asks to be sure when a person is at the terminal.

use std::io::{BufRead, Write};

use crate::course::Course;
use crate::course::progress::{ContentKeys, ProgressCache};
use crate::course::status::Status;
use crate::error::{Outcome, Result, UserError};
use crate::pipeline::plan::{self, CheckPlan};
use crate::term::{self, Style};

/// The arguments of `cargo xtask solution`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    // LESSON EXERCISE, as for `hint` and `trace`.
    #[command(flatten)]
    pub which: super::ExerciseArgs,
    /// Show it even though the exercise does not pass yet.
    #[arg(long)]
    pub give_up: bool,
    /// Do not ask for confirmation (for --give-up without a terminal).
    #[arg(long, short)]
    pub yes: bool,
}

/// Runs the verb.
pub fn run(args: Args) -> Result<Outcome> {
    solution(
        &args.which.lesson,
        &args.which.exercise,
        args.give_up,
        args.yes,
    )
}

fn solution(lesson: &str, exercise: &str, give_up: bool, yes: bool) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    let ex = lesson.exercise(exercise)?.clone();
    let style = Style::stdout();
    let path = lesson.path(ex.solution_file());
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Err(UserError::new(
            format!(
                "this copy of the course has no {}",
                lesson.display_path(ex.solution_file())
            ),
            "solutions are not part of the student edition; ask your instructor",
        ));
    };
    let keys = ContentKeys::of(&lesson);
    let mut progress = ProgressCache::load(&course);
    let mut passes = progress.status(&lesson, &ex, &keys) == Some(Status::Pass);
    if !passes && !give_up {
        lesson.check_files()?;
        let mut plan = CheckPlan::course(&course, &lesson, false);
        plan.only = vec![ex.id.clone()];
        let report = plan::run(&plan)?;
        progress.record(&lesson, report.learner_verdicts(), &keys);
        let _ = progress.save();
        passes = report.all_pass();
    }
    if !passes {
        if !give_up {
            println!(
                "{} does not pass yet, so its solution stays hidden.\n{} cargo xtask hint {} {}   \
                 (or, to see it anyway: cargo xtask solution {} {} --give-up)",
                ex.id,
                style.bold("next:"),
                lesson.name,
                ex.id,
                lesson.name,
                ex.id
            );
            return Ok(Outcome::Failed);
        }
        if !yes {
            if !term::interactive() {
                return Err(UserError::new(
                    "--give-up asks for confirmation, but there is no terminal to ask on",
                    "add --yes to confirm",
                ));
            }
            print!(
                "Show the solution of {}? Solving it yourself is where the learning is. [y/N] ",
                ex.id
            );
            let _ = std::io::stdout().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                println!(
                    "Not shown. {} cargo xtask hint {} {}",
                    style.bold("next:"),
                    lesson.name,
                    ex.id
                );
                return Ok(Outcome::Success);
            }
        }
    }
    println!(
        "{}",
        style.dim(&format!("// {}", lesson.display_path(ex.solution_file())))
    );
    print!("{text}");
    Ok(Outcome::Success)
}
