//! `block_on` and `LocalExecutor`.
use std::cell::RefCell;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use shared::executor::LocalExecutor;
use shared::test_futures::{ReadyAfter, WakeFromThread, YieldOnce};

#[test]
fn block_on_runs_self_waking_and_thread_woken_futures() {
    assert_eq!(shared::block_on(ReadyAfter::new(10, 5)), 5);
    assert_eq!(
        shared::block_on(WakeFromThread::new(Duration::from_millis(1), "t")),
        "t"
    );
}

#[test]
fn block_on_survives_spurious_unparks() {
    // Another thread unparks us repeatedly without waking the future; the
    // future must still be polled only when woken (twice here).
    let me = std::thread::current();
    let pest = std::thread::spawn(move || {
        for _ in 0..20 {
            me.unpark();
            std::thread::sleep(Duration::from_micros(200));
        }
    });
    let mut polls = 0;
    let mut fired: Option<std::sync::Arc<std::sync::atomic::AtomicBool>> = None;
    shared::block_on(std::future::poll_fn(|cx| {
        polls += 1;
        match &fired {
            Some(flag) if flag.load(std::sync::atomic::Ordering::SeqCst) => Poll::Ready(()),
            Some(_) => Poll::Pending,
            None => {
                let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                let (f, waker) = (flag.clone(), cx.waker().clone());
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(10));
                    f.store(true, std::sync::atomic::Ordering::SeqCst);
                    waker.wake();
                });
                fired = Some(flag);
                Poll::Pending
            }
        }
    }));
    pest.join().unwrap();
    assert_eq!(polls, 2);
}

#[test]
fn local_executor_interleaves_tasks_at_their_await_points() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let executor = LocalExecutor::new();
    for name in ["a", "b", "c"] {
        let log = log.clone();
        executor.spawn(async move {
            for step in 0..2 {
                log.borrow_mut().push(format!("{name}{step}"));
                YieldOnce::default().await;
            }
        });
    }
    executor.run();
    assert_eq!(*log.borrow(), ["a0", "b0", "c0", "a1", "b1", "c1"]);
}

#[test]
fn local_executor_waits_for_wakes_from_other_threads() {
    let results = Rc::new(RefCell::new(Vec::new()));
    let executor = LocalExecutor::new();
    for (i, ms) in [(1, 80), (2, 0), (3, 40)] {
        let results = results.clone();
        executor.spawn(async move {
            let v = WakeFromThread::new(Duration::from_millis(ms), i).await;
            results.borrow_mut().push(v);
        });
    }
    executor.run();
    assert_eq!(*results.borrow(), [2, 3, 1]);
}

#[test]
fn local_executor_runs_non_send_futures_and_can_be_reused() {
    let executor = LocalExecutor::default();
    let counter = Rc::new(RefCell::new(0)); // Rc: not Send
    for _ in 0..2 {
        let c = counter.clone();
        executor.spawn(async move { *c.borrow_mut() += 1 });
        executor.run();
    }
    assert_eq!(*counter.borrow(), 2);
}

#[test]
#[should_panic(expected = "lost wakeup (rule 2")]
fn local_executor_reports_a_certain_hang() {
    let executor = LocalExecutor::new();
    executor.spawn(shared::test_futures::PendingForever);
    executor.run();
}

#[test]
fn tasks_can_spawn_tasks() {
    let executor = Rc::new(LocalExecutor::new());
    let log = Rc::new(RefCell::new(Vec::new()));
    let (inner_executor, inner_log) = (executor.clone(), log.clone());
    executor.spawn(async move {
        inner_log.borrow_mut().push("parent");
        let child_log = inner_log.clone();
        inner_executor.spawn(async move { child_log.borrow_mut().push("child") });
        YieldOnce::default().await;
        inner_log.borrow_mut().push("parent again");
    });
    executor.run();
    assert_eq!(*log.borrow(), ["parent", "child", "parent again"]);
}
