//! # shared — the gears every Async Gears lesson turns
//!
//! Every lesson of the course, and every test that checks a learner's work,
//! needs the same few tools: something to *run* a future, wakers that report
//! what was done to them, and a way to say clearly *which rule* a broken
//! future broke. They live here, one idea per module.
//!
//! ## A one-minute refresher: poll, Pending, wake
//!
//! A future does not run by itself. An *executor* calls its `poll` method.
//! `poll` either finishes (`Poll::Ready(value)`) or says "not yet"
//! (`Poll::Pending`). Along with each poll comes a [`Waker`](std::task::Waker)
//! (inside the `Context`): a handle the future keeps, so that when the thing
//! it waits for happens, someone calls `waker.wake()` and the executor polls
//! the future again. The executor never polls "just to check": no wake, no
//! poll. That is why the rules matter:
//!
//! 1. never poll a future again after it returned `Ready`;
//! 2. before returning `Pending`, arrange a wake;
//! 3. `poll` must not block;
//! 4. `poll` should be quick (heavy work goes to `spawn_blocking` or a thread).
//!
//! ## What is here
//!
//! | module | for |
//! |---|---|
//! | [`block_on`](mod@block_on) | the smallest executor: run one future on this thread |
//! | [`cpu`] | CPU time and context switches of a thread or the process (`getrusage`) |
//! | [`executor`] | [`LocalExecutor`](executor::LocalExecutor): tasks, a run queue, `spawn` |
//! | [`wakers`] | test wakers that count wakes, clones and drops, or record threads |
//! | [`harness`] | [`Harness`]: drive a future and report the rule it breaks |
//! | [`probe`] | [`Probe`]: wrap a child future; fails loudly on poll after `Ready` |
//! | [`timeline`] | [`Timeline`]: what happened, printable |
//! | [`test_futures`] | small futures with known behaviour, for tests |
//! | [`testing`] | the helpers every lesson's tests share: poll by hand, virtual-time asserts, limits |
//!
//! ## In a test
//!
//! ```
//! use std::time::Duration;
//! use shared::Harness;
//! use shared::test_futures::WakeFromThread;
//!
//! // Panics with a message naming the rule if the future breaks one.
//! let run = Harness::new().block_on(WakeFromThread::new(Duration::from_millis(1), "hi"));
//! assert_eq!(run.output, "hi");
//! println!("{}", run.timeline); // or run the test with GEARS_TRACE=1
//! ```
#![warn(missing_docs)]

pub mod block_on;
pub mod cpu;
pub mod executor;
pub mod harness;
pub mod probe;
pub mod test_futures;
pub mod testing;
pub mod time_limit;
pub mod timeline;
pub mod verdict;
pub mod wakers;

pub use block_on::block_on;
pub use harness::{Diagnosis, Failure, Harness, Run};
pub use probe::{Probe, ProbeHandle};
pub use timeline::Timeline;
