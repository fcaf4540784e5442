//! Async mode: drive the future inside the current tokio task.
//!
//! The harness becomes a wrapper future. tokio polls the wrapper; the wrapper
//! polls the future under test, but with the harness's own instrumented waker.
//! When that waker is woken (and it is not stale), the wrapper wakes the real
//! tokio task, which polls the wrapper, which polls the future again.
//!
//! The wrapper only polls the inner future when the inner future asked for it
//! (or on the first poll). If tokio polls the wrapper for another reason, say
//! because it sits in a `join!` with other futures, the inner future is left
//! alone, so a future that forgot to arrange its wake cannot be rescued by
//! accident.
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use super::driver::{Driver, Step};
use super::{Failure, Harness, Run};

pub(crate) async fn try_run<F: Future>(config: Harness, fut: F) -> Result<Run<F::Output>, Failure> {
    let mut fut = pin!(fut);
    let mut driver = Driver::new(&config, std::any::type_name::<F>());
    let _watchdog = driver.watchdog();
    let mut first = true;
    poll_fn(|cx| {
        driver.recorder.set_task_waker(cx.waker());
        {
            let st = driver.recorder.state();
            if st.timed_out {
                drop(st);
                return Poll::Ready(Err(*driver.gave_up()));
            }
            if !first && !st.woken {
                return Poll::Pending; // not our wake: leave the future alone
            }
        }
        first = false;
        match driver.poll_once(fut.as_mut()) {
            Step::Ready(output) => Poll::Ready(Ok(driver.finish(output))),
            Step::Failed(failure) => Poll::Ready(Err(*failure)),
            Step::Pending => {
                driver.recorder.arm(config.grace);
                Poll::Pending
            }
        }
    })
    .await
}
