//! Running every submission's tests: sandboxed, one process per test, verdicts checked against
//! a secret token, all cores busy.
//!
//! Why this file exists: the core runner ([`crate::pipeline::runner`]) already runs one test per process
//! with a time limit and an output cap. Grading adds three things on top:
//!
//! * **a sandbox prefix** ([`crate::instructor::sandbox`]) per process, with a private uid per submission;
//! * **a fresh random token per process**, written into its stdin (never into its environment
//!   or command line, which `/proc` shows to anyone in the sandbox), and a judge that counts a
//!   test as passed only when libtest says so *and* stdout carries `GEARS-VERDICT-OK <token>`
//!   (see `shared::verdict`) — so exiting early or printing fake results earns nothing;
//! * **one queue for the whole batch**: every (submission, binary, test) is a job, and as many
//!   jobs run at once as there are cores, so a batch of 30 keeps both cores busy to the end
//!   instead of waiting for the slowest test of each student in turn.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::course::status::Status;
use crate::instructor::sandbox::Sandbox;
use crate::pipeline::process::Captured;
use crate::pipeline::runner::{self, RunnerConfig, TestSpec};

/// Must equal `shared::verdict::TOKEN_ENV`, the flag saying "your token is on stdin" (xtask
/// does not depend on `shared`, which would pull tokio into the tool's own build).
pub const TOKEN_ENV: &str = "GEARS_VERDICT_STDIN";
/// Must equal `shared::verdict::OK_PREFIX`.
pub const OK_PREFIX: &str = "GEARS-VERDICT-OK";

/// Bytes of each output stream kept per test; more is cut, and a cut stdout loses the verdict.
pub const OUTPUT_CAP: usize = 256 * 1024;

/// One test process to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index of the member (submission group) it belongs to; also its sandbox slot.
    pub member: usize,
    /// `check` (visible tests) or `hidden`.
    pub target: String,
    /// The test binary.
    pub bin: PathBuf,
    /// Full libtest name in the grading binary (`check::e01_x::name`).
    pub test: String,
    /// The name in the lesson's own test file (`e01_x::name`), shown to students.
    pub short: String,
    /// Time limit.
    pub timeout: Duration,
}

/// A finished job.
#[derive(Debug, Clone)]
pub struct JobResult {
    /// The job.
    pub job: Job,
    /// Verdict.
    pub status: Status,
    /// Message for feedback.
    pub message: Option<String>,
}

/// Lists a binary's tests inside the sandbox.
pub fn list(
    sandbox: &Sandbox,
    bin: &Path,
    slot: u32,
    scratch: &Path,
) -> Result<Vec<String>, String> {
    let cfg = config(sandbox, bin, slot, scratch, "");
    runner::list_tests(bin, &cfg).map_err(|e| e.to_string())
}

/// Runs all jobs, `parallelism` at a time; `tick` is called after each one (progress bar).
pub fn run_all(
    sandbox: &Sandbox,
    jobs: Vec<Job>,
    scratch: &dyn Fn(usize) -> PathBuf,
    parallelism: usize,
    tick: &(dyn Fn() + Sync),
) -> Vec<JobResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<JobResult>>> = Mutex::new(vec![None; jobs.len()]);
    let scratch_dirs: Vec<PathBuf> = (0..jobs.iter().map(|j| j.member + 1).max().unwrap_or(0))
        .map(scratch)
        .collect();
    std::thread::scope(|s| {
        for _ in 0..parallelism.max(1).min(jobs.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let r = run_job(sandbox, job, &scratch_dirs[job.member]);
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(r);
                    }
                    tick();
                }
            });
        }
    });
    let all = results.into_inner().unwrap_or_default();
    all.into_iter()
        .zip(jobs)
        .map(|(r, job)| {
            r.unwrap_or(JobResult {
                job,
                status: Status::NotRun,
                message: Some("the grader lost this test".into()),
            })
        })
        .collect()
}

fn run_job(sandbox: &Sandbox, job: &Job, scratch: &Path) -> JobResult {
    let token = fresh_token();
    let mut cfg = config(sandbox, &job.bin, job.member as u32, scratch, &token);
    let judge_token = token.clone();
    cfg.judge = Some(Arc::new(move |spec: &TestSpec, out: &Captured| {
        judge(spec, out, &judge_token)
    }));
    let spec = TestSpec {
        name: job.test.clone(),
        timeout: job.timeout,
    };
    let r = runner::run_one(&job.bin, &spec, &cfg);
    JobResult {
        job: job.clone(),
        status: r.status,
        message: r.message,
    }
}

fn config(sandbox: &Sandbox, bin: &Path, slot: u32, scratch: &Path, token: &str) -> RunnerConfig {
    let tmp = if sandbox.mode == crate::instructor::sandbox::Mode::Bwrap {
        "/tmp".to_string()
    } else {
        scratch.display().to_string()
    };
    let mut env = vec![
        ("PATH".to_string(), "/usr/bin:/bin".to_string()),
        ("HOME".to_string(), tmp.clone()),
        ("TMPDIR".to_string(), tmp),
        ("RUST_BACKTRACE".to_string(), "0".to_string()),
        ("LANG".to_string(), "C.UTF-8".to_string()),
    ];
    if !token.is_empty() {
        env.push((TOKEN_ENV.to_string(), "1".to_string()));
    }
    let prefix = sandbox
        .prefix(bin, &env, slot)
        .into_iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    RunnerConfig {
        parallelism: 1,
        env: Vec::new(),
        prefix,
        output_cap: OUTPUT_CAP,
        extra_args: Vec::new(),
        cwd: (sandbox.mode != crate::instructor::sandbox::Mode::Bwrap)
            .then(|| scratch.to_path_buf()),
        judge: None,
        list_timeout: Duration::from_secs(30),
        input: (!token.is_empty()).then(|| format!("{token}\n").into_bytes()),
        program: Some(sandbox.inside(bin)),
    }
}

/// The grading verdict: libtest's verdict, but a pass also needs the token line.
pub fn judge(spec: &TestSpec, out: &Captured, token: &str) -> (Status, Option<String>) {
    let exit_zero = !out.timed_out && out.status.and_then(|s| s.code()) == Some(0);
    if exit_zero && !vouched(&out.stdout, token) {
        let why = if out.truncated {
            "the test printed so much output that it was cut off before the grader's verdict"
        } else {
            "the test process ended without the grader's verdict: the test body did not run to \
             its end (the code exited the process early, or faked the test result)"
        };
        return (Status::Fail, Some(why.to_string()));
    }
    let (status, message) = runner::default_judge(spec, out);
    if status == Status::Pass && !vouched(&out.stdout, token) {
        return (
            Status::Fail,
            Some("the test passed without the grader's verdict".into()),
        );
    }
    (status, message)
}

/// True when `stdout` holds the exact verdict line for `token`.
pub fn vouched(stdout: &str, token: &str) -> bool {
    let want = format!("{OK_PREFIX} {token}");
    !token.is_empty() && stdout.lines().any(|l| l.trim_end_matches('\r') == want)
}

/// 128 random bits as hex, from the OS's generator.
pub fn fresh_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Extremely unlikely; fall back to something unguessable enough for one process.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = (t ^ ((std::process::id() as u128) << 64)).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(code: i32, stdout: &str) -> Captured {
        use std::os::unix::process::ExitStatusExt;
        Captured {
            status: Some(std::process::ExitStatus::from_raw(code << 8)),
            timed_out: false,
            stdout: stdout.into(),
            stderr: String::new(),
            truncated: false,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn a_pass_needs_the_token() {
        let spec = TestSpec {
            name: "e01_a::t".into(),
            timeout: Duration::from_secs(1),
        };
        let ok = "running 1 test\n\nGEARS-VERDICT-OK abc\ntest e01_a::t ... ok\n\ntest result: ok. 1 passed; 0 failed;";
        assert_eq!(judge(&spec, &captured(0, ok), "abc").0, Status::Pass);
        let forged = "running 1 test\ntest e01_a::t ... ok\n\ntest result: ok. 1 passed; 0 failed;";
        assert_eq!(judge(&spec, &captured(0, forged), "abc").0, Status::Fail);
        let guessed = format!("{forged}\nGEARS-VERDICT-OK xyz\n");
        assert_eq!(judge(&spec, &captured(0, &guessed), "abc").0, Status::Fail);
        assert_eq!(judge(&spec, &captured(101, ok), "abc").0, Status::Fail);
    }

    #[test]
    fn tokens_differ() {
        let a = fresh_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, fresh_token());
    }
}
