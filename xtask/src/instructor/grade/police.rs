//! Steps 1–2 of grading: from what each student handed in to the files that will be built.
//!
//! Why this file exists: before anything compiles, every exercise file of every student is
//! either accepted as it is or replaced by its stub with a reason ([`Blocker`]): missing,
//! unchanged from the stub, unreadable, nested deeper than any honest file, or against the
//! source policy ([`crate::instructor::policy`]). What comes out — the *effective* files — is
//! all the later steps see; [`dedupe`] then gives each distinct set of effective files one
//! build.

use std::collections::BTreeMap;

use crate::course::Lesson;
use crate::instructor::grade::collect::{Found, Submission};
use crate::instructor::grade::gradebook::Blocker;

/// Deepest bracket nesting (`(`, `[`, `{` together) an exercise file may have. Honest files
/// stay far below 40; a file of 100,000 nested `(` would take a recursive walk over its tokens
/// (the policy's, or the compiler's) down with a stack overflow, so it is refused by this
/// linear scan before anything walks it.
pub const MAX_NESTING: usize = 256;

/// One student after policing: why an exercise is not graded on its own file, and the files
/// to build (the student's where accepted, the stub elsewhere).
#[derive(Debug, Clone, Default)]
pub struct Policed {
    /// Exercise id → why that exercise scores 0 without running its tests.
    pub blockers: BTreeMap<String, Blocker>,
    /// Exercise id → effective file text.
    pub effective: BTreeMap<String, String>,
}

/// Polices one submission. `exempt` skips the source policy (test-only, see `--skip-policy`),
/// never the nesting cap or the compiler-guard lints, which protect the grader itself.
pub fn police(
    lesson: &Lesson,
    sub: &Submission,
    stubs: &BTreeMap<String, String>,
    allow: &[String],
    exempt: bool,
) -> Policed {
    let mut out = Policed::default();
    for ex in &lesson.exercises {
        let stub = &stubs[&ex.id];
        let blocker = match sub.files.get(&ex.id).unwrap_or(&Found::Missing) {
            Found::File { text, .. } if text.trim_end() == stub.trim_end() => {
                Some(Blocker::Unchanged)
            }
            Found::File { text, .. } => judge_text(text, allow, exempt),
            Found::Missing => Some(Blocker::Missing),
            Found::Rejected(why) => Some(Blocker::BadFile(why.clone())),
        };
        let text = match (&blocker, sub.files.get(&ex.id)) {
            (None, Some(Found::File { text, .. })) => text.clone(),
            _ => stub.clone(),
        };
        if let Some(b) = blocker {
            out.blockers.insert(ex.id.clone(), b);
        }
        out.effective.insert(ex.id.clone(), text);
    }
    out
}

/// Lints that exist to stop the compiler from running forever, which no exercise needs to
/// lower. rustc 1.95 keeps evaluating under `#[allow(long_running_const_eval)]` even when the
/// command line forbids the lint (it reports E0453 and goes on), so naming it at all is refused
/// here, before the compiler sees the file.
pub const COMPILER_GUARD_LINTS: &[&str] = &["long_running_const_eval"];

fn judge_text(text: &str, allow: &[String], exempt: bool) -> Option<Blocker> {
    if let Some((line, lint)) = text.lines().enumerate().find_map(|(i, l)| {
        COMPILER_GUARD_LINTS
            .iter()
            .find(|lint| l.contains(**lint))
            .map(|lint| (i + 1, *lint))
    }) {
        return Some(Blocker::Policy(format!(
            "line {line}: the lint `{lint}` may not be named: it stops the compiler from \
             evaluating a constant forever, and no exercise needs to lower it"
        )));
    }
    if let Some(line) = too_deep(text) {
        return Some(Blocker::Policy(format!(
            "line {line}: brackets are nested more than {MAX_NESTING} deep; no exercise needs \
             that, so the file was not graded (flatten the expression)"
        )));
    }
    if exempt {
        return None;
    }
    let violations = crate::instructor::policy::check_source(text, allow);
    (!violations.is_empty())
        .then(|| Blocker::Policy(crate::instructor::policy::describe(&violations)))
}

/// The line where bracket nesting first exceeds [`MAX_NESTING`], if it does. Brackets inside
/// strings and comments count too: an honest file has no reason to come near the cap either way.
pub fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    for c in text.chars() {
        match c {
            '\n' => line += 1,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(line);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Groups students with identical effective files: returns the distinct file sets and, per
/// student, the index of its set. Everyone who handed in nothing shares one build.
pub fn dedupe(
    effective: &[BTreeMap<String, String>],
) -> (Vec<BTreeMap<String, String>>, Vec<usize>) {
    let mut members: Vec<BTreeMap<String, String>> = Vec::new();
    let mut index: BTreeMap<&BTreeMap<String, String>, usize> = BTreeMap::new();
    let mut member_of = Vec::with_capacity(effective.len());
    for eff in effective {
        let i = *index.entry(eff).or_insert_with(|| {
            members.push(eff.clone());
            members.len() - 1
        });
        member_of.push(i);
    }
    (members, member_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_without_recursion() {
        let deep = "(".repeat(100_000);
        assert_eq!(
            too_deep(&deep),
            Some(1),
            "100,000 nested brackets must be refused by the linear scan"
        );
        let honest = "fn f() { let v = vec![(1, [2, 3])]; if v.is_empty() { g(h(i(1))) } }";
        assert_eq!(
            too_deep(honest),
            None,
            "ordinary code must pass the nesting cap"
        );
        let closes = format!("{}\n{}", "(".repeat(200), ")".repeat(200)).repeat(10);
        assert_eq!(
            too_deep(&closes),
            None,
            "nesting is depth, not a count of brackets"
        );
    }

    #[test]
    fn lowering_the_const_eval_guard_is_refused() {
        let text = "#[allow(long_running_const_eval)]\nconst X: u64 = 1;\n";
        let b = judge_text(text, &[], true);
        assert!(
            matches!(&b, Some(Blocker::Policy(m)) if m.contains("line 1") && m.contains("long_running_const_eval")),
            "naming the lint must be refused, even with the policy skipped: {b:?}"
        );
        assert_eq!(
            judge_text("pub const X: u64 = 1 + 2;\n", &[], true),
            None,
            "an ordinary constant must pass"
        );
    }

    #[test]
    fn dedupe_shares_identical_files() {
        let a: BTreeMap<String, String> = [("e01".to_string(), "x".to_string())].into();
        let b: BTreeMap<String, String> = [("e01".to_string(), "y".to_string())].into();
        let (members, of) = dedupe(&[a.clone(), b.clone(), a.clone()]);
        assert_eq!(members, vec![a, b], "one build per distinct set of files");
        assert_eq!(of, vec![0, 1, 0], "identical students share a build");
    }
}
