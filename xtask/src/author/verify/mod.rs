//! `cargo xtask verify [LESSON]`: the course's own test suite (DESIGN.md "What verify proves").
//!
//! Why this file exists: a course is software too. Each proof is a function over one lesson
//! (or the whole course) returning the problems it found; this file runs them, prints one line
//! per proof per lesson as it goes, lists what failed, and ends with exactly
//! `N passed, N failed` (exit 1 if anything failed).
//!
//! Proofs 1–4 are per lesson ([`LESSON_PROOFS`]); proof 5 is about the tooling
//! ([`COURSE_PROOFS`]) and runs only for a full `verify`, never for `verify LESSON` (it runs
//! xtask's own tests, which themselves run `verify LESSON` on a fixture course).
//!
//! Proofs 6 (student edition) and 7 (grading) belong to the grading module: register them by
//! appending to [`LESSON_PROOFS`] / [`COURSE_PROOFS`] below — nothing else needs to change.

pub mod grading;
pub mod student_edition;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::course::manifest_check;
use crate::course::status::Status;
use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result};
use crate::pipeline::cargo_build::cargo_command;
use crate::pipeline::overlay::{self, OverlaySpec};
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::process;
use crate::term::Style;

/// What a proof gets to look at.
pub struct VerifyCtx<'a> {
    /// The course under test.
    pub course: &'a Course,
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

struct Line {
    scope: String,
    number: u8,
    what: &'static str,
    problems: Vec<String>,
}

/// The arguments of `cargo xtask verify`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Only this lesson (proofs about the tooling itself run only without it).
    pub lesson: Option<String>,
    /// Only these proofs (repeat or comma-separate: `--proof 1,4`).
    #[arg(long = "proof", value_delimiter = ',')]
    pub proofs: Vec<u8>,
}

/// Runs the verb.
///
/// `only` restricts the run to those proof numbers (empty: all).
pub fn run(args: Args) -> Result<Outcome> {
    verify(args.lesson.as_deref(), &args.proofs)
}

fn verify(lesson: Option<&str>, only: &[u8]) -> Result<Outcome> {
    let wanted = |n: u8| only.is_empty() || only.contains(&n);
    let course = Course::locate()?;
    let ctx = VerifyCtx { course: &course };
    let style = Style::stdout();
    // Resolve the argument first so a typo is a usage error (exit 2), not a failed proof.
    let dirs: Vec<PathBuf> = match lesson {
        Some(arg) => vec![course.lesson(arg).map(|l| l.dir).or_else(|e| {
            // A lesson whose manifest does not parse is still a lesson to verify (proof 1 fails).
            course
                .lesson_dirs
                .iter()
                .find(|d| {
                    let n = d
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    n == arg
                        || crate::course::lesson_number(d)
                            == arg.trim_start_matches("lesson-").parse().ok()
                })
                .cloned()
                .ok_or(e)
        })?],
        None => course.lesson_dirs.clone(),
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut emit = |line: Line| {
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
        println!(
            "{mark} {:<10} proof {}  {}{tail}",
            line.scope, line.number, line.what
        );
        let _ = std::io::stdout().flush();
        lines.push(line);
    };
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Lesson::load(dir) {
            Ok(lesson) => {
                let mut manifest_ok = true;
                for (number, what, proof) in LESSON_PROOFS.iter().filter(|p| wanted(p.0)) {
                    let problems = if *number > 1 && !manifest_ok {
                        vec!["not attempted: proof 1 failed for this lesson".to_string()]
                    } else {
                        proof(&ctx, &lesson).unwrap_or_else(|e| vec![e.to_string()])
                    };
                    if *number == 1 {
                        manifest_ok = problems.is_empty();
                    }
                    emit(Line {
                        scope: name.clone(),
                        number: *number,
                        what,
                        problems,
                    });
                }
            }
            Err(e) => {
                for (number, what, _) in LESSON_PROOFS.iter().filter(|p| wanted(p.0)) {
                    let problem = if *number == 1 {
                        e.to_string()
                    } else {
                        "not attempted: the manifest does not load".to_string()
                    };
                    emit(Line {
                        scope: name.clone(),
                        number: *number,
                        what,
                        problems: vec![problem],
                    });
                }
            }
        }
    }
    if lesson.is_none() {
        for (number, what, proof) in COURSE_PROOFS.iter().filter(|p| wanted(p.0)) {
            let problems = proof(&ctx).unwrap_or_else(|e| vec![e.to_string()]);
            emit(Line {
                scope: "course".into(),
                number: *number,
                what,
                problems,
            });
        }
    }
    let failed: Vec<&Line> = lines.iter().filter(|l| !l.problems.is_empty()).collect();
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
        lines.len() - failed.len(),
        failed.len()
    );
    Ok(Outcome::from_ok(failed.is_empty()))
}

fn first_line(s: Option<&str>) -> String {
    s.and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Proof 1: the manifest matches the files.
fn proof_manifest(_: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    Ok(manifest_check::check(lesson))
}

/// Proof 2: with `--features solution`, every visible and hidden test passes.
fn proof_solutions(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    let mut plan = CheckPlan::course(ctx.course, lesson, true);
    plan.build.test_targets = vec!["check".into(), "hidden".into()];
    let report = plan::run(&plan)?;
    let mut problems = Vec::new();
    for ex in &report.exercises {
        for target in ["check", "hidden"] {
            if ex.status != Status::CompileError && !ex.tests.iter().any(|t| t.target == target) {
                problems.push(format!("{}: no {target} tests found", ex.id));
            }
        }
        for t in ex.tests.iter().filter(|t| !t.status.is_pass()) {
            problems.push(format!(
                "{} ({}) {}: {}",
                t.name,
                t.target,
                t.status,
                first_line(t.message.as_deref())
            ));
        }
    }
    Ok(problems)
}

/// Proof 3: on the stubs, every exercise compiles and at least one visible test fails.
fn proof_stubs(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    let report = plan::run(&CheckPlan::course(ctx.course, lesson, false))?;
    let mut problems = Vec::new();
    for ex in &report.exercises {
        match ex.status {
            Status::Fail | Status::Timeout => {}
            Status::Pass => problems.push(format!("{}: the stub passes every visible test", ex.id)),
            Status::CompileError => problems.push(format!(
                "{}: the stub does not compile: {}",
                ex.id,
                first_line(ex.tests.first().and_then(|t| t.message.as_deref()))
            )),
            Status::NotRun => problems.push(format!("{}: no visible test ran", ex.id)),
        }
    }
    Ok(problems)
}

/// Proof 4: each `mistakes/<id>/<slip>.rs`, swapped in for its exercise, fails a visible test.
///
/// Exercises are independent, so the k-th mistake of *every* exercise goes into the same
/// overlay build: the number of builds is the largest number of mistakes of one exercise.
/// If one mistake does not compile, the exercises that shared its build are retried alone.
fn proof_mistakes(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    let mut queues: Vec<(String, PathBuf, Vec<PathBuf>)> = lesson
        .exercises
        .iter()
        .map(|ex| {
            (
                ex.id.clone(),
                ex.file.clone(),
                manifest_check::mistake_files(lesson, &ex.id),
            )
        })
        .filter(|(_, _, files)| !files.is_empty())
        .collect();
    let mut problems = Vec::new();
    let mut retry: Vec<(String, PathBuf, PathBuf)> = Vec::new();
    let rounds = queues.iter().map(|q| q.2.len()).max().unwrap_or(0);
    let tree_name = format!("verify-{}-mistakes", lesson.name);
    for k in 0..rounds {
        let batch: Vec<(String, PathBuf, PathBuf)> = queues
            .iter_mut()
            .filter_map(|(id, file, files)| {
                files.get(k).map(|m| (id.clone(), file.clone(), m.clone()))
            })
            .collect();
        let outcome = run_mistakes(ctx, lesson, &tree_name, &batch)?;
        for ((id, file, m), st) in batch.into_iter().zip(outcome) {
            match st {
                Ok(()) => {}
                Err(None) => retry.push((id, file, m)),
                Err(Some(p)) => problems.push(p),
            }
        }
    }
    for item in retry {
        let outcome = run_mistakes(ctx, lesson, &tree_name, std::slice::from_ref(&item))?;
        if let Some(Err(p)) = outcome.into_iter().next() {
            problems
                .push(p.unwrap_or_else(|| format!("{}: could not be checked", item.2.display())));
        }
    }
    Ok(problems)
}

/// Builds one overlay with every mistake of `batch` swapped in. Per item: `Ok` rejected,
/// `Err(Some(problem))`, or `Err(None)` = not run because another item broke the build.
fn run_mistakes(
    ctx: &VerifyCtx,
    lesson: &Lesson,
    tree_name: &str,
    batch: &[(String, PathBuf, PathBuf)],
) -> Result<Vec<std::result::Result<(), Option<String>>>> {
    let mut spec = OverlaySpec::new(ctx.course, lesson, tree_name);
    for (_, file, mistake) in batch {
        let content = std::fs::read(mistake).map_err(|e| {
            crate::error::UserError::io(format!("cannot read {}", mistake.display()), e)
        })?;
        spec = spec.replace(file.clone(), content);
    }
    let overlay = overlay::materialise(&spec)?;
    let mut plan = CheckPlan::overlay(ctx.course, lesson, &overlay, false);
    plan.only = batch.iter().map(|(id, _, _)| id.clone()).collect();
    let report = plan::run(&plan)?;
    Ok(batch
        .iter()
        .map(|(id, _, m)| {
            let shown = lesson.display_path(m.strip_prefix(&lesson.dir).unwrap_or(m));
            let ex = report.exercises.iter().find(|e| &e.id == id);
            match ex.map(|e| e.status) {
                Some(Status::Fail | Status::Timeout) => Ok(()),
                Some(Status::Pass) => Err(Some(format!(
                    "{shown}: passes every visible test; the tests must reject it"
                ))),
                Some(Status::CompileError) => Err(Some(format!(
                    "{shown}: does not compile (a mistake must compile): {}",
                    first_line(
                        ex.and_then(|e| e.tests.first())
                            .and_then(|t| t.message.as_deref())
                    )
                ))),
                _ if batch.len() > 1 => Err(None),
                _ => Err(Some(format!("{shown}: no visible test ran"))),
            }
        })
        .collect())
}

/// Proof 5: `cargo test -p xtask -p shared` passes.
fn proof_tooling(ctx: &VerifyCtx) -> Result<Vec<String>> {
    let pkgs: Vec<&str> = ["xtask", "shared"]
        .into_iter()
        .filter(|p| ctx.course.root.join(p).join("Cargo.toml").is_file())
        .collect();
    if pkgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmd = cargo_command();
    cmd.arg("test")
        .current_dir(&ctx.course.root)
        .env("CARGO_TARGET_DIR", ctx.course.target_dir());
    for p in &pkgs {
        cmd.args(["-p", p]);
    }
    let out = process::run_captured(&mut cmd, Duration::from_secs(30 * 60), 4 << 20)
        .map_err(|e| crate::error::UserError::io("cannot run cargo test", e))?;
    if out.status.is_some_and(|s| s.success()) {
        return Ok(Vec::new());
    }
    let text = format!("{}\n{}", out.stdout, out.stderr);
    let interesting: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("FAILED") || l.contains("panicked") || l.starts_with("error"))
        .take(10)
        .collect();
    let mut msg = format!("`cargo test -p {}` failed", pkgs.join(" -p "));
    if out.timed_out {
        msg.push_str(" (timed out)");
    }
    for l in interesting {
        msg.push('\n');
        msg.push_str(l.trim());
    }
    Ok(vec![msg])
}
