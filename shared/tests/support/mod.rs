//! Deliberately broken futures, one per rule, shared by the test files.
#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Breaks rule 2: stores its waker but nobody ever wakes it.
#[derive(Default)]
pub struct StoresButNeverWakes(pub Option<Waker>);

impl Future for StoresButNeverWakes {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0 = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Breaks rule 2 (newest waker): keeps the waker of its first poll; a thread
/// wakes that one `ticks` times, every 15 ms.
pub struct KeepsFirstWaker {
    pub ticks: u32,
    pub slot: Option<Arc<Mutex<Waker>>>,
}

impl KeepsFirstWaker {
    pub fn new(ticks: u32) -> Self {
        Self { ticks, slot: None }
    }
}

impl Future for KeepsFirstWaker {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.slot.is_none() {
            let slot = Arc::new(Mutex::new(cx.waker().clone()));
            let ticker = slot.clone();
            let ticks = self.ticks;
            std::thread::Builder::new()
                .name("ticker".into())
                .spawn(move || {
                    for _ in 0..ticks {
                        std::thread::sleep(Duration::from_millis(15));
                        ticker.lock().unwrap().wake_by_ref();
                    }
                })
                .unwrap();
            self.slot = Some(slot);
        }
        Poll::Pending
    }
}

/// Breaks rule 3: sleeps inside poll.
pub struct SleepsInPoll(pub Duration);

impl Future for SleepsInPoll {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        std::thread::sleep(self.0);
        Poll::Ready(())
    }
}

/// Breaks rule 4: computes for `0` of wall time inside poll.
pub struct ComputesInPoll(pub Duration);

impl Future for ComputesInPoll {
    type Output = u64;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u64> {
        // Spin until this thread has had `self.0` of CPU time, however busy
        // the machine is (wall time when the CPU time is unknown).
        let start = std::time::Instant::now();
        let cpu_start = thread_cpu();
        let mut x = 0u64;
        loop {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            let spent = match (cpu_start, thread_cpu()) {
                (Some(a), Some(b)) => b - a,
                _ => start.elapsed(),
            };
            if spent >= self.0 {
                return Poll::Ready(x);
            }
        }
    }
}

/// CPU time of this thread so far (getrusage: no /proc needed; `None` where unsupported).
fn thread_cpu() -> Option<Duration> {
    let cpu = shared::cpu::Usage::this_thread().cpu;
    (cfg!(target_os = "linux")).then_some(cpu)
}

/// Busy polling: wakes itself before every Pending, never finishes.
pub struct Spins;

impl Future for Spins {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Keeps a CPU busy until dropped, to test on a loaded machine.
pub struct Spinner {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    pub fn start() -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut x = 0u64;
            while !flag.load(Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Keeps a CPU busy from *another process* until dropped: load as the grading machine sees it
/// (other programs), which cannot hold a lock this process needs.
pub struct ProcessSpinner(std::process::Child);

impl ProcessSpinner {
    pub fn start() -> Self {
        let child = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .stdin(std::process::Stdio::null())
            .spawn()
            .expect("starting a spinning shell");
        Self(child)
    }
}

impl Drop for ProcessSpinner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
