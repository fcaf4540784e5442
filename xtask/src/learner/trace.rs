//! `cargo xtask trace LESSON EXERCISE`: watch the runtime poll your future.
//!
//! Why this file exists: a verdict says *that* a rule was broken; a timeline shows *when*. The
//! shared harness prints the timeline of every run (poll #, Pending/Ready, wakes) when
//! `GEARS_TRACE=1`, so this verb runs the exercise's visible tests with that variable set and
//! libtest's capture off, and prints what each test said.

use crate::course::Course;
use crate::course::status::Status;
use crate::error::{Outcome, Result};
use crate::pipeline::cargo_build;
use crate::pipeline::plan::CheckPlan;
use crate::pipeline::process::strip_ansi;
use crate::pipeline::runner::{self, TestSpec};
use crate::term::Style;

/// The arguments of `cargo xtask trace`.
pub type Args = super::ExerciseArgs;

/// Runs the verb.
pub fn run(args: Args) -> Result<Outcome> {
    trace(&args.lesson, &args.exercise)
}

fn trace(lesson: &str, exercise: &str) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    let ex = lesson.exercise(exercise)?.clone();
    lesson.check_files()?;
    let style = Style::stdout();
    let mut plan = CheckPlan::course(&course, &lesson, false);
    plan.only = vec![ex.id.clone()];
    plan.runner.env.push(("GEARS_TRACE".into(), "1".into()));
    plan.runner.extra_args.push("--nocapture".into());
    let out = cargo_build::build(&plan.build)?;
    let Some(bin) = out.executables.get("check").filter(|_| out.success) else {
        // Not compiling: the normal report shows the diagnostic better than we could.
        let report = crate::pipeline::plan::run(&plan)?;
        print!(
            "{}",
            crate::pipeline::report::render_human(&report, style, None, None)
        );
        return Ok(Outcome::Failed);
    };
    let specs: Vec<TestSpec> = runner::list_tests(bin, &plan.runner)?
        .into_iter()
        .filter(|n| ex.owns_test(n))
        .map(|name| TestSpec {
            name,
            timeout: ex.timeout(),
        })
        .collect();
    let results = runner::run_tests(bin, &specs, &plan.runner);
    let mut ok = !results.is_empty();
    for r in &results {
        let mark = if r.status == Status::Pass {
            style.green("✓")
        } else {
            style.red("✗")
        };
        println!(
            "{mark} {}  {}",
            style.bold(&r.name),
            style.dim(&format!(
                "{} in {} ms",
                r.status,
                r.output.duration.as_millis()
            ))
        );
        for line in r.output.stderr.lines().chain(r.output.stdout.lines()) {
            let line = if style.color {
                line.to_string()
            } else {
                strip_ansi(line)
            };
            if is_libtest_noise(&line, &r.name) {
                continue;
            }
            println!("    {line}");
        }
        // Amid the raw output, say which panic `check` reports as the test's own failure
        // (pipeline::failure): the others above are context.
        if r.status != Status::Pass
            && let Some(first) = r
                .message
                .as_deref()
                .and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
        {
            println!("    {} {first}", style.bold("→ why it failed:"));
        }
        ok &= r.status == Status::Pass;
    }
    if results.is_empty() {
        println!("{} has no visible tests.", ex.id);
    }
    Ok(Outcome::from_ok(ok))
}

/// libtest's own bookkeeping lines, which say nothing the verdict line does not.
fn is_libtest_noise(line: &str, name: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t == "failures:"
        || t == name
        || t.starts_with("running 1 test")
        || t.starts_with("test result:")
        || t.starts_with("note: run with `RUST_BACKTRACE")
        || (t.starts_with(&format!("test {name} ... ")))
        || t.starts_with(&format!("---- {name} "))
}
