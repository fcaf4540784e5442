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

use crate::cargo_build::Diagnostic;
use crate::course::Lesson;

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

/// A top-level `mod name { ... }` and the lines it spans (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModRegion {
    /// Module name.
    pub name: String,
    /// First line (the `mod` line; attributes above it belong to the previous region).
    pub start: usize,
    /// Last line.
    pub end: usize,
}

/// Finds top-level inline modules by a line scan (not a parser, so a half-written test file still
/// gets attributed): a region starts at a column-0 `mod x {` / `pub mod x {` and runs until the
/// next one starts.
pub fn module_regions(text: &str) -> Vec<ModRegion> {
    let mut out: Vec<ModRegion> = Vec::new();
    let total = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = line.strip_prefix("pub ").unwrap_or(line);
        let Some(rest) = rest.strip_prefix("mod ") else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || !rest.contains('{') {
            continue;
        }
        if let Some(prev) = out.last_mut() {
            prev.end = i; // line i is 0-based, so the previous region ends on line i (1-based)
        }
        out.push(ModRegion {
            name,
            start: i + 1,
            end: total,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        let text = "//! doc\nuse x;\n\nmod e01_a {\n    fn t() {}\n}\n\n#[cfg(test)]\npub mod e02_b {\n    mod inner {}\n}\n";
        let r = module_regions(text);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            ModRegion {
                name: "e01_a".into(),
                start: 4,
                end: 8
            }
        );
        assert_eq!(r[1].name, "e02_b");
        assert_eq!(r[1].start, 9);
        assert_eq!(r[1].end, 11);
    }
}
