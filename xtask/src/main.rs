//! `cargo xtask` — the Async Gears course tool.
//!
//! Why this file exists: it is the CLI contract of docs/FORMAT.md in one place — the verbs and
//! the promise about exit codes (0 all good, 1 something failed, 2 usage or course-format error,
//! one line, never a backtrace). Each verb owns its arguments (`Args`) and is started the same
//! way, `run(args) -> Result<Outcome, UserError>`; this file only parses and dispatches.
//!
//! The modules, by layer (each uses only the layers above it in this list, never one below;
//! `cycle_check` in the tests enforces it):
//!
//! 1. the base: [`error`] (the two-part user error and exit codes), [`term`] (colours);
//! 2. [`course`]: the lesson model — course root, `lesson.toml`, manifest checks, test-module
//!    regions, statuses, the progress cache;
//! 3. [`pipeline`]: files → verdicts, used by every verb — overlay trees, cargo build and
//!    diagnostics, compile-error attribution, the test runner, processes, the report;
//! 4. one folder per audience, each verb one file:
//!    * [`learner`]: `start` (no verb), `list`, `check`, `watch`, `hint`, `solution`, `trace`;
//!    * [`instructor`]: `export`, `grade`, `autograder`, with the source `policy` and the
//!      `sandbox` they grade under;
//!    * [`author`]: `verify`, whose last proofs use the instructor's `export` and `grade`
//!      (the only arrow between audiences).

mod author;
mod course;
mod error;
mod instructor;
mod learner;
mod pipeline;
mod term;

#[cfg(test)]
mod cycle_check;

use clap::{Parser, Subcommand};

use crate::error::{Outcome, UserError};

/// The Async Gears course tool. Run it without arguments to continue the course.
#[derive(Parser, Debug)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lessons and exercises with their last known status.
    List(learner::list::Args),
    /// Check a lesson (or one exercise): a verdict per exercise.
    Check(learner::check::Args),
    /// Re-check every time you save an exercise file.
    Watch(learner::watch::Args),
    /// Show the next hint of an exercise.
    Hint(learner::hint::Args),
    /// Show the reference solution (once the exercise passes, or with --give-up).
    Solution(learner::solution::Args),
    /// Prove the course sound (docs/FORMAT.md "What verify proves").
    Verify(author::verify::Args),
    /// Instructor: package grading for Gradescope, Classroom 50 or PrairieLearn (or Actions feedback).
    Autograder(instructor::autograder::Args),
    /// Instructor: write the student edition (no solutions, hidden tests or mistakes).
    Export(instructor::export::Args),
    /// Instructor: grade every submission of a lesson (gradebook, feedback, platform JSON).
    Grade(instructor::grade::Args),
    /// Run an exercise's visible tests with the harness timelines printed.
    Trace(learner::trace::Args),
}

fn main() {
    install_panic_hook();
    let cli = Cli::parse();
    let result: Result<Outcome, UserError> = match cli.command {
        None => learner::start::run(learner::start::Args::default()),
        Some(Command::List(args)) => learner::list::run(args),
        Some(Command::Check(args)) => learner::check::run(args),
        Some(Command::Watch(args)) => learner::watch::run(args),
        Some(Command::Hint(args)) => learner::hint::run(args),
        Some(Command::Solution(args)) => learner::solution::run(args),
        Some(Command::Trace(args)) => learner::trace::run(args),
        Some(Command::Verify(args)) => author::verify::run(args),
        Some(Command::Export(args)) => instructor::export::run(args),
        Some(Command::Autograder(args)) => instructor::autograder::run(args),
        Some(Command::Grade(args)) => instructor::grade::run(args),
    };
    match result {
        Ok(outcome) => std::process::exit(outcome.code()),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    }
}

/// A bug in the tool must still end in one readable line, not a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let _ = crossterm::terminal::disable_raw_mode();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        // `cargo xtask list | head -1`: the reader left; that is not a bug, just stop.
        if msg.contains("failed printing to stdout") {
            std::process::exit(0);
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: the course tool hit a bug ({}{at}) — please report it with the command you ran",
            msg.replace('\n', " ")
        );
        std::process::exit(2);
    }));
}
