//! `cargo xtask` — the Async Gears course tool.
//!
//! Why this file exists: it is the CLI contract of DESIGN.md in one place — the verbs, their
//! arguments, and the promise about exit codes (0 all good, 1 something failed, 2 usage or
//! course-format error, one line, never a backtrace). The work lives in modules:
//!
//! * shared pieces (also used by `export`/`grade`): [`course`] (lesson model),
//!   [`manifest_check`] (manifest vs files), [`cargo_build`] (build + diagnostics),
//!   [`attribution`] (whose compile error), [`tree`] (overlay build trees), [`runner`] (one
//!   process per test), [`check`] (the pipeline), [`report`] (human and JSON), [`progress`]
//!   (cache under `target/`), [`status`], [`term`], [`process`], [`error`];
//! * the verbs, one file each, in [`verbs`].

mod attribution;
mod autograder;
mod cargo_build;
mod check;
mod course;
mod error;
mod export;
mod grade;
mod manifest_check;
mod policy;
mod process;
mod progress;
mod report;
mod runner;
mod sandbox;
mod status;
mod term;
mod tree;
mod verbs;

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
    List,
    /// Check a lesson (or one exercise): a verdict per exercise.
    Check {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// Only this exercise (`e04_then`, `e04` or `4`).
        exercise: Option<String>,
        /// Check the reference solutions instead of your files.
        #[arg(long)]
        solution: bool,
        /// Print the machine-readable report (see DESIGN.md).
        #[arg(long)]
        json: bool,
    },
    /// Re-check every time you save an exercise file.
    Watch {
        /// Lesson (default: the first one with an unsolved exercise).
        lesson: Option<String>,
    },
    /// Show the next hint of an exercise.
    Hint {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// Exercise: `e04_then`, `e04` or `4`.
        exercise: String,
    },
    /// Show the reference solution (once the exercise passes, or with --give-up).
    Solution {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// Exercise: `e04_then`, `e04` or `4`.
        exercise: String,
        /// Show it even though the exercise does not pass yet.
        #[arg(long)]
        give_up: bool,
        /// Do not ask for confirmation (for --give-up without a terminal).
        #[arg(long, short)]
        yes: bool,
    },
    /// Prove the course sound (DESIGN.md "What verify proves").
    Verify {
        /// Only this lesson (proofs about the tooling itself run only without it).
        lesson: Option<String>,
        /// Only these proofs (repeat or comma-separate: `--proof 1,4`).
        #[arg(long = "proof", value_delimiter = ',')]
        proofs: Vec<u8>,
    },
    /// Instructor: package grading for Gradescope or GitHub Classroom.
    Autograder {
        #[command(subcommand)]
        platform: AutograderPlatform,
    },
    /// Instructor: write the student edition (no solutions, hidden tests or mistakes).
    Export {
        /// Folder to write it to (must be empty unless --force).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Replace the folder's contents if it is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Instructor: grade every submission of a lesson (gradebook, feedback, Gradescope JSON).
    Grade {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// Folder with one subfolder per student.
        #[arg(long)]
        submissions: std::path::PathBuf,
        /// Folder for gradebook.csv and one folder of feedback per student.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Test processes at once (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Override every test's time limit (seconds).
        #[arg(long)]
        timeout: Option<u64>,
        /// Test-only: let this student's files skip the source policy.
        #[arg(long, hide = true)]
        skip_policy: Vec<String>,
    },
    /// Run an exercise's visible tests with the harness timelines printed.
    Trace {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// Exercise: `e04_then`, `e04` or `4`.
        exercise: String,
    },
}

#[derive(Subcommand, Debug)]
enum AutograderPlatform {
    /// Write a Gradescope autograder zip (setup.sh + run_autograder) for a lesson.
    Gradescope {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// The zip file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Write .github/workflows/classroom.yml (GitHub Classroom autograding) for a lesson.
    Classroom {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
    },
}

fn main() {
    install_panic_hook();
    let cli = Cli::parse();
    let result: Result<Outcome, UserError> = match cli.command {
        None => verbs::start::run(),
        Some(Command::List) => verbs::list::run(),
        Some(Command::Check {
            lesson,
            exercise,
            solution,
            json,
        }) => verbs::check::run(&lesson, exercise.as_deref(), solution, json),
        Some(Command::Watch { lesson }) => verbs::watch::run(lesson.as_deref()),
        Some(Command::Hint { lesson, exercise }) => verbs::hint::run(&lesson, &exercise),
        Some(Command::Solution {
            lesson,
            exercise,
            give_up,
            yes,
        }) => verbs::solution::run(&lesson, &exercise, give_up, yes),
        Some(Command::Verify { lesson, proofs }) => verbs::verify::run(lesson.as_deref(), &proofs),
        Some(Command::Trace { lesson, exercise }) => verbs::trace::run(&lesson, &exercise),
        Some(Command::Export { out, force }) => export::cli(&out, force),
        Some(Command::Autograder { platform }) => match platform {
            AutograderPlatform::Gradescope { lesson, out } => {
                autograder::gradescope_cli(&lesson, &out)
            }
            AutograderPlatform::Classroom { lesson } => autograder::classroom_cli(&lesson),
        },
        Some(Command::Grade {
            lesson,
            submissions,
            out,
            jobs,
            timeout,
            skip_policy,
        }) => grade::cli(grade::GradeArgs {
            lesson,
            submissions,
            out,
            jobs,
            timeout_secs: timeout,
            skip_policy,
            quiet: false,
        }),
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
