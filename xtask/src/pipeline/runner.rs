//! Running a test binary's tests, each in its own process, in parallel, with a time limit.
//!
//! Why this file exists: docs/FORMAT.md promises that a test which hangs or aborts loses that
//! one test its verdict, never the whole run. libtest runs all tests as threads of one process, where one `loop {}` or `abort()`
//! takes every verdict down with it. So we ask the binary for its test list (`--list --format
//! terse`) and start one process per test (`<bin> --exact <name> --test-threads=1`), about as
//! many at once as there are cores ([`default_parallelism`]), each killed at its time limit.
//!
//! The grader runs untrusted code through the same runner, so everything it needs is a knob on
//! [`RunnerConfig`]: extra environment, a command prefix (a sandbox wrapper), an output cap, and
//! a [`Judge`] that decides the verdict from the captured output (e.g. "pass only if stdout holds
//! the secret verdict token").

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::course::status::Status;
use crate::error::{Result, UserError};
use crate::pipeline::failure;
use crate::pipeline::process::{self, Captured};

/// Decides a test's status and message from its captured process output.
pub type Judge = Arc<dyn Fn(&TestSpec, &Captured) -> (Status, Option<String>) + Send + Sync>;

/// How to run test processes.
#[derive(Clone)]
pub struct RunnerConfig {
    /// How many test processes at once (default: [`default_parallelism`]).
    pub parallelism: usize,
    /// Extra environment variables for every test process.
    pub env: Vec<(String, String)>,
    /// Command prefix: the test binary and its arguments are appended to it
    /// (e.g. `["bwrap", "--die-with-parent", ..., "--"]`). Empty: run the binary directly.
    pub prefix: Vec<String>,
    /// Bytes kept of each of stdout and stderr.
    pub output_cap: usize,
    /// Extra libtest arguments after the defaults (e.g. `--nocapture`).
    pub extra_args: Vec<String>,
    /// Working directory of test processes (cargo uses the package directory).
    pub cwd: Option<PathBuf>,
    /// Verdict function; `None` uses [`default_judge`].
    pub judge: Option<Judge>,
    /// Time limit for `--list`.
    pub list_timeout: Duration,
    /// Bytes for each test process's stdin (the grader's verdict token); `None`: `/dev/null`.
    pub input: Option<Vec<u8>>,
    /// The path the prefix sees the binary at, when it is not the host path (bubblewrap binds
    /// the test binary at one fixed path, so no host path is visible inside).
    pub program: Option<PathBuf>,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            parallelism: default_parallelism(),
            env: vec![
                ("RUST_BACKTRACE".into(), "0".into()),
                // Each test has its own process, so the harness may end one whose `poll` never
                // returns (rule 3) after a second, instead of the runner killing it at the time
                // limit with nothing to say. See `shared::harness` (the watchdog).
                ("GEARS_ABORT_ON_HANG".into(), "1".into()),
            ],
            prefix: Vec::new(),
            output_cap: 64 * 1024,
            extra_args: Vec::new(),
            cwd: None,
            judge: None,
            list_timeout: Duration::from_secs(30),
            input: None,
            program: None,
        }
    }
}

/// Test processes at once: `GEARS_JOBS` if set, else the number of cores plus one.
///
/// Why one more than the cores: course tests mostly *wait* (timers, thread hand-offs, process
/// start-up), so with exactly one process per core a core idles whenever its test sleeps.
/// Measured on lesson-02's 40 visible tests on 2 cores: 2 at once 0.51 s, 3 at once 0.38 s.
/// More than that would start to starve tests that time real threads.
pub fn default_parallelism() -> usize {
    std::env::var("GEARS_JOBS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                + 1
        })
}

/// One test to run.
#[derive(Debug, Clone)]
pub struct TestSpec {
    /// Full libtest name (`e01_countdown::completes_after_n_polls`).
    pub name: String,
    /// Its time limit.
    pub timeout: Duration,
}

/// One test's outcome.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// Full libtest name.
    pub name: String,
    /// Verdict.
    pub status: Status,
    /// The failure message (the test's own failure with the harness's diagnosis, then other
    /// panics as context; see [`failure`]), if any.
    pub message: Option<String>,
    /// Everything captured from the process.
    pub output: Captured,
}

impl RunnerConfig {
    fn command(&self, bin: &Path, args: &[String]) -> Command {
        let mut cmd = match self.prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(self.program.as_deref().unwrap_or(bin));
                c
            }
            None => Command::new(bin),
        };
        cmd.args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd
    }
}

/// Lists the tests of a libtest binary (ignored ones excluded).
pub fn list_tests(bin: &Path, cfg: &RunnerConfig) -> Result<Vec<String>> {
    let args: Vec<String> = ["--list", "--format", "terse"]
        .into_iter()
        .map(String::from)
        .collect();
    let out = process::run_captured(&mut cfg.command(bin, &args), cfg.list_timeout, 4 << 20)
        .map_err(|e| UserError::io(format!("cannot run {}", bin.display()), e))?;
    if out.timed_out || !out.status.map(|s| s.success()).unwrap_or(false) {
        return Err(UserError::new(
            format!("{} did not list its tests", bin.display()),
            "run `cargo clean` and try again; if it persists, report it to the course author",
        ));
    }
    Ok(parse_list(&out.stdout))
}

/// Parses `name: test` lines of `--list --format terse`.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// Runs every test in its own process, up to `cfg.parallelism` at once. Results keep the
/// order of `tests`.
pub fn run_tests(bin: &Path, tests: &[TestSpec], cfg: &RunnerConfig) -> Vec<TestResult> {
    let next = AtomicUsize::new(0);
    let workers = cfg.parallelism.max(1).min(tests.len().max(1));
    let mut slots: Vec<Option<TestResult>> = vec![None; tests.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(spec) = tests.get(i) else { break };
                        done.push((i, run_one(bin, spec, cfg)));
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    slots[i] = Some(r);
                }
            }
        }
    });
    slots
        .into_iter()
        .zip(tests)
        .map(|(r, spec)| {
            r.unwrap_or_else(|| TestResult {
                name: spec.name.clone(),
                status: Status::NotRun,
                message: Some("the runner lost this test".into()),
                output: empty_capture(),
            })
        })
        .collect()
}

/// Runs one test in its own process.
pub fn run_one(bin: &Path, spec: &TestSpec, cfg: &RunnerConfig) -> TestResult {
    let mut args = vec![
        "--exact".to_string(),
        spec.name.clone(),
        "--test-threads=1".to_string(),
    ];
    args.extend(cfg.extra_args.iter().cloned());
    let mut cmd = cfg.command(bin, &args);
    let opts = process::Spawn {
        input: cfg.input.clone(),
        own_group: false,
    };
    let output = match process::run_spawned(&mut cmd, spec.timeout, cfg.output_cap, &opts) {
        Ok(c) => c,
        Err(e) => {
            return TestResult {
                name: spec.name.clone(),
                status: Status::NotRun,
                message: Some(format!("could not start the test: {e}")),
                output: empty_capture(),
            };
        }
    };
    let (status, message) = match &cfg.judge {
        Some(judge) => judge(spec, &output),
        None => default_judge(spec, &output),
    };
    TestResult {
        name: spec.name.clone(),
        status,
        message,
        output,
    }
}

/// The verdict of a plain libtest process: exit 0 with `1 passed` is a pass, a kill at the time
/// limit a timeout, anything else a failure with the test's own failure message
/// ([`failure::own_failure`]: the test thread's panic first, other panics as context).
pub fn default_judge(spec: &TestSpec, out: &Captured) -> (Status, Option<String>) {
    if (out.timed_out || out.status.is_some_and(|s| s.code().is_none()))
        && let Some(alarm) = harness_alarm(&out.stderr)
    {
        return (Status::Fail, Some(alarm));
    }
    if out.timed_out {
        return (
            Status::Timeout,
            Some(format!(
                "still running after {} s, so it was stopped: something waits forever \
                 (a lost wakeup, or a loop that never ends)",
                spec.timeout.as_secs_f32()
            )),
        );
    }
    let code = out.status.and_then(|s| s.code());
    if code == Some(0) {
        if out.stdout.contains(" 1 passed;") {
            return (Status::Pass, None);
        }
        return (
            Status::NotRun,
            Some("the test did not run (ignored, or not in this binary)".into()),
        );
    }
    if let Some(msg) = failure::own_failure(&spec.name, &out.stdout, &out.stderr) {
        return (Status::Fail, Some(msg));
    }
    if code.is_none() {
        let tail = last_lines(&out.stderr, 5);
        return (
            Status::Fail,
            Some(format!(
                "the test process crashed (killed by a signal: an abort or a stack overflow){}",
                if tail.is_empty() {
                    String::new()
                } else {
                    format!("\n{tail}")
                }
            )),
        );
    }
    let text = if out.stderr.trim().is_empty() {
        &out.stdout
    } else {
        &out.stderr
    };
    (Status::Fail, Some(last_lines(text, 8)))
}

/// The shared harness's watchdog writes a rule-3 diagnosis straight to stderr when a `poll` call
/// never returns (and then aborts the process under `GEARS_ABORT_ON_HANG`). That diagnosis says
/// far more than "crashed" or "timed out", so it becomes the message.
fn harness_alarm(stderr: &str) -> Option<String> {
    let start = stderr.find("blocking poll (rule 3")?;
    let text = stderr[start..].trim_end();
    Some(text.lines().take(6).collect::<Vec<_>>().join("\n"))
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn empty_capture() -> Captured {
    Captured {
        status: None,
        timed_out: false,
        stdout: String::new(),
        stderr: String::new(),
        truncated: false,
        duration: Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "\nrunning 1 test\ntest e01_a::adds ... FAILED\n\nfailures:\n\n---- e01_a::adds stdout ----\n\nthread 'e01_a::adds' panicked at tests/check.rs:9:9:\nrule 2 (register a wake before Pending): lost wakeup\n  +0.0 ms  poll #1 -> Pending\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    e01_a::adds\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 1 filtered out; finished in 0.00s\n\n";

    #[test]
    fn extracts_panic_message_with_diagnosis() {
        let m = failure::own_failure("e01_a::adds", FAILED, "").unwrap();
        assert_eq!(
            m,
            "rule 2 (register a wake before Pending): lost wakeup\n  +0.0 ms  poll #1 -> Pending"
        );
    }

    #[test]
    fn a_hung_poll_is_reported_by_rule_not_as_a_crash() {
        use std::os::unix::process::ExitStatusExt;
        let spec = TestSpec {
            name: "e01_a::adds".into(),
            timeout: Duration::from_secs(10),
        };
        let out = Captured {
            // SIGABRT, as the watchdog's abort() ends the process.
            status: Some(std::process::ExitStatus::from_raw(6)),
            timed_out: false,
            stdout: String::new(),
            stderr: "\nblocking poll (rule 3: poll must not block): poll #1 of X has been running \
                     for 1000 ms and has not returned\nWhat to do: look for sleep\n"
                .into(),
            truncated: false,
            duration: Duration::from_secs(1),
        };
        let (status, message) = default_judge(&spec, &out);
        assert_eq!(status, Status::Fail);
        assert!(message.unwrap().starts_with("blocking poll (rule 3"));
    }

    #[test]
    fn parses_terse_list() {
        let l = parse_list("e01_a::adds: test\ne01_a::more: test\n\n2 tests, 0 benchmarks\n");
        assert_eq!(l, vec!["e01_a::adds", "e01_a::more"]);
    }
}
