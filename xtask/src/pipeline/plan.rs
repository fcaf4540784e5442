//! The check pipeline: build once, list, run each test in its own process, map to exercises.
//!
//! Why this file exists: `check`, `watch`, bare `cargo xtask`, `trace`, `verify` and `export`'s
//! proof all need the same thing — "what is the verdict of each exercise of this lesson, built
//! from *these* files?" — and must agree on the answer. [`CheckPlan`] says which files (the
//! course itself or an overlay tree), which features and targets, and how to run tests;
//! [`run`] returns a [`LessonReport`]. The verbs only decide what to print.
//!
//! (The instructor's `grade` has its own build — one workspace for a whole batch, sandboxed
//! runs — but uses the same pieces below: cargo build, attribution, overlay, runner.)

use std::path::PathBuf;

use crate::course::status::Status;
use crate::course::{Course, Exercise, Lesson};
use crate::error::{Result, UserError};
use crate::pipeline::attribution;
use crate::pipeline::cargo_build::{self, BuildOutput, BuildRequest};
use crate::pipeline::overlay::Overlay;
use crate::pipeline::process::strip_ansi;
use crate::pipeline::report::{ExerciseReport, LessonReport, TestReport};
use crate::pipeline::runner::{self, RunnerConfig, TestSpec};

/// Everything one check needs.
#[derive(Clone)]
pub struct CheckPlan<'a> {
    /// The lesson (manifest from the course).
    pub lesson: &'a Lesson,
    /// Exercises to report, by id; empty = all.
    pub only: Vec<String>,
    /// The cargo build.
    pub build: BuildRequest,
    /// Directory holding the lesson's files for this build (for compile-error attribution).
    pub build_dir: PathBuf,
    /// How to run test processes.
    pub runner: RunnerConfig,
}

impl<'a> CheckPlan<'a> {
    /// A check of the course's own files: same command shape as
    /// `cargo test -p <lesson> [--features solution] --test check`.
    pub fn course(course: &Course, lesson: &'a Lesson, solution: bool) -> Self {
        let build = BuildRequest::new(
            &course.root,
            &course.target_dir(),
            &lesson.package,
            solution,
        );
        let runner = RunnerConfig {
            cwd: Some(lesson.dir.clone()),
            ..RunnerConfig::default()
        };
        CheckPlan {
            lesson,
            only: Vec::new(),
            build,
            build_dir: lesson.dir.clone(),
            runner,
        }
    }

    /// A check of an overlay tree's files (built `--offline` into the course's target dir).
    pub fn overlay(course: &Course, lesson: &'a Lesson, tree: &Overlay, solution: bool) -> Self {
        let mut build =
            BuildRequest::new(&tree.root, &course.target_dir(), &lesson.package, solution);
        build.offline = true;
        let runner = RunnerConfig {
            cwd: Some(tree.lesson_dir.clone()),
            ..RunnerConfig::default()
        };
        CheckPlan {
            lesson,
            only: Vec::new(),
            build,
            build_dir: tree.lesson_dir.clone(),
            runner,
        }
    }

    fn selected(&self) -> Vec<&'a Exercise> {
        self.lesson
            .exercises
            .iter()
            .filter(|e| self.only.is_empty() || self.only.contains(&e.id))
            .collect()
    }
}

/// Builds and runs; returns the verdict of every selected exercise.
///
/// A compile error is a verdict (`compile_error` for the exercise it belongs to, `not_run` for
/// the others), not an `Err`; `Err` means the build could not happen at all (cargo missing,
/// a broken Cargo.toml, no network for a first build, ...).
pub fn run(plan: &CheckPlan) -> Result<LessonReport> {
    let lesson = plan.lesson;
    let selected = plan.selected();
    let mut report = LessonReport {
        lesson: lesson.name.clone(),
        passed: 0,
        total: 0,
        exercises: selected.iter().map(|ex| blank(lesson, ex)).collect(),
        title: lesson.title.clone(),
        solution: plan.build.solution,
        warnings: Vec::new(),
    };
    if selected.is_empty() {
        return Ok(report);
    }
    let out = cargo_build::build(&plan.build)?;
    report.warnings = own_warnings(plan, &selected, &out);
    if out.success {
        run_tests(plan, &selected, &out, &mut report)?;
    } else {
        attribute_compile_errors(plan, &out, &mut report)?;
    }
    report.tally();
    Ok(report)
}

/// The build failed: give each exercise whose file (or test module) holds an error the
/// `compile_error` verdict with rustc's message; the others stay `not_run`. If no error can be
/// attributed, every selected exercise gets all of them. A failure without any compiler error
/// (a broken manifest, no network) is not a verdict but an `Err`.
fn attribute_compile_errors(
    plan: &CheckPlan,
    out: &BuildOutput,
    report: &mut LessonReport,
) -> Result<()> {
    let lesson = plan.lesson;
    let errors: Vec<_> = out
        .diagnostics
        .iter()
        .chain(out.other.iter())
        .cloned()
        .collect();
    if !errors.iter().any(|d| d.is_error()) {
        let first = out
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with("error"))
            .unwrap_or("cargo failed without saying why")
            .trim()
            .to_string();
        return Err(UserError::new(
            format!(
                "cargo could not build {}: {}",
                lesson.package,
                strip_ansi(&first)
            ),
            format!(
                "run `cargo {}` to see the whole message",
                plan.build.args()[..3].join(" ")
            ),
        ));
    }
    let att = attribution::attribute(lesson, &plan.build_dir, &errors);
    let blame_all = att.by_exercise.is_empty();
    for ex in report.exercises.iter_mut() {
        let diags = match att.by_exercise.get(&ex.id) {
            Some(d) => d.clone(),
            None if blame_all => att.unattributed.clone(),
            None => continue,
        };
        ex.status = Status::CompileError;
        ex.diagnostics = diags.iter().map(|d| d.rendered.clone()).collect();
        ex.compile_summary = diags
            .iter()
            .map(|d| match (&d.file, d.line) {
                (Some(f), Some(l)) => format!(
                    "error: {} ({}:{l})",
                    d.message,
                    f.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ),
                _ => format!("error: {}", d.message),
            })
            .collect();
        let plain = diags
            .iter()
            .map(|d| strip_ansi(&d.rendered).trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n\n");
        ex.tests = vec![TestReport {
            name: ex.id.clone(),
            status: Status::CompileError,
            message: Some(plain),
            target: "build".into(),
        }];
    }
    Ok(())
}

/// The build succeeded: one binary per test target, each of the selected exercises' tests in
/// its own process; an exercise's verdict is then [`exercise_status`] of its tests.
fn run_tests(
    plan: &CheckPlan,
    selected: &[&Exercise],
    out: &BuildOutput,
    report: &mut LessonReport,
) -> Result<()> {
    for target in &plan.build.test_targets {
        let Some(bin) = out.executables.get(target) else {
            continue;
        };
        let names = runner::list_tests(bin, &plan.runner)?;
        let mut specs = Vec::new();
        for name in names {
            if let Some(ex) = selected.iter().find(|ex| ex.owns_test(&name)) {
                specs.push(TestSpec {
                    name,
                    timeout: ex.timeout(),
                });
            }
        }
        let results = runner::run_tests(bin, &specs, &plan.runner);
        for r in results {
            if let Some(ex) = report
                .exercises
                .iter_mut()
                .find(|e| r.name.starts_with(&format!("{}::", e.id)))
            {
                ex.tests.push(TestReport {
                    name: r.name,
                    status: r.status,
                    message: r.message,
                    target: target.clone(),
                });
            }
        }
    }
    for ex in report.exercises.iter_mut() {
        ex.status = exercise_status(&ex.tests);
    }
    Ok(())
}

/// An exercise passes when it has tests and all pass; otherwise the most telling failure.
pub fn exercise_status(tests: &[TestReport]) -> Status {
    if tests.is_empty() {
        return Status::NotRun;
    }
    let has = |s: Status| tests.iter().any(|t| t.status == s);
    if has(Status::CompileError) {
        Status::CompileError
    } else if has(Status::Fail) {
        Status::Fail
    } else if has(Status::Timeout) {
        Status::Timeout
    } else if has(Status::NotRun) {
        Status::NotRun
    } else {
        Status::Pass
    }
}

/// rustc's warnings whose primary span is in one of the selected exercises' files — the
/// learner's own code; warnings about tests, `lib.rs`, `shared` or dependencies are not theirs
/// to fix. One line each: `lesson-01/src/e01_a.rs:3: unused import: `Duration``.
fn own_warnings(plan: &CheckPlan, selected: &[&Exercise], out: &BuildOutput) -> Vec<String> {
    let mut lines = Vec::new();
    for d in out.diagnostics.iter().filter(|d| d.level == "warning") {
        let (Some(file), Some(line)) = (&d.file, d.line) else {
            continue;
        };
        let Some(ex) = selected
            .iter()
            .find(|ex| same_file(&plan.build_dir.join(&ex.file), file))
        else {
            continue;
        };
        let shown = format!(
            "{}:{line}: {}",
            plan.lesson.display_path(&ex.file),
            d.message
        );
        if !lines.contains(&shown) {
            lines.push(shown);
        }
    }
    lines
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

fn blank(lesson: &Lesson, ex: &Exercise) -> ExerciseReport {
    ExerciseReport {
        id: ex.id.clone(),
        title: ex.title.clone(),
        status: Status::NotRun,
        points: ex.points,
        tests: Vec::new(),
        diagnostics: Vec::new(),
        compile_summary: Vec::new(),
        file: lesson.display_path(&ex.file),
        last_known: None,
    }
}
