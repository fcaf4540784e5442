//! Rule 3 (a poll that waits) under a quiet process and under load from other programs.
//!
//! The harness gives a poll the benefit of the doubt while other threads of its process are
//! being preempted (the wait may be a lock one of them holds; see `harness::poll_clock`). So the
//! tests here, which expect short sleeps to be caught, run one at a time, with no other busy
//! thread in the process: the way `cargo xtask` runs a lesson's tests, one per process. Even so,
//! a thread of the test that ran before may still be exiting, and be preempted on its way out
//! (each such preemption excuses 25 ms of waiting): the sleeps are 200 ms, which only a clearly
//! busy process (8 preemptions of other threads during the poll) would excuse.
mod support;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use shared::{Diagnosis, Harness};
use support::*;

/// Held by every test of this file: one runs at a time.
fn quiet_process() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn blocking_poll_names_rule_3_and_the_poll() {
    let _quiet = quiet_process();
    let failure = Harness::new()
        .named("Napper")
        .try_block_on(SleepsInPoll(Duration::from_millis(200)))
        .unwrap_err();
    let Diagnosis::BlockingPoll { poll, took } = failure.diagnosis else {
        panic!("expected BlockingPoll, got {failure}");
    };
    assert_eq!(poll, 1);
    assert!(took >= Duration::from_millis(180), "{took:?}");
    let message = failure.to_string();
    assert!(
        message
            .starts_with("blocking poll (rule 3: poll must not block): poll #1 of Napper waited"),
        "{message}"
    );
    assert!(message.contains("(the limit is 20 ms)"), "{message}");
}

#[tokio::test(start_paused = true)]
#[allow(clippy::await_holding_lock)] // one thread; the guard only keeps other tests out
async fn async_blocking_poll() {
    let _quiet = quiet_process();
    let failure = Harness::new()
        .try_run(SleepsInPoll(Duration::from_millis(200)))
        .await
        .unwrap_err();
    assert!(matches!(
        failure.diagnosis,
        Diagnosis::BlockingPoll { poll: 1, .. }
    ));
}

/// Under load from other programs (two spinning processes, as on a busy grading machine) the two
/// slow kinds are still told apart: sleeping is rule 3, computing rule 4.
#[test]
fn under_load_sleeping_is_rule_3_and_computing_is_rule_4() {
    let _quiet = quiet_process();
    let _spinners = [ProcessSpinner::start(), ProcessSpinner::start()];
    let sleeper = Harness::new()
        .try_block_on(SleepsInPoll(Duration::from_millis(200)))
        .unwrap_err();
    assert!(
        matches!(sleeper.diagnosis, Diagnosis::BlockingPoll { .. }),
        "{sleeper}"
    );
    assert_eq!(
        sleeper.rule(),
        Some(3),
        "a sleep inside poll is blocking:\n{sleeper}"
    );
    let cruncher = Harness::new()
        .try_block_on(ComputesInPoll(Duration::from_millis(60)))
        .unwrap_err();
    assert_eq!(
        cruncher.rule(),
        Some(4),
        "a long computation is a slow poll:\n{cruncher}"
    );
}
