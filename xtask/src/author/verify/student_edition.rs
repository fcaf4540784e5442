//! `verify` proof 6: the student edition builds, checks, and leaks nothing.
//!
//! Why this file exists: `export` promises a copy of the course a learner can use and cannot
//! cheat from. This proof holds it to both halves on the real course: it exports to a
//! temporary folder, keeps the leak check's findings, compiles the exported tool (its full and
//! its learner build), and runs `check` on every exported lesson. It lives with the other proofs (not in `export`) so the
//! instructor's code never has to know about `verify`.

use std::process::Command;
use std::time::Duration;

use super::VerifyCtx;
use crate::error::{Result, UserError};
use crate::instructor::export::export;
use crate::pipeline::cargo_build::{cargo_command, scrub_cargo_env};
use crate::pipeline::process::{self, Captured};

/// `verify` proof 6: the student edition, exported to a temporary folder, has no spoilers, its
/// tool compiles, and `check` runs on every lesson there — failing on the stubs (exit 1), never
/// with a usage or course-format error (exit 2).
///
/// It builds with the course's own target dir so no dependency is compiled twice; the lesson
/// crates of the export have the same relative paths as the course's, so cargo rebuilds only
/// what the export changed (each lesson's `lib.rs` and manifest).
pub fn proof_student_edition(ctx: &VerifyCtx) -> Result<Vec<String>> {
    let course = ctx.course;
    let work =
        tempfile::tempdir().map_err(|e| UserError::io("cannot create a temporary folder", e))?;
    let out = work.path().join("student");
    let summary = export(course, &out, false, false)?;
    let mut problems = summary.leaks;
    let target = course.target_dir();
    let run = |cmd: &mut Command, what: &str, limit_secs: u64| -> Result<Captured> {
        scrub_cargo_env(cmd);
        cmd.env("CARGO_TARGET_DIR", &target).env("NO_COLOR", "1");
        process::run_captured(cmd, Duration::from_secs(limit_secs), 1 << 20)
            .map_err(|e| UserError::io(format!("cannot run {what}"), e))
    };
    if out.join("xtask/Cargo.toml").is_file() {
        // Both builds of the tool: the full one, and the learner's (the alias leaves out the
        // `grading` feature), which is the one a student actually compiles.
        for (what, features) in [
            ("xtask", None),
            ("xtask's learner build", Some("--no-default-features")),
        ] {
            let mut cmd = cargo_command();
            cmd.args([
                "check",
                "-p",
                "xtask",
                "--offline",
                "--message-format=short",
            ])
            .args(features)
            .current_dir(&out);
            let c = run(&mut cmd, "cargo check", 20 * 60)?;
            if !c.status.is_some_and(|s| s.success()) {
                let first = c
                    .stderr
                    .lines()
                    .find(|l| l.contains("error"))
                    .unwrap_or("")
                    .to_string();
                problems.push(format!("the exported {what} does not compile: {first}"));
            }
        }
    }
    let exe = &ctx.tool;
    for name in course.lesson_names() {
        let mut cmd = Command::new(exe);
        cmd.args(["check", &name, "--json"])
            .current_dir(&out)
            .env("GEARS_COURSE_ROOT", &out);
        let c = run(&mut cmd, "check", 20 * 60)?;
        match c.status.and_then(|s| s.code()) {
            Some(0 | 1) => {}
            code => problems.push(format!(
                "`cargo xtask check {name}` in the student edition ended with {code:?}: {}",
                c.stderr.lines().next().unwrap_or("").trim()
            )),
        }
    }
    Ok(problems)
}
