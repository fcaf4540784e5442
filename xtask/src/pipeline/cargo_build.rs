//! Building a lesson's test binaries with cargo and reading what the compiler said.
//!
//! Why this file exists: linking is the slow part of a check, so the tool builds each test
//! target *once* and then runs its tests as separate processes (see [`crate::pipeline::runner`]). The
//! build must be the very same cargo invocation a plain `cargo test -p lesson-02 [--features
//! solution] --test check` makes — same package selection, features, profile and target dir —
//! or the two would keep invalidating each other's artifacts. `--no-run` plus
//! `--message-format=json-diagnostic-rendered-ansi` does not change cargo's fingerprints, so a
//! `check` after a `cargo test` (and the reverse) rebuilds nothing.
//!
//! From cargo's JSON stream we keep two things: the path of each test executable, and every
//! compiler diagnostic with its primary span (file and line) plus rustc's own rendering, which
//! is what a learner sees for their file ([`crate::pipeline::attribution`] decides whose file it is).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Result, UserError};
use crate::pipeline::process;
use crate::pipeline::progress::BuildProgress;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// Directory cargo runs in (the course root, or an overlay tree from [`crate::pipeline::overlay`]).
    pub workspace: PathBuf,
    /// `CARGO_TARGET_DIR` for the build.
    pub target_dir: PathBuf,
    /// Package to build (`-p`).
    pub package: String,
    /// Build with `--features solution`.
    pub solution: bool,
    /// Test targets (`--test NAME` each), e.g. `["check"]` or `["check", "hidden"]`.
    pub test_targets: Vec<String>,
    /// Pass `--offline` (overlay trees: never touch the network, reuse the lock file's versions).
    pub offline: bool,
    /// Extra environment for cargo (and so for rustc).
    pub env: Vec<(String, String)>,
    /// Give up on the build after this long.
    pub timeout: Duration,
    /// Show the build's progress on stderr ([`crate::pipeline::progress`]): for a person
    /// waiting on `check`, not for verify's or grading's many builds.
    pub progress: bool,
}

impl BuildRequest {
    /// A request with the defaults `check` uses: the `check` target, online, 20-minute limit.
    pub fn new(workspace: &Path, target_dir: &Path, package: &str, solution: bool) -> Self {
        BuildRequest {
            workspace: workspace.to_path_buf(),
            target_dir: target_dir.to_path_buf(),
            package: package.to_string(),
            solution,
            test_targets: vec!["check".to_string()],
            offline: false,
            env: Vec::new(),
            timeout: Duration::from_secs(20 * 60),
            progress: false,
        }
    }

    /// The cargo arguments (after `cargo`), shown to users who want to reproduce a build.
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec!["test".into(), "-p".into(), self.package.clone()];
        if self.solution {
            a.extend(["--features".into(), "solution".into()]);
        }
        for t in &self.test_targets {
            a.extend(["--test".into(), t.clone()]);
        }
        a.extend([
            "--no-run".into(),
            "--message-format=json-diagnostic-rendered-ansi".into(),
        ]);
        if self.offline {
            a.push("--offline".into());
        }
        a
    }
}

/// One compiler message (error or warning).
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `error`, `warning`, ...
    pub level: String,
    /// The one-line message (`mismatched types`).
    pub message: String,
    /// rustc's full rendering, with ANSI colour codes.
    pub rendered: String,
    /// Absolute path of the primary span's file, if any.
    pub file: Option<PathBuf>,
    /// 1-based line of the primary span.
    pub line: Option<usize>,
}

impl Diagnostic {
    /// True for `error` (and ICE) diagnostics.
    pub fn is_error(&self) -> bool {
        self.level.starts_with("error")
    }
}

/// What the build produced.
#[derive(Debug, Clone, Default)]
pub struct BuildOutput {
    /// Whether cargo reported success.
    pub success: bool,
    /// Test target name → executable.
    pub executables: BTreeMap<String, PathBuf>,
    /// Compiler diagnostics of the requested package (other packages' are in `other`).
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics of other packages (e.g. `shared` while someone edits it).
    pub other: Vec<Diagnostic>,
    /// cargo's own stderr (useful when it failed before compiling: bad Cargo.toml, offline, ...).
    pub stderr: String,
}

#[derive(Deserialize)]
struct Line {
    reason: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<RustcMessage>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct RustcMessage {
    message: String,
    level: String,
    #[serde(default)]
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    is_primary: bool,
}

/// Runs the build and parses its output. A failed compile is `Ok` with `success == false`;
/// `Err` means cargo could not be run at all or ran out of time.
pub fn build(req: &BuildRequest) -> Result<BuildOutput> {
    let mut cmd = cargo_command();
    cmd.args(req.args())
        .current_dir(&req.workspace)
        .env("CARGO_TARGET_DIR", &req.target_dir);
    for (k, v) in &req.env {
        cmd.env(k, v);
    }
    let cap = 256 << 20;
    let out = if req.progress {
        let shown = Arc::new(BuildProgress::start(&req.package));
        let feed = Arc::clone(&shown);
        let out = process::run_captured_with(&mut cmd, req.timeout, cap, move |l| feed.line(l));
        // The reader thread (and with it `feed`) is gone once the child's stderr closed.
        if let Ok(shown) = Arc::try_unwrap(shown) {
            shown.finish();
        }
        out
    } else {
        process::run_captured(&mut cmd, req.timeout, cap)
    }
    .map_err(|e| UserError::io("cannot run cargo", e))?;
    if out.timed_out {
        return Err(UserError::new(
            format!(
                "building {} took longer than {:?}",
                req.package, req.timeout
            ),
            format!(
                "run it by hand to see what it is doing: cargo {}",
                req.args().join(" ")
            ),
        ));
    }
    let mut result = parse(&out.stdout, &req.workspace, &req.package);
    result.stderr = out.stderr;
    if out.status.map(|s| !s.success()).unwrap_or(true) {
        result.success = false;
    }
    Ok(result)
}

/// Parses cargo's JSON message stream (one object per line).
pub fn parse(stdout: &str, workspace: &Path, package: &str) -> BuildOutput {
    let mut out = BuildOutput::default();
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<Line>(line) else {
            continue;
        };
        let ours = package_matches(&msg.package_id, package);
        match msg.reason.as_str() {
            "compiler-artifact" => {
                if let (Some(exe), Some(t)) = (msg.executable, msg.target)
                    && ours
                    && t.kind.iter().any(|k| k == "test")
                {
                    out.executables.insert(t.name, exe);
                }
            }
            "compiler-message" => {
                let Some(m) = msg.message else { continue };
                if m.spans.is_empty() && m.message.starts_with("aborting due to") {
                    continue;
                }
                let primary = m.spans.iter().find(|s| s.is_primary).or(m.spans.first());
                let d = Diagnostic {
                    level: m.level,
                    message: m.message,
                    rendered: m.rendered.unwrap_or_default(),
                    file: primary.map(|s| workspace.join(&s.file_name)),
                    line: primary.map(|s| s.line_start),
                };
                // The same diagnostic can arrive twice (lib and lib-as-test); keep one.
                let list = if ours {
                    &mut out.diagnostics
                } else {
                    &mut out.other
                };
                if !list
                    .iter()
                    .any(|o| o.rendered == d.rendered && o.file == d.file && o.line == d.line)
                {
                    list.push(d);
                }
            }
            "build-finished" => out.success = msg.success.unwrap_or(false),
            _ => {}
        }
    }
    out
}

/// cargo package ids look like `path+file:///x/lesson-02#0.1.0` or
/// `path+file:///x/dir#lesson-02@0.1.0` (when the directory name differs from the package).
fn package_matches(id: &str, package: &str) -> bool {
    let Some((url, frag)) = id.rsplit_once('#') else {
        return false;
    };
    match frag.split_once('@') {
        Some((name, _)) => name == package,
        None => url.rsplit('/').next() == Some(package),
    }
}

/// The cargo to run nested builds with: the one that started xtask (`$CARGO`, so a pinned
/// toolchain stays pinned), else `cargo` on `PATH`.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The one way xtask starts cargo for learners and authors: [`cargo_program`] with
/// [`scrub_cargo_env`] applied (grading builds use [`clean_env`] instead). Every
/// nested build and test of check, verify and export's proof starts from this, so they all
/// see the environment a learner's own `cargo test` would.
pub fn cargo_command() -> Command {
    let mut cmd = Command::new(cargo_program());
    scrub_cargo_env(&mut cmd);
    cmd
}

/// The variables a grading build keeps from the grader's environment: where the toolchain and
/// the caches are, and nothing else.
pub const CLEAN_ENV_KEEP: &[&str] = &[
    "PATH",
    "HOME",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_JOBS",
    "TMPDIR",
];

/// Gives `cmd` (cargo, or a wrapper such as `prlimit` that starts cargo) a clean environment:
/// only [`CLEAN_ENV_KEEP`] from ours, plus whatever was set on `cmd` itself before this call.
///
/// Why: a grading build compiles student code, and `env!`, `option_env!` or
/// `include_str!("/proc/self/environ")` read the compiler's environment at compile time. The
/// grader's environment may hold tokens, paths and secrets that are none of a submission's
/// business; the policy refuses those macros, and this is the second wall behind it. Learner
/// and author builds keep their environment ([`cargo_command`]): a proxy or a `RUSTFLAGS` there
/// is the user's own choice.
pub fn clean_env(cmd: &mut Command) {
    let explicit: Vec<(std::ffi::OsString, std::ffi::OsString)> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
        .collect();
    cmd.env_clear();
    for key in CLEAN_ENV_KEEP {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    for (k, v) in explicit {
        cmd.env(k, v);
    }
}

/// Removes the variables `cargo run` sets for *xtask itself*, so the nested cargo and the
/// crates it compiles see the same environment as a learner's own `cargo test`.
pub fn scrub_cargo_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("CARGO_PKG_")
            || k.starts_with("CARGO_BIN_")
            || matches!(
                k.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
            )
        {
            cmd.env_remove(k.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grading_builds_get_a_clean_environment() {
        let mut cmd = Command::new("env");
        cmd.env("CARGO_TARGET_DIR", "/t");
        clean_env(&mut cmd);
        cmd.env("RUSTFLAGS", "-Dwarnings");
        let out = cmd.output().expect("`env` runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, _)| k)
            .collect();
        assert!(
            keys.iter()
                .all(|k| CLEAN_ENV_KEEP.contains(k) || *k == "RUSTFLAGS"),
            "a grading build saw more than it needs: {keys:?}"
        );
        assert!(
            text.contains("CARGO_TARGET_DIR=/t"),
            "a variable set before the clean-up is kept: {text}"
        );
        // `cargo test` gives this process CARGO_PKG_NAME: the grading build must not see it.
        assert!(std::env::var_os("CARGO_PKG_NAME").is_some());
        assert!(!keys.contains(&"CARGO_PKG_NAME"), "{keys:?}");
    }

    #[test]
    fn package_ids() {
        assert!(package_matches(
            "path+file:///a/lesson-02#0.1.0",
            "lesson-02"
        ));
        assert!(package_matches(
            "path+file:///a/ov#lesson-02@0.1.0",
            "lesson-02"
        ));
        assert!(!package_matches("path+file:///a/shared#0.1.0", "lesson-02"));
        assert!(!package_matches(
            "registry+https://github.com/rust-lang/crates.io-index#tokio@1.47.0",
            "lesson-02"
        ));
    }

    #[test]
    fn parses_errors_and_executables() {
        let json = r#"{"reason":"compiler-message","package_id":"path+file:///w/lesson-01#0.1.0","target":{"name":"lesson_01","kind":["lib"]},"message":{"message":"mismatched types","level":"error","rendered":"error[E0308]: mismatched types","spans":[{"file_name":"lesson-01/src/e01_a.rs","line_start":7,"is_primary":true}]}}
{"reason":"compiler-artifact","package_id":"path+file:///w/lesson-01#0.1.0","target":{"name":"check","kind":["test"]},"executable":"/t/debug/deps/check-1"}
{"reason":"build-finished","success":false}"#;
        let out = parse(json, Path::new("/w"), "lesson-01");
        assert!(!out.success);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].line, Some(7));
        assert_eq!(
            out.diagnostics[0].file.as_deref(),
            Some(Path::new("/w/lesson-01/src/e01_a.rs"))
        );
        assert_eq!(
            out.executables["check"],
            PathBuf::from("/t/debug/deps/check-1")
        );
    }
}
