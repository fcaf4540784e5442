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
//!
//! `instructor` and `author` exist only with the cargo feature `grading` (on by default). The
//! learner's alias builds without it, so a newcomer's first build skips the crates only grading
//! needs; in that lean build the four grading verbs re-run the same command through
//! `cargo run -p xtask`, which builds the full tool once ([`relaunch_with_grading`]).

// The lower layers serve both builds; without `grading`, the parts only verify, export and grade
// call (overlays, manifest proofs, ...) are unused, and that is expected, not dead code.
#![cfg_attr(not(feature = "grading"), allow(dead_code))]

#[cfg(feature = "grading")]
mod author;
mod course;
mod error;
#[cfg(feature = "grading")]
mod instructor;
mod learner;
mod pipeline;
mod term;

#[cfg(test)]
mod cycle_check;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    #[cfg(feature = "grading")]
    Verify(author::verify::Args),
    /// Instructor: package grading for Gradescope, Classroom 50 or PrairieLearn (or Actions feedback).
    #[cfg(feature = "grading")]
    Autograder(instructor::autograder::Args),
    /// Instructor: write the student edition (no solutions, hidden tests or mistakes).
    #[cfg(feature = "grading")]
    Export(instructor::export::Args),
    /// Instructor: grade every submission of a lesson (gradebook, feedback, platform JSON).
    #[cfg(feature = "grading")]
    Grade(instructor::grade::Args),
    /// Prove the course sound (docs/FORMAT.md "What verify proves").
    #[cfg(not(feature = "grading"))]
    Verify(Relaunched),
    /// Instructor: package grading for Gradescope, Classroom 50 or PrairieLearn (or Actions feedback).
    #[cfg(not(feature = "grading"))]
    Autograder(Relaunched),
    /// Instructor: write the student edition (no solutions, hidden tests or mistakes).
    #[cfg(not(feature = "grading"))]
    Export(Relaunched),
    /// Instructor: grade every submission of a lesson (gradebook, feedback, platform JSON).
    #[cfg(not(feature = "grading"))]
    Grade(Relaunched),
    /// Run an exercise's visible tests with the harness timelines printed.
    Trace(learner::trace::Args),
}

/// The verbs that need the `grading` feature.
const GRADING_VERBS: &[&str] = &["verify", "autograder", "export", "grade"];

/// A grading verb's arguments in the lean build: passed on unread to the full tool.
#[cfg(not(feature = "grading"))]
#[derive(clap::Args, Debug)]
struct Relaunched {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

fn main() {
    install_panic_hook();
    let edition = course::Course::locate()
        .map(|c| c.edition())
        .unwrap_or(course::Edition::Instructor);
    let verb = std::env::args().nth(1).unwrap_or_default();
    if GRADING_VERBS.contains(&verb.as_str()) && edition != course::Edition::Instructor {
        eprintln!(
            "error: `cargo xtask {verb}` needs the instructor edition; this student edition has \
             no hidden tests or mistakes (`cargo xtask --help` lists what works here)"
        );
        std::process::exit(2);
    }
    #[cfg(not(feature = "grading"))]
    if GRADING_VERBS.contains(&verb.as_str()) {
        std::process::exit(relaunch_with_grading());
    }
    let matches = cli_for(edition).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result: Result<Outcome, UserError> = match cli.command {
        None => learner::start::run(learner::start::Args::default()),
        Some(Command::List(args)) => learner::list::run(args),
        Some(Command::Check(args)) => learner::check::run(args),
        Some(Command::Watch(args)) => learner::watch::run(args),
        Some(Command::Hint(args)) => learner::hint::run(args),
        Some(Command::Solution(args)) => learner::solution::run(args),
        Some(Command::Trace(args)) => learner::trace::run(args),
        #[cfg(feature = "grading")]
        Some(Command::Verify(args)) => author::verify::run(args),
        #[cfg(feature = "grading")]
        Some(Command::Export(args)) => instructor::export::run(args),
        #[cfg(feature = "grading")]
        Some(Command::Autograder(args)) => instructor::autograder::run(args),
        #[cfg(feature = "grading")]
        Some(Command::Grade(args)) => instructor::grade::run(args),
        #[cfg(not(feature = "grading"))]
        Some(
            Command::Verify(_) | Command::Export(_) | Command::Autograder(_) | Command::Grade(_),
        ) => Ok(Outcome::from_ok(relaunch_with_grading() == 0)),
    };
    match result {
        Ok(outcome) => std::process::exit(outcome.code()),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    }
}

/// The command line as this edition of the course should describe it: a student edition does
/// not list the instructor's verbs, nor `solution` when it carries no solutions.
fn cli_for(edition: course::Edition) -> clap::Command {
    let mut cmd = Cli::command();
    if edition != course::Edition::Instructor {
        for verb in GRADING_VERBS {
            cmd = cmd.mut_subcommand(*verb, |c| c.hide(true));
        }
    }
    match edition {
        course::Edition::Student => cmd
            .mut_subcommand("solution", |c| c.hide(true))
            .mut_subcommand("check", |c| c.mut_arg("solution", |a| a.hide(true))),
        course::Edition::SelfPaced => cmd.mut_subcommand("solution", |c| {
            c.about(
                "Show the reference solution of an exercise once it passes (or with --give-up).",
            )
        }),
        course::Edition::Instructor => cmd,
    }
}

/// The lean build (no `grading` feature) was asked for a grading verb: run the same command
/// line again through `cargo run -p xtask`, whose default features include grading. The first
/// time this compiles the grading crates (cargo shows its progress); then it costs a second.
/// Returns the exit code to leave with.
#[cfg(not(feature = "grading"))]
fn relaunch_with_grading() -> i32 {
    const GUARD: &str = "GEARS_XTASK_RELAUNCHED";
    let how = "help: build it yourself with `cargo run -p xtask --features grading -- <verb> ...`";
    if std::env::var_os(GUARD).is_some() {
        eprintln!("error: this build of the course tool has no grading verbs\n  {how}");
        return 2;
    }
    let Ok(course) = course::Course::locate() else {
        eprintln!("error: the grading verbs run inside the course folder\n  {how}");
        return 2;
    };
    eprintln!(
        "note: the grading verbs need xtask's `grading` feature; building it (once) and running \
         the command again"
    );
    let mut cmd = pipeline::cargo_build::cargo_command();
    cmd.args(["run", "--package", "xtask", "--features", "grading", "--"])
        .args(std::env::args_os().skip(1))
        .current_dir(&course.root)
        .env(GUARD, "1");
    match cmd.status() {
        Ok(status) => status.code().unwrap_or(2),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}\n  {how}");
            2
        }
    }
}

/// A bug in the tool must still end in one readable line, not a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        term::raw::restore();
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
