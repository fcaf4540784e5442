//! Step 3 of grading: build every member, or blame it — whatever a submission does to the
//! compiler, it costs only its own points.
//!
//! Why this file exists: one cargo command builds the whole batch fast (see [`workspace`]), but
//! a batch build is only as good as its worst member. A file that does not compile, a compiler
//! that crashes (a 1 GiB `static` runs LLVM out of memory), or one that never finishes must not
//! leave the *other* members unbuilt and scored 0. So the build is a loop that ends only when
//! every member is either **built** or **blamed**:
//!
//! 1. Build all pending members together (`--keep-going`, see [`workspace::build`]).
//! 2. A member with compile errors: each error is pinned on its exercise file
//!    ([`crate::pipeline::attribution`]), that file is swapped for its stub (0 points for that
//!    exercise, the errors kept as feedback), and the member goes round again. An error no file
//!    can be blamed for makes every file of the member that is not yet a stub suspect.
//! 3. A member that produced neither a binary nor an error (its compiler crashed or was
//!    killed), or whose compiler was running when the batch stalled, is a **suspect**: from
//!    then on it is built alone, with the whole per-member budget ([`workspace::Budget`]).
//!    If its compiler crashes alone too, each of its own files in turn is swapped for its stub
//!    (the others as handed in) and the member built alone again: the first file whose stub
//!    makes it build is the one that crashed the compiler, and only that exercise scores 0
//!    ([`blame_crashing_file`]). If no single file explains the crash, or the member ran out of
//!    time (each try could take the whole budget again), every file of its own is swapped for
//!    its stub, with a message saying what happened to the compiler.
//! 4. A member that fails even with every file a stub is blamed as a whole.
//!
//! Why it ends: every round, each member that does not leave the loop either swaps at least one
//! of its own files for a stub (a member has finitely many) or becomes a suspect (once); a
//! stalled batch always names at least one suspect, or makes every unfinished member one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::course::{Course, Lesson};
use crate::error::Result;
use crate::instructor::grade::workspace::{self, Budget, MemberBuild, MemberSpec};

/// How each member left the build loop.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// Member index → its test binary (`None`: blamed as a whole, see `failed`).
    pub binaries: Vec<Option<PathBuf>>,
    /// Member index → exercise id → why that file was swapped for its stub (compiler messages).
    pub compile_errors: Vec<BTreeMap<String, String>>,
    /// Member index → why the member has no test binary at all.
    pub failed: Vec<Option<String>>,
    /// Cargo runs it took (for the summary and the bench).
    pub cargo_runs: usize,
}

/// What the loop needs to know about the lesson and the batch.
pub struct Inputs<'a> {
    /// The course (for the workspace manifest).
    pub course: &'a Course,
    /// The lesson being graded.
    pub lesson: &'a Lesson,
    /// The grading workspace's root.
    pub root: &'a Path,
    /// Exercise id → stub text.
    pub stubs: &'a BTreeMap<String, String>,
    /// Per-member time and memory.
    pub budget: Budget,
}

/// Runs the build-or-blame loop over `specs` (whose files are swapped for stubs in place).
pub fn build_all(inp: &Inputs, specs: &mut [MemberSpec], on_round: &dyn Fn(&str)) -> Result<Built> {
    let n = specs.len();
    let mut built = Built {
        binaries: vec![None; n],
        compile_errors: vec![BTreeMap::new(); n],
        failed: vec![None; n],
        cargo_runs: 0,
    };
    let mut pending: BTreeSet<usize> = (0..n).collect();
    let mut alone: BTreeSet<usize> = BTreeSet::new();
    let ws = workspace::materialise(inp.course, inp.lesson, inp.root, specs)?;
    let mut round = 0usize;
    while !pending.is_empty() {
        round += 1;
        if round > 1 {
            on_round(&format!(
                "rebuilding {} submissions (stubs in place of files that do not compile)",
                pending.len()
            ));
        }
        // Results of this round: member → (build, built alone?, why it has nothing).
        let mut results: Vec<(usize, MemberBuild, Option<String>)> = Vec::new();
        let together: Vec<usize> = pending.difference(&alone).copied().collect();
        if !together.is_empty() {
            let names: Vec<String> = together.iter().map(|&i| specs[i].name.clone()).collect();
            let t = std::time::Instant::now();
            let batch = workspace::build(&ws, &names, &inp.budget)?;
            built.cargo_runs += 1;
            trace(&format!(
                "round {round}: {} members together in {:.1} s{}",
                names.len(),
                t.elapsed().as_secs_f64(),
                if batch.stalled { " (stalled)" } else { "" }
            ));
            for &i in &together {
                let b = batch
                    .members
                    .get(&specs[i].name)
                    .cloned()
                    .unwrap_or_default();
                let has_result =
                    b.executables.contains_key(workspace::GRADE_TARGET) || !b.errors.is_empty();
                if has_result {
                    results.push((i, b, None));
                } else if batch.stalled {
                    // Stopped before it finished: only the members that held the batch up are
                    // suspects; the others simply go round again.
                    if batch.holding_up.contains(&specs[i].name) || batch.holding_up.is_empty() {
                        alone.insert(i);
                    }
                } else {
                    // cargo finished and this member has nothing: its compiler crashed.
                    alone.insert(i);
                }
            }
        }
        // Suspects from earlier rounds, one at a time, each with the whole budget.
        let lone: Vec<usize> = pending
            .intersection(&alone)
            .copied()
            .filter(|i| !together.contains(i))
            .collect();
        for i in lone {
            let name = specs[i].name.clone();
            let t = std::time::Instant::now();
            let b = workspace::build(&ws, std::slice::from_ref(&name), &inp.budget)?;
            built.cargo_runs += 1;
            trace(&format!(
                "round {round}: {name} alone in {:.1} s",
                t.elapsed().as_secs_f64()
            ));
            let mb = b.members.get(&name).cloned().unwrap_or_default();
            let crashed =
                !mb.executables.contains_key(workspace::GRADE_TARGET) && mb.errors.is_empty();
            if crashed
                && !b.stalled
                && own_ids(inp, &specs[i]).len() > 1
                && let Some((id, bin)) = blame_crashing_file(inp, &ws, specs, i, &mut built)?
            {
                let why = crash_message(&b, &inp.budget, inp.root, Crashed::OnThisFile);
                built.compile_errors[i].insert(id, why);
                built.binaries[i] = Some(bin);
                pending.remove(&i);
                continue;
            }
            let why =
                crashed.then(|| crash_message(&b, &inp.budget, inp.root, Crashed::OnTheSubmission));
            results.push((i, mb, why));
        }

        // Errors that name no file are searched for their file only while some member does
        // build: when none does, the fault is likely the course's own (a hidden test that does
        // not compile), and a search would cost every student one build per file for nothing.
        let some_member_builds = built.binaries.iter().any(Option::is_some)
            || results
                .iter()
                .any(|(_, b, _)| b.executables.contains_key(workspace::GRADE_TARGET));
        let mut changed = false;
        for (i, b, crashed) in results {
            if let Some(bin) = b.executables.get(workspace::GRADE_TARGET) {
                built.binaries[i] = Some(bin.clone());
                pending.remove(&i);
                continue;
            }
            // Errors that no file can be pinned on (no span: "failed to create encoded
            // metadata … Cannot allocate memory" from a huge static, say): find the file.
            if crashed.is_none()
                && some_member_builds
                && own_ids(inp, &specs[i]).len() > 1
                && let Some(text) = unpinned_errors(inp, &specs[i], &b)
                && let Some((id, bin)) = blame_crashing_file(inp, &ws, specs, i, &mut built)?
            {
                let why = format!(
                    "{text}\n(This error names no file; with this file's stub in place the rest \
                     of the submission built, so it is pinned on this file.)"
                );
                built.compile_errors[i].insert(id, why);
                built.binaries[i] = Some(bin);
                pending.remove(&i);
                continue;
            }
            let swapped = match &crashed {
                None => swap_erroneous(inp, &mut specs[i], &b, &mut built.compile_errors[i]),
                Some(why) => swap_all_own(inp, &mut specs[i], why, &mut built.compile_errors[i]),
            };
            if swapped {
                changed = true;
            } else {
                built.failed[i] = Some(match crashed {
                    Some(why) => why,
                    None => "the submission does not build even with stubs in place".to_string(),
                });
                pending.remove(&i);
            }
        }
        if changed {
            workspace::materialise(inp.course, inp.lesson, inp.root, specs)?;
        }
    }
    Ok(built)
}

/// `GEARS_GRADE_TRACE=1` prints each cargo run of the loop on stderr (for authors timing a batch).
fn trace(line: &str) {
    if std::env::var_os("GEARS_GRADE_TRACE").is_some() {
        eprintln!("grade build: {line}");
    }
}

/// The compiler crashed on member `i` built alone: finds the one file that makes it crash.
///
/// Each file of the member's own, in order, is swapped for its stub with the others as handed
/// in, and the member is built alone. The first try that builds names the culprit: the member
/// keeps that swap (only that exercise loses its points) and its binary is returned with the
/// culprit's id. A try that crashes, fails to compile or runs out of time is undone. `None`:
/// no single file explains the crash (two bad files, say), and the member's files are as before.
///
/// It costs at most one lone build per file of that one member, and only for a compiler crash
/// that came quickly (a stalled build never gets here), so a determined student can slow their
/// own grading a little, never the batch's.
fn blame_crashing_file(
    inp: &Inputs,
    ws: &workspace::GradingWorkspace,
    specs: &mut [MemberSpec],
    i: usize,
    built: &mut Built,
) -> Result<Option<(String, PathBuf)>> {
    let name = specs[i].name.clone();
    let handed_in = specs[i].clone();
    for id in own_ids(inp, &handed_in) {
        let mut trial = handed_in.clone();
        swap(inp, &mut trial, &id);
        specs[i] = trial;
        workspace::materialise(inp.course, inp.lesson, inp.root, specs)?;
        let t = std::time::Instant::now();
        let b = workspace::build(ws, std::slice::from_ref(&name), &inp.budget)?;
        built.cargo_runs += 1;
        trace(&format!(
            "{name} alone with {id} as its stub in {:.1} s",
            t.elapsed().as_secs_f64()
        ));
        let mb = b.members.get(&name).cloned().unwrap_or_default();
        if let Some(bin) = mb.executables.get(workspace::GRADE_TARGET) {
            return Ok(Some((id, bin.clone())));
        }
    }
    specs[i] = handed_in;
    workspace::materialise(inp.course, inp.lesson, inp.root, specs)?;
    Ok(None)
}

/// What a crash message is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Crashed {
    /// No single file explains it: every file of the submission scores 0.
    OnTheSubmission,
    /// This file (the rest of the submission built with its stub in place).
    OnThisFile,
}

/// Why a member built alone produced nothing, in words a student can act on.
fn crash_message(
    b: &workspace::BatchBuild,
    budget: &Budget,
    root: &Path,
    scope: Crashed,
) -> String {
    if b.stalled {
        return format!(
            "compiling this submission took longer than {} s (the limit per submission), so it \
             was stopped: make sure no constant or type makes the compiler loop",
            budget.time.as_secs()
        );
    }
    let root = format!("{}/", root.display());
    let telling: Vec<String> = b
        .stderr
        .lines()
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("memory") || l.contains("signal") || l.contains("overflow")
        })
        .map(|l| l.replace(&root, ""))
        .take(3)
        .collect();
    let (on, so) = match scope {
        Crashed::OnTheSubmission => ("this submission", "its files were not graded"),
        Crashed::OnThisFile => (
            "this file (the rest of the submission built with its stub in place)",
            "this exercise was not graded",
        ),
    };
    format!(
        "the compiler crashed on {on} (it ran out of memory — the limit is {} GiB — \
         overflowed its stack, or was killed), so {so}{}",
        budget.address_space >> 30,
        if telling.is_empty() {
            String::new()
        } else {
            format!(":\n{}", telling.join("\n"))
        }
    )
}

/// The member's compile errors as text, when none of them can be pinned on a file of its own
/// (`None` when at least one can, or there are none).
fn unpinned_errors(inp: &Inputs, spec: &MemberSpec, b: &MemberBuild) -> Option<String> {
    if b.errors.is_empty() {
        return None;
    }
    let member_dir = inp.root.join(&spec.name);
    let attr = crate::pipeline::attribution::attribute(inp.lesson, &member_dir, &b.errors);
    let pinned = attr.by_exercise.keys().any(|id| still_own(inp, spec, id));
    (!pinned).then(|| render(inp, spec, &attr.unattributed))
}

/// Compiler messages as a student reads them: no colours, paths inside their own lesson.
fn render(
    inp: &Inputs,
    spec: &MemberSpec,
    diags: &[crate::pipeline::cargo_build::Diagnostic],
) -> String {
    let member_dir = inp.root.join(&spec.name);
    diags
        .iter()
        .map(|d| crate::pipeline::process::strip_ansi(&d.rendered))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(&format!("{}/", member_dir.display()), "")
        .replace(&format!("{}/", spec.name), &format!("{}/", inp.lesson.name))
}

/// Pins the member's compile errors on exercise files and swaps those files for their stubs.
/// Returns false when there was nothing left to swap.
fn swap_erroneous(
    inp: &Inputs,
    spec: &mut MemberSpec,
    b: &MemberBuild,
    errors: &mut BTreeMap<String, String>,
) -> bool {
    let lesson = inp.lesson;
    let member_dir = inp.root.join(&spec.name);
    let attr = crate::pipeline::attribution::attribute(lesson, &member_dir, &b.errors);
    let mut ids: Vec<String> = attr
        .by_exercise
        .keys()
        .filter(|id| still_own(inp, spec, id))
        .cloned()
        .collect();
    if ids.is_empty() {
        // An error we cannot pin on one file: every file that is not a stub is suspect.
        ids = own_ids(inp, spec);
    }
    let mut swapped = false;
    for id in ids {
        let own = attr.by_exercise.get(&id).filter(|d| !d.is_empty());
        let diags = own.unwrap_or(&attr.unattributed);
        let text = render(inp, spec, diags);
        swapped |= swap(inp, spec, &id);
        errors.insert(id, text);
    }
    swapped
}

/// Swaps every file of the member that is not yet a stub, with one message for all of them.
fn swap_all_own(
    inp: &Inputs,
    spec: &mut MemberSpec,
    why: &str,
    errors: &mut BTreeMap<String, String>,
) -> bool {
    let mut swapped = false;
    for id in own_ids(inp, spec) {
        swapped |= swap(inp, spec, &id);
        errors.insert(id, why.to_string());
    }
    swapped
}

fn own_ids(inp: &Inputs, spec: &MemberSpec) -> Vec<String> {
    inp.lesson
        .exercises
        .iter()
        .filter(|ex| still_own(inp, spec, &ex.id))
        .map(|ex| ex.id.clone())
        .collect()
}

fn still_own(inp: &Inputs, spec: &MemberSpec, id: &str) -> bool {
    inp.lesson
        .exercises
        .iter()
        .any(|ex| ex.id == id && spec.files.get(&ex.file) != inp.stubs.get(&ex.id))
}

fn swap(inp: &Inputs, spec: &mut MemberSpec, id: &str) -> bool {
    let Some(ex) = inp.lesson.exercises.iter().find(|e| e.id == id) else {
        return false;
    };
    let stub = inp.stubs[id].clone();
    spec.files.insert(ex.file.clone(), stub.clone()) != Some(stub)
}
