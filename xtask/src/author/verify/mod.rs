//! `cargo xtask verify [LESSON]`: the course's own test suite (docs/FORMAT.md, "What verify
//! proves").
//!
//! Why this file exists: a course is software too. Each proof is a function over one lesson
//! (or the whole course) returning the problems it found; this file is the registry of proofs
//! and the runner — it runs them, prints one line per proof per lesson as it goes, lists what
//! failed, and ends with exactly `N passed, N failed` (exit 1 if anything failed).
//!
//! Proofs 1–4 and 7 are per lesson ([`LESSON_PROOFS`]); proofs 5 and 6 are about the course as
//! a whole ([`COURSE_PROOFS`]) and run only for a full `verify`, never for `verify LESSON`
//! (proof 5 runs xtask's own tests, which themselves run `verify LESSON` on a fixture course).
//! The proofs live in [`proofs`] (1–5, pipeline only), [`student_edition`] (6, uses `export`)
//! and [`grading`] (7, uses `grade`). A new proof is one function and one line in a registry.

pub mod grading;
pub mod proofs;
pub mod student_edition;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result};
use crate::term::Style;
use proofs::{proof_manifest, proof_mistakes, proof_solutions, proof_stubs, proof_tooling};

/// What a proof gets to look at.
pub struct VerifyCtx<'a> {
    /// The course under test.
    pub course: &'a Course,
    /// Proof 4 also prints, per mistake, the first message line `check` shows for it.
    pub show_messages: bool,
    /// A private copy of the running xtask binary, taken before any proof runs. Proof 6 runs
    /// `check` in the student edition with it: proof 5's `cargo test -p xtask` rebuilds
    /// `target/debug/xtask` (both builds of the tool write there), which would leave
    /// `current_exe()` pointing at a deleted file.
    pub tool: PathBuf,
}

/// Copies the running binary to `target/xtask/verify-tool/`, falling back to the binary itself.
fn private_tool_copy(course: &Course) -> PathBuf {
    let Ok(exe) = std::env::current_exe() else {
        return PathBuf::from("xtask");
    };
    let dir = course.target_dir().join("xtask").join("verify-tool");
    // Copied under a temporary name, then renamed over the last run's copy: a verify still
    // running with that one keeps its (now unlinked) file.
    let partial = dir.join(format!("xtask.{}", std::process::id()));
    let copy = dir.join("xtask");
    let copied = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(&exe, &partial))
        .and_then(|_| std::fs::rename(&partial, &copy));
    match copied {
        Ok(()) => copy,
        Err(_) => exe,
    }
}

/// A proof over one lesson: the problems it found (empty = proven).
pub type LessonProof = fn(&VerifyCtx, &Lesson) -> Result<Vec<String>>;
/// A proof over the whole course.
pub type CourseProof = fn(&VerifyCtx) -> Result<Vec<String>>;

/// Per-lesson proofs, in order: (number, what it proves, the proof).
pub const LESSON_PROOFS: &[(u8, &str, LessonProof)] = &[
    (1, "manifest matches files", proof_manifest),
    (
        2,
        "solutions pass every visible and hidden test",
        proof_solutions,
    ),
    (
        3,
        "every stub compiles and fails its visible tests",
        proof_stubs,
    ),
    (4, "every mistakes/ variant is rejected", proof_mistakes),
    (
        7,
        "grading gives full points to solutions, zero to stubs",
        grading::proof_grading,
    ),
];

/// Course-wide proofs (full `verify` only).
pub const COURSE_PROOFS: &[(u8, &str, CourseProof)] = &[
    (
        5,
        "the tooling's own tests pass (xtask, shared)",
        proof_tooling,
    ),
    (
        6,
        "the student edition builds, checks, and leaks nothing",
        student_edition::proof_student_edition,
    ),
];

/// One proof's result for one scope (a lesson name, or `course`).
struct Line {
    scope: String,
    number: u8,
    what: &'static str,
    problems: Vec<String>,
    /// How long the proof took (shown, so an author sees each lesson's share of CI's budget).
    took: Option<Duration>,
}

/// The arguments of `cargo xtask verify`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Only this lesson (proofs about the tooling itself run only without it).
    pub lesson: Option<String>,
    /// Only these proofs (repeat or comma-separate: `--proof 1,4`).
    #[arg(long = "proof", value_delimiter = ',')]
    pub proofs: Vec<u8>,
    /// With proof 4: print `mistake → first message line shown` for every mistake, so an
    /// author can read whether each names the promise it breaks.
    #[arg(long)]
    pub show_messages: bool,
}

/// The `verify` verb. `--proof` restricts the run to those proof numbers (none given: all).
pub fn run(args: Args) -> Result<Outcome> {
    let only = &args.proofs;
    let wanted = |n: u8| only.is_empty() || only.contains(&n);
    let course = Course::locate()?;
    let ctx = VerifyCtx {
        course: &course,
        show_messages: args.show_messages,
        tool: private_tool_copy(&course),
    };
    // Resolve the argument first so a typo is a usage error (exit 2), not a failed proof.
    let dirs: Vec<PathBuf> = match &args.lesson {
        Some(arg) => vec![course.lesson_dir(arg)?],
        None => course.lesson_dirs.clone(),
    };
    let mut printer = Printer::new(Style::stdout());
    for dir in &dirs {
        lesson_proofs(&ctx, dir, &wanted, &mut printer);
    }
    if args.lesson.is_none() {
        for (number, what, proof) in COURSE_PROOFS.iter().filter(|p| wanted(p.0)) {
            let start = Instant::now();
            let problems = proof(&ctx).unwrap_or_else(|e| vec![e.to_string()]);
            printer.emit(Line {
                scope: "course".into(),
                number: *number,
                what,
                problems,
                took: Some(start.elapsed()),
            });
        }
    }
    Ok(Outcome::from_ok(printer.summary()))
}

/// Runs the wanted per-lesson proofs on the lesson in `dir`. A lesson whose manifest does
/// not load still gets a line per proof: proof 1 says why, the others say "not attempted";
/// likewise every later proof is skipped once proof 1 has failed.
fn lesson_proofs(ctx: &VerifyCtx, dir: &Path, wanted: &dyn Fn(u8) -> bool, printer: &mut Printer) {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let selected = LESSON_PROOFS.iter().filter(|p| wanted(p.0));
    match Lesson::load(dir) {
        Ok(lesson) => {
            let mut manifest_ok = true;
            let lesson_start = Instant::now();
            for (number, what, proof) in selected {
                let start = Instant::now();
                let problems = if *number > 1 && !manifest_ok {
                    vec!["not attempted: proof 1 failed for this lesson".to_string()]
                } else {
                    proof(ctx, &lesson).unwrap_or_else(|e| vec![e.to_string()])
                };
                if *number == 1 {
                    manifest_ok = problems.is_empty();
                }
                printer.emit(Line {
                    scope: name.clone(),
                    number: *number,
                    what,
                    problems,
                    took: Some(start.elapsed()),
                });
            }
            printer.total(&name, lesson_start.elapsed());
        }
        Err(e) => {
            for (number, what, _) in selected {
                let problem = if *number == 1 {
                    e.to_string()
                } else {
                    "not attempted: the manifest does not load".to_string()
                };
                printer.emit(Line {
                    scope: name.clone(),
                    number: *number,
                    what,
                    problems: vec![problem],
                    took: None,
                });
            }
        }
    }
}

/// Prints each line as it is proven (a full verify takes minutes; the author watches it go)
/// and the failures again at the end, under the one-line tally.
struct Printer {
    style: Style,
    lines: Vec<Line>,
}

impl Printer {
    fn new(style: Style) -> Printer {
        Printer {
            style,
            lines: Vec::new(),
        }
    }

    fn emit(&mut self, line: Line) {
        let style = self.style;
        let mark = if line.problems.is_empty() {
            style.green("✓")
        } else {
            style.red("✗")
        };
        let tail = match line.problems.len() {
            0 => String::new(),
            1 => style.dim(" — 1 problem"),
            n => style.dim(&format!(" — {n} problems")),
        };
        let took = line
            .took
            .map(|t| style.dim(&format!("  ({:.1} s)", t.as_secs_f64())))
            .unwrap_or_default();
        println!(
            "{mark} {:<10} proof {}  {}{tail}{took}",
            line.scope, line.number, line.what
        );
        let _ = std::io::stdout().flush();
        self.lines.push(line);
    }

    /// One dim line with a lesson's whole time: its share of CI's budget.
    fn total(&self, scope: &str, took: Duration) {
        let text = format!("  {scope} took {:.0} s in all", took.as_secs_f64());
        println!("{}", self.style.dim(&text));
        let _ = std::io::stdout().flush();
    }

    /// Lists what failed and prints `N passed, N failed`; true when nothing failed.
    fn summary(&self) -> bool {
        let failed: Vec<&Line> = self
            .lines
            .iter()
            .filter(|l| !l.problems.is_empty())
            .collect();
        if !failed.is_empty() {
            println!("\nfailed:");
            for l in &failed {
                println!("  {} proof {} ({}):", l.scope, l.number, l.what);
                for p in &l.problems {
                    let mut it = p.lines();
                    if let Some(first) = it.next() {
                        println!("    - {first}");
                    }
                    for more in it.take(6) {
                        println!("      {more}");
                    }
                }
            }
        }
        println!(
            "{} passed, {} failed",
            self.lines.len() - failed.len(),
            failed.len()
        );
        failed.is_empty()
    }
}
