//! `GEARS_TRACE` and the hung-poll report, checked in a child process (they
//! write to the real stderr and read the environment).
mod support;

use std::process::{Command, Output};
use std::time::Duration;

use shared::Harness;
use shared::test_futures::WakeFromThread;
use support::SleepsInPoll;

/// Runs one `#[ignore]`d helper test of this binary in a child process.
fn run_helper(name: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env_remove("GEARS_TRACE")
        .env_remove("GEARS_ABORT_ON_HANG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
#[ignore = "helper, run by gears_trace_prints_passing_timelines"]
fn helper_passing_run() {
    Harness::new()
        .named("Traced")
        .block_on(WakeFromThread::new(Duration::from_millis(1), ()));
}

#[test]
#[ignore = "helper, run by a_poll_that_never_returns_is_reported_on_stderr"]
fn helper_hung_poll() {
    // Stands in for a poll stuck forever; the harness reports it after 1 s.
    let _ = Harness::new()
        .named("Stuck")
        .try_block_on(SleepsInPoll(Duration::from_millis(1_300)));
}

#[test]
fn gears_trace_prints_passing_timelines() {
    let quiet = run_helper("helper_passing_run", &[]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("timeline of"));
    let traced = run_helper("helper_passing_run", &[("GEARS_TRACE", "1")]);
    let stderr = String::from_utf8_lossy(&traced.stderr);
    assert!(stderr.contains("timeline of Traced:"), "{stderr}");
    assert!(
        stderr.contains("wake from thread \"wake-from-thread\""),
        "{stderr}"
    );
    assert!(stderr.contains("poll #2 -> Ready"), "{stderr}");
}

#[test]
fn a_poll_that_never_returns_is_reported_on_stderr() {
    let out = run_helper("helper_hung_poll", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "blocking poll (rule 3: poll must not block): poll #1 of Stuck has been running for"
        ),
        "{stderr}"
    );
    assert!(
        out.status.success(),
        "without GEARS_ABORT_ON_HANG the test goes on"
    );

    let aborted = run_helper("helper_hung_poll", &[("GEARS_ABORT_ON_HANG", "1")]);
    assert!(
        !aborted.status.success(),
        "GEARS_ABORT_ON_HANG=1 ends the process"
    );
}
