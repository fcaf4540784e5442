//! Deciding which exercise a compile error belongs to.
//!
//! Why this file exists: all exercises of a lesson live in one crate, so one typo stops the
//! whole crate from compiling. A learner working on `e03_delay` must see rustc's message *for
//! their file* under *their exercise*, and the other exercises must read "not run", not "failed"
//! — they did nothing wrong. An error belongs to an exercise when its primary span is in the
//! exercise's file (the learner's `src/` file, its solution, or whatever an overlay put in its
//! place), or inside `mod <id> { ... }` of `tests/check.rs` / `grading/hidden.rs` (a changed
//! signature shows up there). Anything else (e.g. `src/lib.rs`, or `shared`) is unattributed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::course::Lesson;
use crate::course::regions::{ModRegion, module_regions};
use crate::pipeline::cargo_build::Diagnostic;

/// Compile errors sorted by exercise.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    /// Exercise id → its error diagnostics, in compiler order.
    pub by_exercise: BTreeMap<String, Vec<Diagnostic>>,
    /// Errors that belong to no single exercise.
    pub unattributed: Vec<Diagnostic>,
}

/// Sorts the *error* diagnostics of a build of `lesson` whose files were at `build_dir`
/// (the lesson directory itself, or its copy in an overlay tree).
pub fn attribute(lesson: &Lesson, build_dir: &Path, diags: &[Diagnostic]) -> Attribution {
    let build_dir = normalize(build_dir);
    let mut regions: Vec<(PathBuf, Vec<ModRegion>)> = Vec::new();
    for rel in ["tests/check.rs", "grading/hidden.rs"] {
        let path = build_dir.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        regions.push((path, module_regions(&text)));
    }
    let mut out = Attribution::default();
    for d in diags.iter().filter(|d| d.is_error()) {
        let owner = d.file.as_ref().and_then(|f| {
            let f = normalize(f);
            let by_file = lesson.exercises.iter().find(|ex| {
                f == build_dir.join(&ex.file) || f == build_dir.join(ex.solution_file())
            });
            if let Some(ex) = by_file {
                return Some(ex.id.clone());
            }
            let (_, mods) = regions.iter().find(|(p, _)| *p == f)?;
            let line = d.line?;
            let region = mods.iter().find(|m| m.start <= line && line <= m.end)?;
            lesson
                .exercises
                .iter()
                .find(|ex| ex.id == region.name)
                .map(|ex| ex.id.clone())
        });
        match owner {
            Some(id) => out.by_exercise.entry(id).or_default().push(d.clone()),
            None => out.unattributed.push(d.clone()),
        }
    }
    out
}

/// Lexically cleans a path (`a/./b/../c` → `a/c`) and resolves symlinks when it exists.
fn normalize(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
