//! Sync mode: drive the future on the calling thread.
//!
//! After each `Pending` the thread sleeps on a condition variable until one of
//! the harness's wakers is woken, at most for the grace period. There is no
//! busy waiting and no polling "just in case": the future runs again only
//! because it asked to, exactly as under a real executor.
use std::future::Future;
use std::pin::pin;

use super::driver::{Driver, Step};
use super::{Failure, Harness, Run};

pub(crate) fn try_block_on<F: Future>(config: &Harness, fut: F) -> Result<Run<F::Output>, Failure> {
    let mut fut = pin!(fut);
    let mut driver = Driver::new(config, std::any::type_name::<F>());
    if tokio::runtime::Handle::try_current().is_ok() {
        driver.note = Some(
            "Note: this test runs inside a tokio runtime, but Harness::block_on blocks the \
             thread, so tokio timers and I/O on this runtime cannot fire. For futures built on \
             tokio, use `Harness::new().run(fut).await` instead.",
        );
    }
    let _watchdog = driver.watchdog();
    loop {
        match driver.poll_once(fut.as_mut()) {
            Step::Ready(output) => return Ok(driver.finish(output)),
            Step::Failed(failure) => return Err(*failure),
            Step::Pending => {
                if !driver.recorder.wait_for_wake(config.grace) {
                    return Err(*driver.gave_up());
                }
            }
        }
    }
}
