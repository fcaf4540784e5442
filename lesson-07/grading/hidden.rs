//! Hidden tests for lesson 07 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: tasks instead of `join!`, counts
//! read while work is still in flight, stress loops on real threads for the races, cancellation.

use std::time::Duration;

use shared::testing::{ms, on_paused_runtime};

mod e01_guard_across_await {
    use super::*;
    use lesson_07::e01_guard_across_await::*;
    use std::rc::Rc;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::time::Instant;

    /// A store whose saves take longer for small counts, so they finish out of order.
    #[derive(Default)]
    struct Reversing {
        saves: AtomicU64,
        seen: Mutex<Vec<u64>>,
    }

    impl Store for Reversing {
        async fn save(&self, _page: &str, count: u64) {
            tokio::time::sleep(ms(100 - count.min(99))).await;
            self.saves.fetch_add(1, Ordering::SeqCst);
            self.seen.lock().unwrap().push(count);
        }
    }

    #[test]
    fn the_future_is_send_with_any_store() {
        let counter = Counter::new();
        let store = Reversing::default();
        #[allow(clippy::needless_borrow)] // the `&` picks the fallback when not Send
        let is_send = shared::is_send!(counter.hit("x", &store));
        assert!(
            is_send,
            "Counter::hit must return a Send future (no std MutexGuard alive across .await)"
        );
    }

    #[test]
    fn local_tasks_share_the_counter_without_stalling() {
        let (total, saves) = on_paused_runtime(
            "two local tasks of 30 hits each never finished on a current-thread runtime: a std \
             MutexGuard held across the save blocks the only thread. Release it before .await",
            || async {
                let counter = Rc::new(Counter::new());
                let store = Rc::new(Reversing::default());
                let local = tokio::task::LocalSet::new();
                for _ in 0..2 {
                    let (counter, store) = (counter.clone(), store.clone());
                    local.spawn_local(async move {
                        for _ in 0..30 {
                            counter.hit("p", &*store).await;
                        }
                    });
                }
                local.await;
                (counter.count("p"), store.saves.load(Ordering::SeqCst))
            },
        );
        assert_eq!((total, saves), (60, 60), "60 hits: count 60 and 60 saves");
    }

    #[test]
    fn the_count_is_visible_before_the_save_finishes() {
        let (during, after, mut seen) = on_paused_runtime("hits with slow saves", || async {
            let counter = Counter::new();
            let store = Reversing::default();
            let hits = futures::future::join_all((0..5).map(|_| counter.hit("q", &store)));
            let look = async {
                tokio::time::sleep(ms(1)).await;
                counter.count("q")
            };
            let (_, during) = tokio::join!(hits, look);
            (
                during,
                counter.count("q"),
                store.seen.lock().unwrap().clone(),
            )
        });
        assert_eq!(
            during, 5,
            "while five saves are still running, count() must already be 5: the count is \
             updated under the lock before the save starts"
        );
        assert_eq!(after, 5, "five hits, count 5");
        seen.sort();
        assert_eq!(seen, [1, 2, 3, 4, 5], "each hit saves its own count");
    }

    /// A store that saves at once, for the thread race below.
    struct Instant0;

    impl Store for Instant0 {
        async fn save(&self, _page: &str, _count: u64) {}
    }

    /// Hits from four threads at once, each driven by its own executor. A hit that bumps under
    /// one lock and reads the count back under a second lets another thread bump in between, and
    /// two hits then report one number. The gap is narrow, so this sweeps many rounds; it proves
    /// the race when it sees it, and a correct answer never shows it.
    #[test]
    fn hits_on_threads_never_share_a_number() {
        const THREADS: u64 = 4;
        const HITS: u64 = 5000;
        let (all, count) = shared::time_limit::within(
            Duration::from_secs(20),
            "hits from four threads never finished",
            || {
                let counter = std::sync::Arc::new(Counter::new());
                let threads: Vec<_> = (0..THREADS)
                    .map(|_| {
                        let counter = counter.clone();
                        std::thread::spawn(move || {
                            (0..HITS)
                                .map(|_| shared::block_on(counter.hit("p", &Instant0)))
                                .collect::<Vec<u64>>()
                        })
                    })
                    .collect();
                let mut all: Vec<u64> = threads
                    .into_iter()
                    .flat_map(|t| t.join().expect("a hitting thread"))
                    .collect();
                all.sort_unstable();
                (all, counter.count("p"))
            },
        );
        let shared_numbers = all.windows(2).filter(|w| w[0] == w[1]).count();
        assert_eq!(
            shared_numbers, 0,
            "hits on four threads at once reported the same count {shared_numbers} times: bump \
             the count and copy it out under one lock, in one block (a second lock just to read \
             it back lets another hit bump in between)"
        );
        assert_eq!(
            (all.len() as u64, all.last().copied(), count),
            (THREADS * HITS, Some(THREADS * HITS), THREADS * HITS),
            "20000 hits from four threads: counts 1..=20000, each once, and count() 20000"
        );
    }

    #[test]
    fn saves_of_one_page_overlap() {
        let elapsed = on_paused_runtime("two hits on one page", || async {
            let counter = Counter::new();
            let store = Reversing::default();
            let start = Instant::now();
            tokio::join!(counter.hit("z", &store), counter.hit("z", &store));
            start.elapsed()
        });
        // Saves of counts 1 and 2 take 99 and 98 ms: together 99 ms if they overlap.
        shared::testing::assert_about(
            "two hits on one page whose saves take 99 and 98 ms must finish after 99 ms: saves \
             never wait for each other, not even on one page",
            elapsed,
            ms(99),
        );
    }
}

mod e02_async_cache {
    use super::*;
    use lesson_07::e02_async_cache::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::time::{Instant, sleep};

    #[test]
    fn a_slow_key_never_delays_a_fast_one() {
        let (fast_at, slow_at) = on_paused_runtime("a slow and a fast key", || async {
            let cache: Cache<&str> = Cache::new();
            let start = Instant::now();
            let slow = async {
                cache
                    .get("slow", || async {
                        sleep(ms(500)).await;
                        "s"
                    })
                    .await;
                start.elapsed()
            };
            let fast = async {
                sleep(ms(1)).await;
                cache
                    .get("fast", || async {
                        sleep(ms(10)).await;
                        "f"
                    })
                    .await;
                start.elapsed()
            };
            let (slow_at, fast_at) = tokio::join!(slow, fast);
            (fast_at, slow_at)
        });
        shared::testing::assert_about(
            "a 10 ms fetch of one key, started while another key's 500 ms fetch runs, is ready \
             at 11 ms: keys never wait for each other",
            fast_at,
            ms(11),
        );
        shared::testing::assert_about("the slow key", slow_at, ms(500));
    }

    #[test]
    fn two_hundred_keys_at_once_each_fetch_once() {
        let (fetches, elapsed, ok) = on_paused_runtime("200 keys x 3 callers", || async {
            let cache = Cache::new();
            let fetches = AtomicU32::new(0);
            let start = Instant::now();
            let gets = (0..600u32).map(|i| {
                let key = format!("k{}", i % 200);
                let fetches = &fetches;
                let cache = &cache;
                async move {
                    let v = cache
                        .get(&key, || async move {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            sleep(ms(40)).await;
                            i % 200
                        })
                        .await;
                    v == i % 200
                }
            });
            let ok = futures::future::join_all(gets).await.into_iter().all(|x| x);
            (fetches.load(Ordering::SeqCst), start.elapsed(), ok)
        });
        assert!(ok, "every caller gets the value of its own key");
        assert_eq!(
            fetches, 200,
            "200 keys, three concurrent callers each: exactly one fetch per key"
        );
        shared::testing::assert_about("200 parallel 40 ms fetches", elapsed, ms(40));
    }

    #[test]
    fn a_cancelled_waiter_disturbs_nobody() {
        let (a, b, fetches) = on_paused_runtime("a cancelled waiter", || async {
            let cache = Cache::new();
            let fetches = AtomicU32::new(0);
            let fetch = || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                sleep(ms(100)).await;
                7
            };
            let first = cache.get("k", fetch);
            let quitter = tokio::time::timeout(ms(20), cache.get("k", fetch));
            let last = async {
                sleep(ms(50)).await;
                cache.get("k", fetch).await
            };
            let (a, _, b) = tokio::join!(first, quitter, last);
            (a, b, fetches.load(Ordering::SeqCst))
        });
        assert_eq!(
            (a, b, fetches),
            (7, 7, 1),
            "a waiter that gives up must not cause a second fetch or lose the value for others"
        );
    }
}

mod e03_notify_wait {
    use super::*;
    use lesson_07::e03_notify_wait::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};
    use tokio::time::{sleep, timeout};

    const NEVER: &str = "wait_until never returned";

    #[test]
    fn a_change_on_any_check_is_not_lost() {
        for unlucky in 1..=3u32 {
            let returned = on_paused_runtime(NEVER, move || async move {
                let cond = Condition::new();
                let state = Cell::new(0u32);
                let calls = Cell::new(0u32);
                let changer = async {
                    // Two ordinary changes that leave the condition false...
                    for _ in 1..unlucky {
                        sleep(ms(5)).await;
                        state.set(state.get() + 1);
                        cond.changed();
                    }
                };
                let ready = || {
                    calls.set(calls.get() + 1);
                    if calls.get() == unlucky {
                        // ...then the deciding one, right after this check read the state.
                        state.set(100);
                        cond.changed();
                        return false;
                    }
                    state.get() >= 100
                };
                let start = tokio::time::Instant::now();
                let (done, ()) = tokio::join!(timeout(ms(1000), cond.wait_until(ready)), changer);
                // Before the deadline: at it, timeout polls once more, which would hide a lost
                // wake from a wait that checks on every poll.
                done.is_ok() && start.elapsed() < ms(1000)
            });
            assert!(
                returned,
                "a changed() that came right after check number {unlucky} returned false was \
                 lost: listen (create and enable the Notified future) before every check"
            );
        }
    }

    /// Changes from another thread, raced against the waiter's first poll. The window of the
    /// plain check-then-listen race is a few nanoseconds, too narrow to hit reliably from
    /// threads (the tests above force it instead); this loop catches the wider windows of
    /// hand-written waits (a check, then a lock, then storing a waker) and wakes that never
    /// cross threads.
    #[test]
    fn raced_on_real_threads_nothing_is_lost() {
        const ROUNDS: u32 = 1000;
        shared::time_limit::within(
            Duration::from_secs(20),
            "a wait_until raced against changed() on another thread never returned: a wake was \
             lost between the check and the listening (listen first, then check)",
            || {
                let barrier = Arc::new(Barrier::new(2));
                for round in 0..ROUNDS {
                    let cond = Arc::new(Condition::new());
                    let flag = Arc::new(AtomicBool::new(false));
                    let setter = {
                        let (cond, flag, barrier) = (cond.clone(), flag.clone(), barrier.clone());
                        std::thread::spawn(move || {
                            barrier.wait();
                            // Sweep the moment of the change across the waiter's first poll.
                            for _ in 0..(round % 61) * 8 {
                                std::hint::spin_loop();
                            }
                            flag.store(true, Ordering::SeqCst);
                            cond.changed();
                        })
                    };
                    barrier.wait();
                    // A lost wake hangs this block_on, and `within` reports it.
                    shared::block_on(cond.wait_until(|| flag.load(Ordering::SeqCst)));
                    setter.join().expect("the setter thread");
                }
            },
        );
    }

    #[test]
    fn a_change_nobody_waited_for_is_not_saved_up() {
        let checks = on_paused_runtime(NEVER, || async {
            let cond = Rc::new(Condition::new());
            cond.changed();
            cond.changed();
            let open = Rc::new(Cell::new(false));
            let checks = Rc::new(Cell::new(0u32));
            let ready = {
                let (open, checks) = (open.clone(), checks.clone());
                move || {
                    checks.set(checks.get() + 1);
                    open.get()
                }
            };
            let waiting = {
                let cond = cond.clone();
                async move { cond.wait_until(ready).await }
            };
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async {
                    let task = tokio::task::spawn_local(waiting);
                    for _ in 0..20 {
                        tokio::task::yield_now().await;
                    }
                    let seen = checks.get();
                    open.set(true);
                    cond.changed();
                    timeout(ms(1000), task).await.ok();
                    seen
                })
                .await
        });
        assert_eq!(
            checks, 1,
            "changed() called while nobody waited must not wake a later waiter (a stored permit, \
             as notify_one leaves): ready() ran {checks} times before any change"
        );
    }

    #[test]
    fn a_cancelled_waiter_does_not_take_the_wake() {
        let woke = on_paused_runtime(NEVER, || async {
            let cond = Condition::new();
            let open = AtomicBool::new(false);
            let ready = || open.load(Ordering::SeqCst);
            let quitter = timeout(ms(5), cond.wait_until(ready));
            let start = tokio::time::Instant::now();
            let stayer = async {
                let done = timeout(ms(1000), cond.wait_until(ready)).await;
                done.map(|()| start.elapsed() < ms(1000))
            };
            let changer = async {
                sleep(ms(10)).await;
                open.store(true, Ordering::SeqCst);
                cond.changed();
            };
            let (_, stayed, ()) = tokio::join!(quitter, stayer, changer);
            stayed == Ok(true)
        });
        assert!(
            woke,
            "a waiter that gave up must not swallow the wake meant for the others"
        );
    }
}

mod e04_rwlock_config {
    use super::*;
    use lesson_07::e04_rwlock_config::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::time::{Instant, sleep};

    fn version(n: u64) -> Config {
        Config {
            version: n,
            endpoint: format!("e{n}"),
            replicas: n as u32,
        }
    }

    fn whole(c: &Config) -> bool {
        c.endpoint == format!("e{}", c.version) && u64::from(c.replicas) == c.version
    }

    #[test]
    fn readers_on_threads_see_only_whole_versions() {
        let broken = shared::time_limit::within(
            Duration::from_secs(20),
            "readers and a writer on three threads never finished",
            || {
                let live = Arc::new(LiveConfig::new(version(0)));
                let done = Arc::new(AtomicBool::new(false));
                let reads = Arc::new(std::sync::atomic::AtomicU64::new(0));
                let readers: Vec<_> = (0..2)
                    .map(|_| {
                        let (live, done, reads) = (live.clone(), done.clone(), reads.clone());
                        std::thread::spawn(move || {
                            let mut broken = None;
                            let mut last = 0;
                            while !done.load(Ordering::SeqCst) {
                                let c = shared::block_on(live.read());
                                if !whole(&c) || c.version < last {
                                    broken.get_or_insert((*c).clone());
                                }
                                last = c.version;
                                reads.fetch_add(1, Ordering::Relaxed);
                            }
                            broken
                        })
                    })
                    .collect();
                // At least 3000 updates, and on until the readers have read many times while
                // updates ran (a writer that copies a version in field by field leaves a gap of
                // nanoseconds; readers must be there often to land in one). Bounded: 100 ms.
                let started = std::time::Instant::now();
                let mut updates = 0u64;
                while updates < 3000
                    || (reads.load(Ordering::Relaxed) < 50_000
                        && started.elapsed() < Duration::from_millis(100))
                {
                    shared::block_on(live.update(|base| async move { version(base.version + 1) }));
                    updates += 1;
                }
                done.store(true, Ordering::SeqCst);
                let broken: Vec<Config> = readers
                    .into_iter()
                    .filter_map(|r| r.join().expect("a reader thread"))
                    .collect();
                (broken, shared::block_on(live.read()).version, updates)
            },
        );
        assert_eq!(
            broken.0,
            Vec::<Config>::new(),
            "readers on other threads saw configs mixing two versions (or going back in time): \
             a read must return one whole version"
        );
        assert_eq!(
            broken.1, broken.2,
            "{} updates one after another from version 0: the last version is {}",
            broken.2, broken.2
        );
    }

    #[test]
    fn prepare_starts_from_the_version_in_force() {
        let bases = on_paused_runtime("updates in turn", || async {
            let live = LiveConfig::new(version(5));
            let log = std::cell::RefCell::new(Vec::new());
            let bases = &log;
            let update = |took: u64| {
                live.update(move |base: Arc<Config>| {
                    bases.borrow_mut().push(base.version);
                    async move {
                        sleep(ms(took)).await;
                        version(base.version + 1)
                    }
                })
            };
            tokio::join!(update(30), update(10), update(20));
            log.into_inner()
        });
        assert_eq!(
            bases,
            [5, 6, 7],
            "three concurrent updates: each prepares from the version the one before it put in \
             force, in the order they asked"
        );
    }

    #[test]
    fn many_readers_while_writers_queue() {
        let (slowest, seen_new_early) =
            on_paused_runtime("readers while writers queue", || async {
                let live = LiveConfig::new(version(1));
                let start = Instant::now();
                let writers = futures::future::join_all((0..3).map(|_| {
                    live.update(|b| async move {
                        sleep(ms(50)).await;
                        version(b.version + 1)
                    })
                }));
                let readers = futures::future::join_all((0..50u64).map(|i| {
                    let live = &live;
                    async move {
                        sleep(ms(i * 3)).await;
                        let t = Instant::now();
                        let c = live.read().await;
                        // Version k+1 is in force only from 50 * k ms on.
                        let early = c.version > 1 + (i * 3) / 50;
                        (t.elapsed(), early || !whole(&c))
                    }
                }));
                let (_, reads) = tokio::join!(writers, readers);
                let _ = start;
                (
                    reads.iter().map(|r| r.0).max().unwrap_or_default(),
                    reads.iter().any(|r| r.1),
                )
            });
        assert_eq!(
            slowest,
            Duration::ZERO,
            "50 reads during three queued 50 ms updates: no read may wait"
        );
        assert!(
            !seen_new_early,
            "a read saw a version before its preparation had finished, or a mix of two versions"
        );
    }
}

mod e05_once_init {
    use super::*;
    use lesson_07::e05_once_init::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::time::{Instant, sleep, timeout};

    #[test]
    fn a_cancelled_initialiser_hands_over_to_a_waiter() {
        let (got, inits, at) = on_paused_runtime("a cancelled init", || async {
            let lazy = Lazy::new();
            let inits = AtomicU32::new(0);
            let start = Instant::now();
            let init = |v: u32| {
                let inits = &inits;
                move || async move {
                    inits.fetch_add(1, Ordering::SeqCst);
                    sleep(ms(100)).await;
                    Ok(v)
                }
            };
            let impatient = timeout(ms(20), lazy.get_or_init(init(1)));
            let waiter = async {
                sleep(ms(5)).await;
                let got = timeout(ms(1000), lazy.get_or_init(init(2))).await;
                (got, start.elapsed())
            };
            let (_, (got, at)) = tokio::join!(impatient, waiter);
            (got, inits.load(Ordering::SeqCst), at)
        });
        assert_eq!(
            got,
            Ok(Ok(2)),
            "the caller running init was cancelled after 20 ms; the caller waiting for it must \
             then run its own init (not wait forever, not get an error)"
        );
        assert_eq!(inits, 2, "the cancelled init and the waiter's");
        shared::testing::assert_about("20 ms + the waiter's 100 ms init", at, ms(120));
    }

    #[test]
    fn get_never_waits_and_never_inits() {
        let (during, after) = on_paused_runtime("get during init", || async {
            let lazy = Lazy::new();
            let making = lazy.get_or_init(|| async {
                sleep(ms(50)).await;
                Ok(String::from("made"))
            });
            let look = async {
                sleep(ms(10)).await;
                let t = Instant::now();
                let seen = lazy.get();
                (seen, t.elapsed())
            };
            let (_, during) = tokio::join!(making, look);
            (during, lazy.get())
        });
        assert_eq!(
            during,
            (None, Duration::ZERO),
            "get() while init runs: None, at once"
        );
        assert_eq!(after, Some("made".into()), "get() after init: the value");
    }

    /// Once made, get() returns the value every time, even while other threads are inside
    /// get_or_init. An answer whose get() peeks with try_lock at a lock that every get_or_init
    /// takes sees None whenever a hit holds it; only threads show that, so this sweeps.
    #[test]
    fn get_sees_the_value_while_other_threads_use_it() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;
        let (misses, looks) = shared::time_limit::within(
            Duration::from_secs(20),
            "get() and get_or_init on three threads never finished",
            || {
                let lazy = Arc::new(Lazy::new());
                let made = shared::block_on(lazy.get_or_init(|| async { Ok(1u32) }));
                assert_eq!(made, Ok(1), "the first init returns its value");
                let done = Arc::new(AtomicBool::new(false));
                let hitters: Vec<_> = (0..2)
                    .map(|_| {
                        let (lazy, done) = (lazy.clone(), done.clone());
                        std::thread::spawn(move || {
                            while !done.load(Ordering::SeqCst) {
                                let _ = shared::block_on(lazy.get_or_init(|| async { Ok(2) }));
                            }
                        })
                    })
                    .collect();
                let started = std::time::Instant::now();
                let (mut misses, mut looks) = (0u32, 0u32);
                while looks < 200_000 && started.elapsed() < Duration::from_millis(100) {
                    if lazy.get() != Some(1) {
                        misses += 1;
                    }
                    looks += 1;
                }
                done.store(true, Ordering::SeqCst);
                for h in hitters {
                    h.join().expect("a thread calling get_or_init");
                }
                (misses, looks)
            },
        );
        assert_eq!(
            misses, 0,
            "once the value was made, get() did not return it {misses} times in {looks} looks \
             while two other threads called get_or_init: get() returns the value every time, \
             without waiting (a get() that peeks with try_lock at a lock get_or_init takes sees \
             nothing while a caller holds it; keep the made value where reading never fails)"
        );
    }

    #[test]
    fn failures_are_retried_in_turn_until_one_succeeds() {
        let (results, inits) = on_paused_runtime("five callers, two failing inits", || async {
            let lazy = Lazy::new();
            let inits = AtomicU32::new(0);
            let calls = (0..5u32).map(|_| {
                let (lazy, inits) = (&lazy, &inits);
                lazy.get_or_init(move || async move {
                    let n = inits.fetch_add(1, Ordering::SeqCst) + 1;
                    sleep(ms(10)).await;
                    if n <= 2 {
                        Err(InitError(format!("attempt {n}")))
                    } else {
                        Ok(n)
                    }
                })
            });
            let results = futures::future::join_all(calls).await;
            (results, inits.load(Ordering::SeqCst))
        });
        let errors = results.iter().filter(|r| r.is_err()).count();
        assert_eq!(
            (errors, inits),
            (2, 3),
            "five callers at once, the first two inits fail: two callers get their own error, \
             the third init succeeds and the other three callers share its value ({results:?})"
        );
        assert!(
            results.iter().filter(|r| **r == Ok(3)).count() == 3,
            "the three successful callers all get the value of init number 3: {results:?}"
        );
    }
}

mod e06_lock_order {
    use super::*;
    use lesson_07::e06_lock_order::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::time::{sleep, timeout};

    const DEADLOCK: &str = "deadlock: transfers waited for each other's locks and never finished \
                            (take locks in one global order, and one lock when from == to)";

    /// An audit that takes `delay` and checks, at each record, that the money adds up.
    struct Counting {
        delay: Duration,
        records: AtomicU64,
    }

    impl Audit for Counting {
        async fn record(&self, _: usize, _: usize, _: u64) {
            sleep(self.delay).await;
            self.records.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn audit(delay: Duration) -> Counting {
        Counting {
            delay,
            records: AtomicU64::new(0),
        }
    }

    #[test]
    fn a_cycle_of_three_transfers_finishes() {
        let done = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[10, 10, 10]);
            let audit = audit(ms(5));
            let cycle = async {
                tokio::join!(
                    bank.transfer(0, 1, 1, &audit),
                    bank.transfer(1, 2, 1, &audit),
                    bank.transfer(2, 0, 1, &audit)
                )
            };
            timeout(ms(1000), cycle).await.ok()
        });
        assert_eq!(done, Some((true, true, true)), "{DEADLOCK}");
    }

    #[test]
    fn many_transfers_in_every_direction_conserve_the_money() {
        let got = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[1000, 1000, 1000, 1000]);
            let audit = audit(ms(1));
            let mut seed = 7u64;
            let mut next = move || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as usize
            };
            let plan: Vec<(usize, usize, u64)> = (0..300)
                .map(|_| (next() % 4, next() % 4, (next() % 50) as u64))
                .collect();
            let transfers = futures::future::join_all(
                plan.iter().map(|&(f, t, a)| bank.transfer(f, t, a, &audit)),
            );
            let lookers = futures::future::join_all((0..20u64).map(|i| {
                let bank = &bank;
                async move {
                    sleep(ms(i * 7)).await;
                    bank.total().await
                }
            }));
            let run = async { tokio::join!(transfers, lookers) };
            let (_, totals) = timeout(ms(10_000), run).await.ok()?;
            Some((totals, bank.total().await))
        });
        let Some((totals, end)) = got else {
            panic!("{DEADLOCK}: 300 transfers among 4 accounts never all finished");
        };
        assert!(
            totals.iter().all(|t| *t == 4000),
            "total() during the transfers must always be 4000 (money never in flight): {totals:?}"
        );
        assert_eq!(end, 4000, "money is conserved");
    }

    #[test]
    fn a_self_transfer_beside_others_finishes() {
        let done = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[5, 5]);
            let audit = audit(ms(3));
            let run = async {
                tokio::join!(
                    bank.transfer(1, 1, 5, &audit),
                    bank.transfer(0, 1, 5, &audit),
                    bank.transfer(1, 1, 6, &audit)
                )
            };
            let done = timeout(ms(1000), run).await.ok();
            let balances = (bank.balance(0).await, bank.balance(1).await);
            done.map(|d| (d, balances))
        });
        let Some(((a, b, _), balances)) = done else {
            panic!("{DEADLOCK}: a transfer from account 1 to itself never finished");
        };
        assert!(
            a && b,
            "1 pays itself 5 (it holds 5): true; 0 pays 1 five: true"
        );
        assert_eq!(
            balances,
            (0, 10),
            "self-transfers move nothing; only 0 -> 1 moved money"
        );
    }
}
