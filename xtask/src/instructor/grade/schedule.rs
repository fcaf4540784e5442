//! Step 4 of grading: which tests run, for whom, with what time limit.
//!
//! Why this file exists: a built member's binary lists its tests (inside the sandbox, since
//! listing runs the binary), and each test becomes one job of the batch's single queue
//! ([`run::run_all`](crate::instructor::grade::run::run_all)). Tests of an exercise that no
//! student of the member is graded on (everyone's file was the stub, missing, or swapped for the
//! stub because it did not compile) are listed for the feedback but never run: they would score
//! 0 anyway, and on a batch of hundreds that is most of the run time saved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::course::Lesson;
use crate::error::{Result, UserError};
use crate::instructor::grade::run::{self, Job};
use crate::instructor::sandbox::Sandbox;

/// The batch's jobs and what each member's binary listed.
pub struct Schedule {
    /// Every test process to run.
    pub jobs: Vec<Job>,
    /// Member index → target → test names (without the `check::`/`hidden::` prefix).
    pub listed: Vec<BTreeMap<String, Vec<String>>>,
    /// Member index → why its binary could not be used.
    pub failed: Vec<Option<String>>,
    /// Keeps the staged copies of the binaries until the jobs have run.
    _stage: Stage,
}

/// Lists every built member's tests and queues those that count for some student.
///
/// `graded_on_own_code(member, exercise id)` says whether any student of the member is graded
/// on their own file of that exercise; `timeout` overrides every exercise's limit.
pub fn schedule(
    lesson: &Lesson,
    sandbox: &Sandbox,
    binaries: &[Option<PathBuf>],
    graded_on_own_code: &dyn Fn(usize, &str) -> bool,
    timeout: Option<Duration>,
    scratch: &dyn Fn(usize) -> PathBuf,
) -> Result<Schedule> {
    let stage = Stage::new(sandbox)?;
    let mut out = Schedule {
        jobs: Vec::new(),
        listed: vec![BTreeMap::new(); binaries.len()],
        failed: vec![None; binaries.len()],
        _stage: stage,
    };
    for (i, bin) in binaries.iter().enumerate() {
        let Some(bin) = bin else { continue };
        let bin = out._stage.place(bin, &format!("g{:03}", i + 1))?;
        let tests = match run::list(sandbox, &bin, i as u32, &scratch(i)) {
            Ok(t) => t,
            Err(e) => {
                out.failed[i] = Some(format!("the test binary did not list its tests: {e}"));
                continue;
            }
        };
        for full in &tests {
            // `check::e01_x::name` or `hidden::e01_x::name` (see workspace::GRADE_TARGET).
            let Some((target, short)) = full.split_once("::") else {
                continue;
            };
            if target != "check" && target != "hidden" {
                continue;
            }
            let Some(ex) = lesson.exercises.iter().find(|e| e.owns_test(short)) else {
                continue;
            };
            out.listed[i]
                .entry(target.to_string())
                .or_default()
                .push(short.to_string());
            if graded_on_own_code(i, &ex.id) {
                out.jobs.push(Job {
                    member: i,
                    target: target.to_string(),
                    bin: bin.clone(),
                    test: full.clone(),
                    short: short.to_string(),
                    timeout: timeout.unwrap_or_else(|| ex.timeout()),
                });
            }
        }
    }
    Ok(out)
}

/// Where test binaries are started from. When the sandbox runs them as another uid and the
/// target dir is not reachable by other users (e.g. under a private home folder), they are
/// copied to a world-readable temporary folder first.
struct Stage {
    dir: Option<tempfile::TempDir>,
}

impl Stage {
    fn new(sandbox: &Sandbox) -> Result<Stage> {
        Ok(Stage {
            dir: if sandbox.switches_uid() {
                let d = tempfile::Builder::new()
                    .prefix("gears-grade-")
                    .tempdir()
                    .map_err(|e| UserError::io("cannot create a temporary folder", e))?;
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755));
                Some(d)
            } else {
                None
            },
        })
    }

    fn place(&self, bin: &Path, name: &str) -> Result<PathBuf> {
        match &self.dir {
            Some(d) if !crate::instructor::sandbox::reachable_by_others(bin) => {
                let to = d.path().join(name);
                std::fs::copy(bin, &to)
                    .map_err(|e| UserError::io(format!("cannot copy {}", bin.display()), e))?;
                Ok(to)
            }
            _ => Ok(bin.to_path_buf()),
        }
    }
}
