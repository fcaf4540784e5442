//! `verify` proofs 1–5: manifest, solutions, stubs, mistakes, tooling.
//!
//! Why this file exists: these are the proofs that need only the pipeline — each builds and
//! runs a lesson the way `check` does (the reference solutions swapped in, the stubs as they
//! are, each mistake in place of its exercise) and turns every verdict that breaks a promise
//! into one sentence naming the file. Proofs 6 and 7 need the instructor's tools and have
//! their own files.

use std::path::PathBuf;
use std::time::Duration;

use super::VerifyCtx;
use crate::course::status::Status;
use crate::course::{Lesson, manifest_check};
use crate::error::{Result, UserError};
use crate::pipeline::cargo_build::cargo_command;
use crate::pipeline::failure::{self, Telling};
use crate::pipeline::overlay::{self, OverlaySpec};
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::process;
use crate::pipeline::report::ExerciseReport;

fn first_line(s: Option<&str>) -> String {
    s.and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Proof 1: the manifest matches the files.
pub fn proof_manifest(_: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    Ok(manifest_check::check(lesson))
}

/// Proof 2: with `--features solution`, every visible and hidden test passes.
pub fn proof_solutions(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
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
pub fn proof_stubs(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
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
pub fn proof_mistakes(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
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
        let content = std::fs::read(mistake)
            .map_err(|e| UserError::io(format!("cannot read {}", mistake.display()), e))?;
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
                Some(Status::Fail | Status::Timeout) => {
                    if ctx.show_messages {
                        show_first_message(&shown, ex);
                    }
                    Ok(())
                }
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

/// `verify --show-messages`: the first message line `check` shows for a rejected mistake (its
/// most telling failing test, pipeline::failure), flagged when that line names no promise.
fn show_first_message(shown: &str, ex: Option<&ExerciseReport>) {
    let Some(t) = ex.and_then(|e| e.failures().into_iter().next()) else {
        return;
    };
    let message = t.message.as_deref().unwrap_or("");
    let flag = match failure::telling(message) {
        Telling::Bare => "   [bare: names no promise]",
        _ => "",
    };
    println!(
        "    {shown} → {}{flag}",
        first_line(Some(failure::own_part(message)))
    );
    let _ = std::io::Write::flush(&mut std::io::stdout());
}

/// Proof 5: `cargo test -p xtask -p shared` passes.
pub fn proof_tooling(ctx: &VerifyCtx) -> Result<Vec<String>> {
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
        .map_err(|e| UserError::io("cannot run cargo test", e))?;
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
