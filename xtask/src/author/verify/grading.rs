//! `verify` proof 7: grading the reference solutions gives full points, grading the stubs zero.
//!
//! Why this file exists: the grader is the part of the course whose mistakes cost students
//! points. This proof runs the real `grade` pipeline — policy, one grading workspace, armed
//! tests, sandbox, token-checked verdicts — on three made-up students: one who hands in the
//! reference solutions (full points), one who hands in the untouched stubs (zero: the grader
//! recognises them), and one who hands in the stubs with a comment added, so the grader really
//! runs them: every exercise must lose points there, or a stub could earn marks. A solution that the policy
//! refuses, a hidden test that the sandbox breaks, a verdict line that does not get through:
//! each shows up here as a lost point, before a real student loses it.

use super::VerifyCtx;
use crate::course::Lesson;
use crate::error::{Result, UserError};
use crate::instructor::grade::{self, GradeArgs};

/// The proof, registered in `verify`'s list of per-lesson proofs.
pub fn proof_grading(ctx: &VerifyCtx, lesson: &Lesson) -> Result<Vec<String>> {
    if !grade::is_instructor_edition(lesson) {
        return Ok(vec![format!(
            "{} has no grading/ folder (student edition?)",
            lesson.name
        )]);
    }
    let work =
        tempfile::tempdir().map_err(|e| UserError::io("cannot create a temporary folder", e))?;
    let subs = work.path().join("submissions");
    for (student, from_solutions) in [("reference", true), ("stubs", false), ("touched", false)] {
        for ex in &lesson.exercises {
            let src = if from_solutions {
                lesson.path(ex.solution_file())
            } else {
                lesson.path(&ex.file)
            };
            let dest = subs.join(student).join(&lesson.name).join(&ex.file);
            if let Some(p) = dest.parent() {
                std::fs::create_dir_all(p).map_err(|e| UserError::io("cannot create", e))?;
            }
            let mut text = std::fs::read_to_string(&src)
                .map_err(|e| UserError::io(format!("cannot read {}", src.display()), e))?;
            if student == "touched" {
                text.push_str("\n// touched by verify: graded like a real submission\n");
            }
            std::fs::write(&dest, text)
                .map_err(|e| UserError::io(format!("cannot write {}", dest.display()), e))?;
        }
    }
    let args = GradeArgs {
        lesson: lesson.name.clone(),
        submissions: subs,
        out: work.path().join("out"),
        quiet: true,
        ..GradeArgs::default()
    };
    let batch = grade::grade(ctx.course, &args)?;
    let mut problems = Vec::new();
    for g in &batch.students {
        for e in &g.exercises {
            let full = g.name == "reference";
            let ok = match g.name.as_str() {
                "reference" => e.score >= e.points - 1e-9,
                "stubs" => e.score == 0.0,
                _ => e.score < e.points - 1e-9,
            };
            if ok {
                continue;
            }
            let why = match &e.blocker {
                Some(b) => format!("{b:?}").chars().take(300).collect::<String>(),
                None => e
                    .tests
                    .iter()
                    .find(|t| (t.status == crate::course::status::Status::Pass) != full)
                    .map(|t| {
                        let msg = t
                            .message
                            .as_deref()
                            .unwrap_or("")
                            .lines()
                            .next()
                            .unwrap_or("");
                        format!("{} {}: {msg}", t.name, t.status.as_str())
                    })
                    .unwrap_or_default(),
            };
            problems.push(format!(
                "{} {}: scored {} of {} ({why}){}",
                g.name,
                e.id,
                grade::gradebook::fmt_score(e.score),
                grade::gradebook::fmt_score(e.points),
                if g.name == "touched" {
                    " — the stub passes every test"
                } else {
                    ""
                }
            ));
        }
    }
    Ok(problems)
}
