//! What xtask's integration tests share: fixture courses in temporary folders, running the
//! xtask binary against them under a time limit, and snapshots that prove a folder unchanged.
//!
//! Why this file exists: three test files drive the binary (`cli.rs` as a learner does,
//! `export.rs` and `grade_attacks.rs` as an instructor does). One helper per job here keeps them
//! from drifting — one way to copy a fixture, one [`Run`] type for what came back, one time
//! limit policy, one snapshot. Each test file includes it with `mod support;`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

pub mod schema;
use wait_timeout::ChildExt;

/// The xtask binary under test.
pub const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

/// How long one xtask run may take before the test fails instead of hanging. Wide on purpose:
/// a first build of a fixture on a loaded machine takes a while, a hang takes forever.
pub const LEARNER_LIMIT: Duration = Duration::from_secs(240);
/// The same for grading a whole batch of submissions (many builds and sandboxed runs).
pub const GRADE_LIMIT: Duration = Duration::from_secs(900);

/// What one run of the binary gave back.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Both streams, for failure messages.
    pub fn output(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The attack fixtures (one folder per attacking "student", `_course` the lesson they attack).
pub fn attack_fixtures() -> PathBuf {
    fixture("attacks")
}

/// The target dir this test was built into (`<target>/debug/xtask`).
pub fn target_dir() -> PathBuf {
    Path::new(XTASK)
        .ancestors()
        .nth(2)
        .expect("target dir")
        .to_path_buf()
}

/// Copies a folder tree, leaving out any `target/` folder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() == "target" {
                continue;
            }
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A fresh copy of the self-contained fixture course (`tests/fixtures/course`, no
/// dependencies, its own target dir inside the copy).
pub fn learner_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("course"), dir.path());
    dir
}

/// A temporary course shaped like the real one: the real workspace manifest with the fixture
/// `lesson-90` as its only member, the real `shared` linked in, so dependencies come from this
/// test's target dir and only the fixture crates compile.
pub fn fixture_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(real.join("Cargo.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let ws = table["workspace"].as_table_mut().unwrap();
    ws.insert(
        "members".into(),
        toml::Value::Array(vec!["lesson-90".into()]),
    );
    ws.remove("default-members");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        toml::to_string(&table).unwrap(),
    )
    .unwrap();
    std::fs::copy(real.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    std::os::unix::fs::symlink(real.join("shared"), dir.path().join("shared")).unwrap();
    copy_dir(
        &attack_fixtures().join("_course/lesson-90"),
        &dir.path().join("lesson-90"),
    );
    dir
}

/// Runs `cmd` to the end with its output captured; kills it and fails the test at `limit`.
pub fn run_limited(mut cmd: Command, what: &str, limit: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || std::io::read_to_string(out).unwrap_or_default());
    let t_err = std::thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    let status = match child.wait_timeout(limit).unwrap() {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} did not finish in {} s — the tool must end every verb, even on bad input",
                limit.as_secs()
            );
        }
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// Runs `xtask args...` in `cwd` as a learner's shell would: no course root pinned, no
/// target dir inherited, no colours.
pub fn xtask_in(cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(XTASK);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("GEARS_COURSE_ROOT")
        .env("NO_COLOR", "1");
    run_limited(cmd, &format!("xtask {args:?}"), LEARNER_LIMIT)
}

/// Runs `xtask args...` on `course` (pinned with `GEARS_COURSE_ROOT`), building into this
/// test's own target dir so no dependency is compiled again.
pub fn xtask(course: &Path, args: &[&str]) -> Run {
    xtask_env(course, args, &[])
}

/// [`xtask`] with extra environment variables.
pub fn xtask_env(course: &Path, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = Command::new(XTASK);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.clone())))
        .env("GEARS_COURSE_ROOT", course)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("NO_COLOR", "1");
    run_limited(cmd, &format!("xtask {args:?}"), GRADE_LIMIT)
}

/// Every file under `dir` (links not followed, folders named in `skip` left out) with a
/// fingerprint of its content: a SHA-256, a link's target, or the size of a file over 1 MiB.
/// Two equal snapshots mean nothing under `dir` was written, removed or re-linked.
pub fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            if t.is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                out.insert(rel, format!("link:{}", target.display()));
            } else if t.is_dir() {
                if !skip.iter().any(|s| e.file_name() == *s) {
                    stack.push(e.path());
                }
            } else if e.metadata().unwrap().len() > (1 << 20) {
                out.insert(rel, format!("big:{}", e.metadata().unwrap().len()));
            } else {
                // The bytes themselves (lossily as text): files this small compare cheaply.
                let bytes = std::fs::read(e.path()).unwrap();
                out.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    out
}

/// The `--json` report a run printed.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}):\n{}", run.stdout))
}

/// The CLI contract for bad input: exit 2 and one line, `error: <what> — <what to do>`.
pub fn one_line_error(run: &Run) {
    assert_eq!(run.code, 2, "bad input must exit 2:\n{}", run.output());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "bad input must give one line, got: {}",
        run.stderr
    );
    assert!(
        lines[0].starts_with("error: "),
        "the line must start with `error: `: {}",
        run.stderr
    );
    assert!(
        lines[0].contains(" — "),
        "the line must say what to do after ` — `: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "bad input must never panic: {}",
        run.stderr
    );
}
