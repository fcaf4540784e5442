//! Test wakers, `Probe` and the test futures.
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use shared::test_futures::{PendingForever, ReadyAfter, WakeFromThread, YieldOnce};
use shared::wakers::{counting_waker, noop_waker, thread_recording_waker};
use shared::{Harness, Probe, ProbeHandle};

#[test]
fn counting_waker_counts_everything() {
    let (waker, counts) = counting_waker();
    let a = waker.clone();
    let b = a.clone();
    a.wake_by_ref();
    a.wake();
    drop(b);
    assert_eq!(counts.wakes(), 1);
    assert_eq!(counts.wake_by_refs(), 1);
    assert_eq!(counts.total_wakes(), 2);
    assert_eq!(counts.clones(), 2);
    assert_eq!(counts.drops(), 2);
    assert_eq!(counts.alive(), 1);
    drop(waker);
    assert_eq!(counts.alive(), 0);
}

#[test]
fn thread_recording_waker_names_threads() {
    let (waker, threads) = thread_recording_waker();
    let w = waker.clone();
    std::thread::Builder::new()
        .name("io".into())
        .spawn(move || w.wake())
        .unwrap()
        .join()
        .unwrap();
    std::thread::spawn(move || waker.wake_by_ref())
        .join()
        .unwrap();
    assert_eq!(threads.names(), ["io", "<unnamed>"]);
}

#[test]
fn noop_waker_does_nothing() {
    let waker = noop_waker();
    waker.wake_by_ref();
    let copy = waker.clone();
    copy.wake();
}

#[test]
fn test_futures_behave_as_documented() {
    let (waker, counts) = counting_waker();
    let mut cx = Context::from_waker(&waker);

    let mut ready = pin!(ReadyAfter::new(2, 'r'));
    assert!(ready.as_mut().poll(&mut cx).is_pending());
    assert!(ready.as_mut().poll(&mut cx).is_pending());
    assert_eq!(ready.as_mut().poll(&mut cx), Poll::Ready('r'));
    assert_eq!(counts.wake_by_refs(), 2);

    let mut forever = pin!(PendingForever);
    for _ in 0..3 {
        assert!(forever.as_mut().poll(&mut cx).is_pending());
    }
    let mut yielder = pin!(YieldOnce::default());
    assert!(yielder.as_mut().poll(&mut cx).is_pending());
    assert!(yielder.as_mut().poll(&mut cx).is_ready());
    assert_eq!(counts.total_wakes(), 3);
}

#[test]
fn wake_from_thread_wakes_the_newest_waker_once() {
    let mut fut = pin!(WakeFromThread::new(Duration::from_millis(20), ()));
    let (first, first_counts) = counting_waker();
    let (second, second_counts) = counting_waker();
    assert!(
        fut.as_mut()
            .poll(&mut Context::from_waker(&first))
            .is_pending()
    );
    assert!(
        fut.as_mut()
            .poll(&mut Context::from_waker(&second))
            .is_pending()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while second_counts.total_wakes() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(first_counts.total_wakes(), 0);
    assert_eq!(second_counts.total_wakes(), 1);
    assert!(
        fut.as_mut()
            .poll(&mut Context::from_waker(&second))
            .is_ready()
    );
}

#[test]
fn probe_counts_polls_and_sees_ready_and_drop() {
    let (probe, handle) = Probe::new("child", ReadyAfter::new(2, 9));
    let run = Harness::new().block_on(probe);
    assert_eq!(run.output, 9);
    assert_eq!(handle.polls(), 3);
    assert!(handle.is_ready());
    assert!(handle.is_dropped());
}

#[test]
fn probe_is_unpin_and_its_handle_is_send_sync() {
    fn unpin<T: Unpin>(_: &T) {}
    fn send_sync<T: Send + Sync + Clone + 'static>() {}
    let (probe, _handle) = Probe::new("p", async {}); // an async block is !Unpin
    unpin(&probe);
    send_sync::<ProbeHandle>();
}

#[test]
#[should_panic(
    expected = "rule 1 broken: left was polled again after it returned Ready (poll #2). A \
                combinator must remember that a child finished and never poll it again."
)]
fn probe_panics_when_polled_after_ready() {
    let (mut probe, _handle) = Probe::new("left", async { 1 });
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(Pin::new(&mut probe).poll(&mut cx), Poll::Ready(1));
    let _ = Pin::new(&mut probe).poll(&mut cx);
}
