//! Visible tests for lesson 07, one module per exercise (`cargo xtask check lesson-07`).
//!
//! Locks can fail in a way futures alone cannot: a std lock that blocks the thread stops tokio's
//! clock and timers with it, so a plain `#[tokio::test]` would hang instead of failing. So most
//! tests here run their runtime on a helper thread under a real-time limit
//! ([`shared::testing::on_paused_runtime`]): a blocked thread becomes a sentence. Inside, tokio's
//! clock is paused, so a 100 ms save costs microseconds and every "this took as long as one save,
//! not ten" is exact.

use std::future::Future;
use std::time::Duration;

use shared::testing::{ms, on_paused_runtime};

/// Wraps `fut` so that it gives up once it has been polled more than `cap` times: `Err(polls)`.
///
/// For the "waits asleep" promises. A waiter run as a task of its own is polled only when
/// something wakes it, so a sleeping one is polled two or three times however long it waits,
/// while one that looks again on a timer (`sleep(1 ms)` in a loop) or after every `yield_now` is
/// polled again and again. The cap turns that into a count the test can report, at once, instead
/// of a clock that never moves (a task that yields forever keeps tokio's paused clock still).
async fn capped<F: Future>(cap: u64, fut: F) -> Result<F::Output, u64> {
    let mut fut = Box::pin(fut);
    let mut polls = 0;
    std::future::poll_fn(move |cx| {
        polls += 1;
        if polls > cap {
            return std::task::Poll::Ready(Err(polls - 1));
        }
        fut.as_mut().poll(cx).map(Ok)
    })
    .await
}

/// What became of a capped waiter task, in words for a message: `Ok(value)` or what went wrong.
type Outcome<T> = Result<T, String>;

/// Awaits a task spawned with [`capped`] for at most `limit` of tokio time.
async fn outcome<T>(limit: Duration, task: tokio::task::JoinHandle<Result<T, u64>>) -> Outcome<T> {
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(polls))) => Err(format!("polled {polls} times and still not done")),
        Ok(Err(e)) if e.is_panic() => Err(format!(
            "panicked: {}",
            shared::testing::panic_message(&*e.into_panic())
        )),
        Ok(Err(_)) => Err("cancelled".to_owned()),
        Err(_) => Err(format!("still waiting after {limit:?}")),
    }
}

mod e01_guard_across_await {
    use super::*;
    use lesson_07::e01_guard_across_await::*;
    use std::sync::Mutex;
    use tokio::time::Instant;

    /// A store whose saves take `delay` of tokio time, and which records every save it finished.
    #[derive(Default)]
    struct SlowStore {
        delay: Duration,
        saved: Mutex<Vec<(String, u64)>>,
    }

    impl SlowStore {
        fn new(delay: Duration) -> Self {
            Self {
                delay,
                saved: Mutex::default(),
            }
        }
        fn saved(&self) -> Vec<(String, u64)> {
            let mut saved = self.saved.lock().unwrap().clone();
            saved.sort();
            saved
        }
    }

    impl Store for SlowStore {
        fn save(&self, page: &str, count: u64) -> impl Future<Output = ()> + Send {
            let page = page.to_owned();
            async move {
                tokio::time::sleep(self.delay).await;
                self.saved.lock().unwrap().push((page, count));
            }
        }
    }

    #[test]
    fn a_hit_future_is_send() {
        let counter = Counter::new();
        let store = SlowStore::new(ms(1));
        let hit = counter.hit("home", &store);
        // The `&` picks the fallback trait when the future is not Send; clippy, seeing a Send
        // future, calls it needless.
        #[allow(clippy::needless_borrow)]
        let is_send = shared::is_send!(hit);
        assert!(
            is_send,
            "the future of Counter::hit is not Send, so tokio::spawn(counter.hit(..)) would not \
             compile: a std MutexGuard is still alive at the `.await` of the save. Put the lock in \
             a block (or a helper fn) that ends before the save, and copy the count out of it (a \
             drop(guard) before the .await is not enough: the compiler goes by the guard's scope)"
        );
    }

    #[test]
    fn two_hits_finish_on_a_current_thread_runtime() {
        let got = on_paused_runtime(
            "two hits on one page, run together on a current-thread runtime, never finished: the \
             first hit holds the std MutexGuard while it awaits the save, so the second hit's \
             lock() blocks the only thread, the one that would resume the first hit. Release the \
             lock before the .await (a block around the guard)",
            || async {
                let counter = Counter::new();
                let store = SlowStore::new(ms(10));
                let got = tokio::join!(counter.hit("home", &store), counter.hit("home", &store));
                (got, store.saved())
            },
        );
        let ((a, b), saved) = got;
        let mut counts = [a, b];
        counts.sort();
        assert_eq!(
            counts,
            [1, 2],
            "two hits on one page return 1 and 2 (the count each one made)"
        );
        assert_eq!(
            saved,
            [("home".to_owned(), 1), ("home".to_owned(), 2)],
            "each hit saves the count it made"
        );
    }

    #[test]
    fn hits_count_per_page_and_save_each_count() {
        let (returned, saved, counts) = on_paused_runtime("hits one after another", || async {
            let counter = Counter::new();
            let store = SlowStore::new(ms(5));
            let mut returned = Vec::new();
            for page in ["a", "b", "a", "a"] {
                returned.push(counter.hit(page, &store).await);
            }
            let counts = (counter.count("a"), counter.count("b"), counter.count("c"));
            (returned, store.saved(), counts)
        });
        assert_eq!(
            returned,
            [1, 1, 2, 3],
            "hits on a, b, a, a return 1, 1, 2, 3: each page has its own count"
        );
        assert_eq!(
            counts,
            (3, 1, 0),
            "count(page) is the number of hits so far"
        );
        let want: Vec<(String, u64)> = [("a", 1), ("a", 2), ("a", 3), ("b", 1)]
            .map(|(p, n)| (p.to_owned(), n))
            .to_vec();
        assert_eq!(saved, want, "every hit saves the new count of its page");
    }

    #[test]
    fn concurrent_hits_each_get_their_own_count() {
        let (mut returned, saved, total) =
            on_paused_runtime("twenty hits at once on one page", || async {
                let counter = Counter::new();
                let store = SlowStore::new(ms(20));
                let hits = (0..20).map(|_| counter.hit("home", &store));
                let returned = futures::future::join_all(hits).await;
                (returned, store.saved(), counter.count("home"))
            });
        returned.sort();
        let one_to_twenty: Vec<u64> = (1..=20).collect();
        assert_eq!(
            returned, one_to_twenty,
            "twenty hits at once on one page must return 1..=20, each number once: each hit \
             reports the count it made itself, copied out while it held the lock (not read again \
             after the save, and not written back after it: other hits ran in between)"
        );
        assert_eq!(
            total, 20,
            "after twenty hits, count() is 20: no hit may be lost"
        );
        let saved: Vec<u64> = saved.into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            saved, one_to_twenty,
            "the twenty saves carry the counts 1..=20, each once"
        );
    }

    #[test]
    fn slow_saves_hold_up_nobody() {
        let elapsed = on_paused_runtime("ten hits with 100 ms saves", || async {
            let counter = Counter::new();
            let store = SlowStore::new(ms(100));
            let start = Instant::now();
            let pages = ["a", "b", "c", "d", "e", "a", "b", "c", "d", "e"];
            futures::future::join_all(pages.map(|p| counter.hit(p, &store))).await;
            start.elapsed()
        });
        shared::testing::assert_about(
            "ten hits at once, each save taking 100 ms, must take 100 ms in all, not 1 s: no lock \
             may be held across the save (not the std one, not a tokio Mutex, not a second lock \
             'to keep saves in order')",
            elapsed,
            ms(100),
        );
    }
}

mod e02_async_cache {
    use super::*;
    use lesson_07::e02_async_cache::*;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::time::{Instant, sleep, timeout};

    /// A slow service: each fetch takes `took` of tokio time, is counted, and returns the number
    /// of fetches so far (so a value shows which fetch produced it).
    struct Service {
        fetches: AtomicU32,
    }

    impl Service {
        fn new() -> Self {
            Self {
                fetches: AtomicU32::new(0),
            }
        }
        async fn fetch(&self, took: Duration) -> u32 {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            sleep(took).await;
            n
        }
        fn fetches(&self) -> u32 {
            self.fetches.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn concurrent_misses_for_one_key_fetch_once() {
        let (values, fetches, elapsed) = on_paused_runtime("ten misses for one key", || async {
            let cache = Cache::new();
            let service = Service::new();
            let start = Instant::now();
            let gets = (0..10).map(|_| cache.get("k", || service.fetch(ms(100))));
            let values = futures::future::join_all(gets).await;
            (values, service.fetches(), start.elapsed())
        });
        assert_eq!(
            fetches, 1,
            "ten callers missed the same key at once and {fetches} fetches ran: only the first \
             may fetch, the other nine wait for its value (a cache stampede otherwise)"
        );
        assert_eq!(
            values,
            vec![1; 10],
            "every caller gets the value of the one fetch"
        );
        shared::testing::assert_about(
            "ten callers of one 100 ms fetch all have the value after 100 ms",
            elapsed,
            ms(100),
        );
    }

    #[test]
    fn misses_for_different_keys_fetch_in_parallel() {
        let (fetches, elapsed) = on_paused_runtime("misses for five keys", || async {
            let cache = Cache::new();
            let service = Service::new();
            let start = Instant::now();
            let keys = ["a", "b", "c", "d", "e", "a", "b", "c", "d", "e"];
            futures::future::join_all(keys.map(|k| cache.get(k, || service.fetch(ms(100))))).await;
            (service.fetches(), start.elapsed())
        });
        assert_eq!(fetches, 5, "five keys, two callers each: one fetch per key");
        shared::testing::assert_about(
            "five keys fetched at once, each fetch taking 100 ms, must all be ready after 100 ms, \
             not 500 ms: no lock may be held across a fetch, so a key never waits for another key",
            elapsed,
            ms(100),
        );
    }

    #[test]
    fn a_hit_does_not_fetch_or_wait() {
        let (first, again, fetches, hit_took) = on_paused_runtime("a hit", || async {
            let cache = Cache::new();
            let service = Service::new();
            let first = cache.get("k", || service.fetch(ms(50))).await;
            let start = Instant::now();
            let again = cache.get("k", || service.fetch(ms(50))).await;
            (first, again, service.fetches(), start.elapsed())
        });
        assert_eq!(
            (first, again, fetches),
            (1, 1, 1),
            "the second get of a key returns the stored value without calling fetch"
        );
        assert_eq!(hit_took, Duration::ZERO, "a hit returns at once");
    }

    #[test]
    fn a_cancelled_fetch_does_not_strand_the_waiters() {
        let (waiter, fetches, when) =
            on_paused_runtime("a cancelled fetch left its waiter waiting", || async {
                let cache = Cache::new();
                let service = Service::new();
                let start = Instant::now();
                // The first caller fetches (100 ms) but gives up after 30 ms: its future is dropped.
                let impatient =
                    tokio::time::timeout(ms(30), cache.get("k", || service.fetch(ms(100))));
                let waiter = async {
                    sleep(ms(10)).await;
                    // A panic here (an unwrap on a channel whose sender went away) is caught and
                    // judged below, so that the learner reads the rule, not the unwrap.
                    let get =
                        std::panic::AssertUnwindSafe(cache.get("k", || service.fetch(ms(100))));
                    let got = tokio::time::timeout(
                        ms(1000),
                        shared::testing::quietly(futures::FutureExt::catch_unwind(get)),
                    )
                    .await;
                    (got, start.elapsed())
                };
                let (gave_up, (got, when)) = tokio::join!(impatient, waiter);
                assert!(gave_up.is_err(), "the first caller times out after 30 ms");
                (got, service.fetches(), when)
            });
        let value = match waiter {
            Ok(Ok(value)) => value,
            Ok(Err(panic)) => panic!(
                "the caller that was fetching was cancelled (dropped after 30 ms), and a caller \
                 waiting for the same key panicked ({}): when the fetching caller goes away (its \
                 sender dropped, its marker removed), a waiter must take over and fetch, not fail",
                shared::testing::panic_message(&*panic)
            ),
            Err(_) => panic!(
                "the caller that was fetching was cancelled (dropped after 30 ms), and a caller \
                 waiting for the same key was still waiting a second later: when the fetching \
                 caller goes away, a waiter must take over and fetch (tokio's OnceCell does this)"
            ),
        };
        assert_eq!(
            (value, fetches),
            (2, 2),
            "after the first fetch was cancelled, the waiter runs a fetch of its own"
        );
        shared::testing::assert_about(
            "the waiter waits for the first caller's fetch and takes over only when that caller \
             is cancelled (at 30 ms), so its own fetch ends at 130 ms. Earlier means it fetched \
             while the first fetch still ran (two fetches of one key at once: the miss and the \
             'being fetched' mark must be one step under the lock); later, that it noticed the \
             cancel late",
            when,
            ms(130),
        );
    }

    #[test]
    fn waiters_sleep_while_the_fetch_runs() {
        let got = on_paused_runtime("three callers waiting for a fetch", || async {
            let cache = Rc::new(Cache::new());
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let fetcher = {
                        let cache = cache.clone();
                        tokio::task::spawn_local(async move {
                            cache
                                .get("k", || async {
                                    sleep(ms(100)).await;
                                    7u32
                                })
                                .await
                        })
                    };
                    // The fetcher takes the key and starts its 100 ms fetch.
                    tokio::task::yield_now().await;
                    let waiters: Vec<_> = (0..3)
                        .map(|_| {
                            let cache = cache.clone();
                            tokio::task::spawn_local(capped(4, async move {
                                cache.get("k", || async { 8u32 }).await
                            }))
                        })
                        .collect();
                    let mut got = Vec::new();
                    for waiter in waiters {
                        got.push(outcome(ms(1000), waiter).await);
                    }
                    let _ = timeout(ms(1000), fetcher).await;
                    got
                })
                .await
        });
        assert!(
            got.iter().all(|g| *g == Ok(7)),
            "three callers waited for another caller's 100 ms fetch of the same key, each as a \
             task of its own; a waiter should be polled about twice (once to start waiting, once \
             when the value is there), and they ended: {got:?}. Waiters must sleep until the \
             fetch is done (OnceCell, a tokio Mutex per key, a watch or Notify), not look again \
             on a timer (sleep in a loop) or after every yield_now"
        );
    }

    #[test]
    fn a_cancelled_fetch_hands_over_to_one_waiter() {
        let (got, fetches) = on_paused_runtime("a cancelled fetch with three waiters", || async {
            let cache = Cache::new();
            let fetches = AtomicU32::new(0);
            let fetch = || async {
                let n = fetches.fetch_add(1, Ordering::SeqCst) + 1;
                sleep(ms(100)).await;
                n
            };
            // The first caller fetches but gives up after 30 ms.
            let impatient = timeout(ms(30), cache.get("k", fetch));
            let waiters = futures::future::join_all((0..3).map(|_| async {
                sleep(ms(10)).await;
                timeout(ms(1000), cache.get("k", fetch)).await.ok()
            }));
            let (_, got) = tokio::join!(impatient, waiters);
            (got, fetches.load(Ordering::SeqCst))
        });
        assert_eq!(
            (fetches, &got[..]),
            (2, &[Some(2); 3][..]),
            "the fetching caller was cancelled while three callers waited for the key, and \
             {fetches} fetches ran in all (waiters got {got:?}): exactly one waiter takes over \
             and fetches, the other two wait for its value (the same one-fetch rule as before \
             the cancel; not every waiter fetching for itself)"
        );
    }
}

mod e03_notify_wait {
    use super::*;
    use lesson_07::e03_notify_wait::*;
    use shared::Probe;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::time::{Instant, sleep, timeout};

    const NEVER: &str = "wait_until never returned";

    /// Stops a wait that re-checks in a loop without waiting, with a sentence: such a loop keeps
    /// tokio's paused clock still (or spins inside one poll), so no timeout would ever fire.
    /// Call it from `ready()` with the number of calls so far; no test changes the state more
    /// than a few times.
    fn not_spinning(calls: u32) {
        assert!(
            calls < 1000,
            "ready() was called 1000 times while the state changed only a few times: wait_until \
             checks again and again without waiting for a change (a loop around yield_now, or a \
             Notified that is ready at once every time, e.g. a permit notify_one stored). Sleep \
             on the Notified future until changed() wakes it"
        );
    }

    /// Awaits `wait` for at most 1 s of tokio time: `true` if it returned before that.
    ///
    /// `timeout(..).is_ok()` alone is not enough: at its deadline `timeout` polls the inner
    /// future once more, and a hand-written wait that checks on every poll would return then,
    /// hiding the lost wake the test is looking for.
    async fn returns_in_time(wait: impl Future<Output = ()>) -> bool {
        let start = Instant::now();
        timeout(ms(1000), wait).await.is_ok() && start.elapsed() < ms(1000)
    }

    #[test]
    fn a_change_during_the_check_is_not_lost() {
        let returned = on_paused_runtime(NEVER, || async {
            let cond = Condition::new();
            let state = Cell::new(false);
            let calls = Cell::new(0);
            // The first call plays the unlucky moment: it sees the old state, and the change
            // (with its changed()) happens right after the read, before the waiter listens.
            let ready = || {
                calls.set(calls.get() + 1);
                if calls.get() == 1 {
                    state.set(true);
                    cond.changed();
                    return false;
                }
                state.get()
            };
            returns_in_time(cond.wait_until(ready)).await
        });
        assert!(
            returned,
            "ready() returned false, and the change plus changed() came right after that check, \
             before the Notified future existed: the wake was lost and wait_until waits forever. \
             Create the Notified future (and enable() it) before calling ready(), then await it"
        );
    }

    #[test]
    fn returns_at_once_when_already_ready() {
        let cond = Condition::new();
        let calls = Cell::new(0);
        let mut wait = Box::pin(cond.wait_until(|| {
            calls.set(calls.get() + 1);
            true
        }));
        let first = shared::testing::poll_with(&mut wait, std::task::Waker::noop());
        assert!(
            first.is_ready(),
            "when ready() is already true, wait_until returns in its first poll, without waiting"
        );
        assert_eq!(calls.get(), 1, "one call of ready() is enough to know");
    }

    #[test]
    fn returns_only_when_a_change_makes_it_true() {
        let (at, checks) = on_paused_runtime(NEVER, || async {
            let cond = Rc::new(Condition::new());
            let state = Rc::new(Cell::new(0u32));
            let checks = Rc::new(Cell::new(0u32));
            let start = Instant::now();
            let ready = {
                let (state, checks) = (state.clone(), checks.clone());
                move || {
                    checks.set(checks.get() + 1);
                    not_spinning(checks.get());
                    state.get() >= 3
                }
            };
            // The waiter is a task of its own, so only its own wakes poll it (a join! would poll
            // it whenever the changer's timers fire, and an answer that checks on every poll
            // would be blamed for the join's polls).
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let waiter = {
                        let cond = cond.clone();
                        tokio::task::spawn_local(shared::testing::quietly(async move {
                            timeout(ms(1000), cond.wait_until(ready)).await.ok();
                            start.elapsed()
                        }))
                    };
                    for i in 1..=3 {
                        sleep(ms(10)).await;
                        state.set(i);
                        cond.changed();
                    }
                    let at = match waiter.await {
                        Ok(at) => at,
                        Err(e) if e.is_panic() => {
                            panic!("{}", shared::testing::panic_message(&*e.into_panic()))
                        }
                        Err(e) => panic!("the waiting task ended without a result: {e}"),
                    };
                    (at, checks.get())
                })
                .await
        });
        shared::testing::assert_about(
            "the state reaches 3 after three changes 10 ms apart: wait_until(state >= 3) must \
             return at 30 ms, not after the first wake (a change that leaves ready() false means \
             wait again: loop)",
            at,
            ms(30),
        );
        assert!(
            checks <= 4,
            "ready() was called {checks} times: once at the start and once per change (3) is all \
             it takes"
        );
    }

    #[test]
    fn changed_wakes_every_waiter() {
        let woke = on_paused_runtime(NEVER, || async {
            let cond = Condition::new();
            let open = AtomicU32::new(0);
            let waiter = || async {
                let calls = Cell::new(0);
                let ready = || {
                    calls.set(calls.get() + 1);
                    not_spinning(calls.get());
                    open.load(Ordering::SeqCst) == 1
                };
                returns_in_time(cond.wait_until(ready)).await
            };
            let changer = async {
                sleep(ms(10)).await;
                open.store(1, Ordering::SeqCst);
                cond.changed();
            };
            let (a, b, c, ()) = tokio::join!(waiter(), waiter(), waiter(), changer);
            [a, b, c].iter().filter(|w| **w).count()
        });
        assert_eq!(
            woke, 3,
            "three tasks waited and one changed() made the condition true for all, but only \
             {woke} returned: changed() must wake every waiter (notify_waiters), not one \
             (notify_one)"
        );
    }

    #[test]
    fn nothing_polls_while_nothing_changes() {
        let (turns, timed) = on_paused_runtime(NEVER, || async {
            let cond = Rc::new(Condition::new());
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
            let (waiter, handle) = Probe::new("wait_until", waiting);
            // The waiter runs as a task of its own, so nothing but its own wakes polls it.
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async {
                    let task = tokio::task::spawn_local(waiter);
                    for _ in 0..50 {
                        tokio::task::yield_now().await;
                    }
                    let turns = (handle.polls(), checks.get());
                    // Then 200 ms of tokio time with no change: a waiter that re-checks on a
                    // timer shows here. (Only if it passed the turns: a task that yields forever
                    // keeps the paused clock from moving.)
                    let timed = if turns.0 <= 2 && turns.1 <= 2 {
                        sleep(ms(200)).await;
                        Some((handle.polls(), checks.get()))
                    } else {
                        None
                    };
                    open.set(true);
                    cond.changed();
                    timeout(ms(1000), task).await.ok();
                    (turns, timed)
                })
                .await
        });
        let (polls, checks) = turns;
        assert!(
            polls <= 2 && checks <= 2,
            "while nothing changed (50 turns of the scheduler), the waiting task was polled \
             {polls} times and ready() called {checks} times: a waiter must sleep until \
             changed() wakes it, not re-check in a loop around yield_now"
        );
        if let Some((polls, checks)) = timed {
            assert!(
                polls <= 2 && checks <= 2,
                "while nothing changed for 200 ms, the waiting task was polled {polls} times and \
                 ready() called {checks} times: a waiter must sleep until changed() wakes it, \
                 not re-check on a timer (a timeout or sleep around the wait, 'just in case' a \
                 wake is lost: listen before you check and none is)"
            );
        }
    }
}

mod e04_rwlock_config {
    use super::*;
    use lesson_07::e04_rwlock_config::*;
    use std::sync::Arc;
    use tokio::time::{Instant, sleep};

    /// Version `n` of the test config: every field tells which version it belongs to.
    fn version(n: u64) -> Config {
        Config {
            version: n,
            endpoint: format!("https://v{n}.example"),
            replicas: n as u32,
        }
    }

    /// The next version after `base`, prepared in `took` of tokio time.
    async fn next_after(base: Arc<Config>, took: Duration) -> Config {
        sleep(took).await;
        version(base.version + 1)
    }

    #[test]
    fn a_lone_update_finishes() {
        let done = on_paused_runtime("one update", || async {
            let live = LiveConfig::new(version(1));
            let update = live.update(|base| next_after(base, ms(10)));
            match tokio::time::timeout(ms(1000), update).await {
                Ok(next) => Some((next.version, live.read().await.version)),
                Err(_) => None,
            }
        });
        let Some(versions) = done else {
            panic!(
                "one update, with nobody else using the config, never finished: it waits for a \
                 lock it holds itself. Most often the read guard of the version it started from \
                 is still alive when it asks for the write lock (a write lock waits for every \
                 read guard, its own too): clone the Arc out, let the guard go, then prepare"
            );
        };
        assert_eq!(
            versions,
            (2, 2),
            "update returns the version it prepared, and that version is then in force"
        );
    }

    #[test]
    fn a_read_never_waits_for_a_writer() {
        let read_took = on_paused_runtime("a read during an update", || async {
            let live = LiveConfig::new(version(1));
            let writer = live.update(|base| next_after(base, ms(100)));
            let reader = async {
                sleep(ms(50)).await;
                let start = Instant::now();
                live.read().await;
                start.elapsed()
            };
            let (_, took) = tokio::join!(writer, reader);
            took
        });
        assert_eq!(
            read_took,
            Duration::ZERO,
            "a read made while an update was being prepared (100 ms) waited {read_took:?}: \
             readers must never wait for a writer's preparation. Prepare outside the lock, then \
             hold the write lock only to swap the new version in"
        );
    }

    #[test]
    fn a_read_during_an_update_sees_the_old_version_whole() {
        let (during, after, returned) = on_paused_runtime("a read during an update", || async {
            let live = LiveConfig::new(version(1));
            let writer = live.update(|base| next_after(base, ms(100)));
            let reader = async {
                sleep(ms(50)).await;
                live.read().await
            };
            let (returned, during) = tokio::join!(writer, reader);
            (during, live.read().await, returned)
        });
        assert_eq!(
            *during,
            version(1),
            "a read while version 2 was still being prepared must see version 1, all of it: \
             nothing of the next version may be in force (not even its number) before prepare \
             has finished"
        );
        assert_eq!(
            (&*after, &*returned),
            (&version(2), &version(2)),
            "once update returns, the version it prepared is in force, and update returns it"
        );
    }

    #[test]
    fn concurrent_updates_take_turns() {
        let (mut returned, last, elapsed) = on_paused_runtime("ten concurrent updates", || async {
            let live = LiveConfig::new(version(1));
            let start = Instant::now();
            let updates = (0..10).map(|_| live.update(|base| next_after(base, ms(10))));
            let returned: Vec<u64> = futures::future::join_all(updates)
                .await
                .iter()
                .map(|c| c.version)
                .collect();
            (returned, live.read().await, start.elapsed())
        });
        assert_eq!(
            last.version, 11,
            "ten concurrent updates, each 'version + 1', from version 1 must end at version 11, \
             not {}: updates prepared from the same old version overwrite each other (a lost \
             update). Make writers take turns (a tokio Mutex held across prepare)",
            last.version
        );
        returned.sort();
        assert_eq!(
            returned,
            (2..=11).collect::<Vec<_>>(),
            "each update returns the version it put in force"
        );
        shared::testing::assert_virtual(
            "ten updates taking turns, 10 ms of preparation each",
            elapsed,
            ms(100),
            ms(10),
        );
        assert_eq!(*last, version(11), "the last version is in force, whole");
    }
}

mod e05_once_init {
    use super::*;
    use lesson_07::e05_once_init::*;
    use shared::Probe;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::time::{Instant, sleep};

    /// An init that takes `took`, counts itself in `inits`, and then returns `out`.
    async fn init_after(
        inits: &AtomicU32,
        took: Duration,
        out: Result<u32, InitError>,
    ) -> Result<u32, InitError> {
        inits.fetch_add(1, Ordering::SeqCst);
        sleep(took).await;
        out
    }

    #[test]
    fn concurrent_first_callers_run_one_init() {
        let (got, inits, elapsed) = on_paused_runtime("ten first callers", || async {
            let lazy = Lazy::new();
            let inits = AtomicU32::new(0);
            let start = Instant::now();
            let inits_ref = &inits;
            let calls =
                (0..10).map(|i| lazy.get_or_init(move || init_after(inits_ref, ms(100), Ok(i))));
            let got = futures::future::join_all(calls).await;
            (got, inits.load(Ordering::SeqCst), start.elapsed())
        });
        assert_eq!(
            inits, 1,
            "ten callers asked at once and init ran {inits} times: one caller runs init, the \
             others wait for its value (check and set must not be apart, with init between)"
        );
        let first = got[0].clone();
        assert!(
            got.iter().all(|g| *g == first) && first.is_ok(),
            "every caller gets the value of the one init: {got:?}"
        );
        shared::testing::assert_about("ten callers of a 100 ms init", elapsed, ms(100));
    }

    #[test]
    fn waiters_sleep_until_init_is_done() {
        let polls = on_paused_runtime("callers waiting for init", || async {
            let lazy = std::rc::Rc::new(Lazy::new());
            let (open, gate) = tokio::sync::watch::channel(false);
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let mut handles = Vec::new();
                    let mut tasks = Vec::new();
                    for _ in 0..3 {
                        let (lazy, mut gate) = (lazy.clone(), gate.clone());
                        let call = async move {
                            lazy.get_or_init(|| async move {
                                let _ = gate.wait_for(|open| *open).await;
                                Ok(7)
                            })
                            .await
                        };
                        let (probe, handle) = Probe::new("get_or_init", call);
                        handles.push(handle);
                        tasks.push(tokio::task::spawn_local(probe));
                    }
                    for _ in 0..50 {
                        tokio::task::yield_now().await;
                    }
                    let polls: Vec<u64> = handles.iter().map(|h| h.polls()).collect();
                    open.send(true).expect("the gate");
                    let mut got = Vec::new();
                    for task in tasks {
                        got.push(match tokio::time::timeout(ms(1000), task).await {
                            Ok(Ok(value)) => format!("{value:?}"),
                            Ok(Err(e)) if e.is_panic() => format!(
                                "panicked: {}",
                                shared::testing::panic_message(&*e.into_panic())
                            ),
                            Ok(Err(_)) => "cancelled".to_string(),
                            Err(_) => "still waiting 1 s after init finished".to_string(),
                        });
                    }
                    (polls, got)
                })
                .await
        });
        let (polls, got) = polls;
        let mut seen = got.clone();
        seen.dedup();
        assert!(
            got.iter().all(|g| g == "Ok(7)"),
            "three callers waited for one init that returned Ok(7), and got {seen:?}: every \
             waiting caller must get the value once the init is done"
        );
        let most = polls.iter().copied().max().unwrap_or(0);
        assert!(
            most <= 3,
            "while init was still running (50 turns of the scheduler), a waiting caller was \
             polled {most} times: waiters must sleep until the value (or a failure) is there, \
             not check in a loop around yield_now (polls per caller: {polls:?})"
        );
    }

    #[test]
    fn waiters_sleep_through_a_slow_init() {
        let got = on_paused_runtime("three callers waiting for a 100 ms init", || async {
            let lazy = std::rc::Rc::new(Lazy::new());
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let maker = {
                        let lazy = lazy.clone();
                        tokio::task::spawn_local(async move {
                            lazy.get_or_init(|| async {
                                sleep(ms(100)).await;
                                Ok(7u32)
                            })
                            .await
                        })
                    };
                    // The maker starts its 100 ms init.
                    tokio::task::yield_now().await;
                    let waiters: Vec<_> = (0..3)
                        .map(|_| {
                            let lazy = lazy.clone();
                            tokio::task::spawn_local(capped(4, async move {
                                lazy.get_or_init(|| async { Ok(8u32) }).await
                            }))
                        })
                        .collect();
                    let mut got = Vec::new();
                    for waiter in waiters {
                        got.push(outcome(ms(1000), waiter).await);
                    }
                    let _ = tokio::time::timeout(ms(1000), maker).await;
                    got
                })
                .await
        });
        assert!(
            got.iter().all(|g| *g == Ok(Ok(7))),
            "three callers waited for another caller's 100 ms init, each as a task of its own; a \
             waiter should be polled about twice (once to start waiting, once when the value is \
             there), and they ended: {got:?}. Waiters must sleep until init is done (OnceCell, a \
             tokio Mutex or Semaphore), not look again on a timer (sleep in a loop) or after \
             every yield_now"
        );
    }

    #[test]
    fn after_a_failed_init_one_waiter_takes_over() {
        let (got, inits) = on_paused_runtime("a failed init with three waiters", || async {
            let lazy = Lazy::new();
            let inits = AtomicU32::new(0);
            let init = || async {
                let n = inits.fetch_add(1, Ordering::SeqCst) + 1;
                sleep(ms(100)).await;
                if n == 1 {
                    Err(InitError("down".into()))
                } else {
                    Ok(n)
                }
            };
            let first = lazy.get_or_init(init);
            let waiters = futures::future::join_all((0..3).map(|_| async {
                sleep(ms(10)).await;
                lazy.get_or_init(init).await
            }));
            let (_, got) = tokio::join!(first, waiters);
            (got, inits.load(Ordering::SeqCst))
        });
        assert_eq!(
            (inits, &got[..]),
            (2, &[Ok(2), Ok(2), Ok(2)][..]),
            "the first init failed while three callers waited, and init ran {inits} times in \
             all (the waiters got {got:?}): after a failure exactly one waiter runs its init, \
             the others wait for it and share its value (one init at a time, after a failure \
             too: not every waiter trying at once)"
        );
    }

    #[test]
    fn a_failed_init_is_returned_not_stored() {
        let (first, between, second, third, inits) =
            on_paused_runtime("inits in a row", || async {
                let lazy = Lazy::new();
                let inits = AtomicU32::new(0);
                let down = Err(InitError("down".into()));
                // A panic here (an expect on init's result) is caught and judged below.
                let first = std::panic::AssertUnwindSafe(
                    lazy.get_or_init(|| init_after(&inits, ms(10), down)),
                );
                let first = shared::testing::quietly(futures::FutureExt::catch_unwind(first))
                    .await
                    .map_err(|panic| shared::testing::panic_message(&*panic));
                let between = lazy.get();
                let second = lazy.get_or_init(|| init_after(&inits, ms(10), Ok(5))).await;
                let third = lazy.get_or_init(|| init_after(&inits, ms(10), Ok(9))).await;
                (first, between, second, third, inits.load(Ordering::SeqCst))
            });
        let first = match first {
            Ok(first) => first,
            Err(panic) => panic!(
                "get_or_init panicked ({panic}) when init returned Err: the caller whose init \
                 failed gets the Err back as its result (get_or_try_init, or `?`), not a panic"
            ),
        };
        assert_eq!(
            first,
            Err(InitError("down".into())),
            "the caller whose init failed gets its error"
        );
        assert_eq!(between, None, "after a failed init, get() is None");
        assert_eq!(
            second,
            Ok(5),
            "after a failed init the next caller must run init again and get its value, not the \
             old error: a failure is returned, never stored"
        );
        assert_eq!(
            (third, inits),
            (Ok(5), 2),
            "once a value is made, init never runs again"
        );
    }

    #[test]
    fn a_waiter_tries_again_when_the_first_init_fails() {
        let (a, b, b_at, inits) = on_paused_runtime(
            "a failing first init with a caller waiting for it (a waiter that loops around \
             yield_now keeps tokio's paused clock still, so that init never ends)",
            || async {
                let lazy = Lazy::new();
                let inits = AtomicU32::new(0);
                let start = Instant::now();
                let down = Err(InitError("down".into()));
                let first = lazy.get_or_init(|| init_after(&inits, ms(100), down));
                let second = async {
                    sleep(ms(10)).await;
                    let got = lazy.get_or_init(|| init_after(&inits, ms(50), Ok(2))).await;
                    (got, start.elapsed())
                };
                let (a, (b, b_at)) = tokio::join!(first, second);
                (a, b, b_at, inits.load(Ordering::SeqCst))
            },
        );
        assert_eq!(
            a,
            Err(InitError("down".into())),
            "the first caller's init fails"
        );
        assert_eq!(
            b,
            Ok(2),
            "a caller that was waiting when the first init failed must run its own init and get \
             its value: a waiter never receives somebody else's error"
        );
        assert_eq!(inits, 2, "two inits: the failed one, then the waiter's");
        shared::testing::assert_about(
            "the waiter's init starts when the first one fails (100 ms), not at once: one init at \
             a time; it ends 50 ms later",
            b_at,
            ms(150),
        );
    }
}

mod e06_lock_order {
    use super::*;
    use lesson_07::e06_lock_order::*;
    use shared::Probe;
    use std::sync::Mutex;
    use tokio::time::{Instant, sleep, timeout};

    const DEADLOCK: &str = "deadlock: transfers waited for each other's locks and never finished. \
                            Take the two locks in one global order (lower account index first), \
                            whatever the direction of the money";

    /// An audit whose records take `delay` of tokio time; it keeps every record.
    struct SlowAudit {
        delay: Duration,
        records: Mutex<Vec<(usize, usize, u64)>>,
    }

    impl SlowAudit {
        fn new(delay: Duration) -> Self {
            Self {
                delay,
                records: Mutex::default(),
            }
        }
        fn records(&self) -> Vec<(usize, usize, u64)> {
            let mut r = self.records.lock().unwrap().clone();
            r.sort();
            r
        }
    }

    impl Audit for SlowAudit {
        async fn record(&self, from: usize, to: usize, amount: u64) {
            sleep(self.delay).await;
            self.records.lock().unwrap().push((from, to, amount));
        }
    }

    #[test]
    fn opposite_transfers_both_finish() {
        let (done, balances) = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 100]);
            let audit = SlowAudit::new(ms(10));
            let both = async {
                tokio::join!(
                    bank.transfer(0, 1, 30, &audit),
                    bank.transfer(1, 0, 20, &audit)
                )
            };
            let done = timeout(ms(1000), both).await;
            let balances = match done {
                Ok(_) => Some((bank.balance(0).await, bank.balance(1).await)),
                Err(_) => None,
            };
            (done.ok(), balances)
        });
        assert_eq!(done, Some((true, true)), "{DEADLOCK}");
        assert_eq!(
            balances,
            Some((90, 110)),
            "0 pays 1 thirty, 1 pays 0 twenty: balances 90 and 110"
        );
    }

    #[test]
    fn money_is_never_seen_in_flight() {
        let (seen, after) = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 50, 25]);
            let audit = SlowAudit::new(ms(100));
            let transfer = bank.transfer(0, 2, 40, &audit);
            let look = async {
                sleep(ms(50)).await;
                bank.total().await
            };
            let (_, seen) = tokio::join!(transfer, look);
            (seen, bank.total().await)
        });
        assert_eq!(
            seen, 175,
            "total() during a transfer's audit saw {seen} instead of 175: the money was in \
             flight, in neither account. Hold both locks from the debit, through the audit, to \
             the credit, and let total() lock every account (in the same order)"
        );
        assert_eq!(after, 175, "money is conserved");
    }

    #[test]
    fn a_transfer_to_the_same_account_finishes() {
        let got = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[10, 20, 30]);
            let audit = SlowAudit::new(ms(1));
            let run = async {
                let small = bank.transfer(2, 2, 5, &audit).await;
                let large = bank.transfer(2, 2, 500, &audit).await;
                (small, large, bank.balance(2).await)
            };
            timeout(ms(1000), run).await.ok()
        });
        let Some((small, large, balance)) = got else {
            panic!(
                "transfer(2, 2, ..) never finished: it locked account 2 twice, and a tokio Mutex \
                 locked twice by one task waits for itself. Take one lock when from == to"
            );
        };
        assert_eq!(
            (small, large, balance),
            (true, false, 30),
            "a transfer to the same account moves nothing and returns whether the balance covers \
             the amount"
        );
    }

    #[test]
    fn a_short_balance_moves_nothing() {
        let (ok, balances, records) = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[10, 20]);
            let audit = SlowAudit::new(ms(1));
            let ok = bank.transfer(0, 1, 11, &audit).await;
            let balances = (bank.balance(0).await, bank.balance(1).await);
            (ok, balances, audit.records())
        });
        assert!(
            !ok,
            "account 0 holds 10 and cannot pay 11: transfer returns false"
        );
        assert_eq!(balances, (10, 20), "a refused transfer moves nothing");
        assert!(records.is_empty(), "a refused transfer is not audited");
    }

    #[test]
    fn unrelated_transfers_run_in_parallel() {
        let elapsed = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 100, 100, 100]);
            let audit = SlowAudit::new(ms(100));
            let start = Instant::now();
            tokio::join!(
                bank.transfer(0, 1, 1, &audit),
                bank.transfer(3, 2, 1, &audit)
            );
            start.elapsed()
        });
        shared::testing::assert_about(
            "two transfers between four different accounts, 100 ms audits, must take 100 ms in \
             all: each account has its own lock so that unrelated transfers run in parallel (not \
             one lock for the whole bank)",
            elapsed,
            ms(100),
        );
    }

    #[test]
    fn total_is_taken_at_one_moment() {
        let (seen, end) = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 100, 100, 100]);
            let audit = SlowAudit::new(ms(100));
            // 1 -> 3 holds accounts 1 and 3 through its audit, until 100 ms.
            let first = bank.transfer(1, 3, 10, &audit);
            // At 10 ms total() starts; it can read account 0, then must wait for account 1.
            let look = async {
                sleep(ms(10)).await;
                bank.total().await
            };
            // At 20 ms, 0 -> 2 starts: account 0 must still be locked by total() by then.
            let second = async {
                sleep(ms(20)).await;
                bank.transfer(0, 2, 50, &audit).await
            };
            let run = async { tokio::join!(first, look, second) };
            let (_, seen, _) = timeout(ms(2000), run).await.ok()?;
            Some((seen, bank.total().await))
        })
        .unwrap_or_else(|| panic!("{DEADLOCK}"));
        assert_eq!(
            (seen, end),
            (400, 400),
            "total() saw {seen} in a bank of 400 while two transfers ran: the sum was not taken \
             at one moment (an account read and let go before the others are locked lets a \
             transfer move money from it into an account not read yet). Keep every account \
             locked until all are added up: lock them in index order and hold the guards"
        );
    }

    #[test]
    fn total_beside_queued_transfers_finishes() {
        let done = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 100, 100]);
            let audit = SlowAudit::new(ms(100));
            // 0 -> 1 holds accounts 0 and 1 until 100 ms; 1 -> 2 queues for account 1 at 10 ms;
            // total() starts at 20 ms.
            let first = bank.transfer(0, 1, 10, &audit);
            let second = async {
                sleep(ms(10)).await;
                bank.transfer(1, 2, 10, &audit).await
            };
            let look = async {
                sleep(ms(20)).await;
                bank.total().await
            };
            timeout(ms(2000), async { tokio::join!(first, second, look) })
                .await
                .ok()
        });
        let Some((first, second, seen)) = done else {
            panic!(
                "total() and two transfers waited for each other's locks and never finished: \
                 total() took a higher account while a transfer holding a lower one waited for \
                 it. total() must lock the accounts in the same global order as transfer (lowest \
                 index first, one after another), not last-first and not all at once"
            );
        };
        assert_eq!(
            (first, second, seen),
            (true, true, 300),
            "two transfers that are covered return true, and total() is the bank's 300"
        );
    }

    #[test]
    fn while_audited_both_balances_stay_locked() {
        let (at, balance) = on_paused_runtime(DEADLOCK, || async {
            let bank = Bank::new(&[100, 100]);
            let audit = SlowAudit::new(ms(100));
            let start = Instant::now();
            let transfer = bank.transfer(0, 1, 30, &audit);
            let look = async {
                sleep(ms(50)).await;
                let balance = bank.balance(1).await;
                (start.elapsed(), balance)
            };
            let (_, seen) = tokio::join!(transfer, look);
            seen
        });
        assert!(
            at >= ms(100),
            "balance(1), asked at 50 ms while the transfer's 100 ms audit was running, returned \
             at {at:?} (balance {balance}): the balances were no longer locked during the audit. \
             Audit::record is called while both balances are locked, so the record and the \
             balances always agree: await the audit before the guards go"
        );
        assert_eq!(balance, 130, "after 0 pays 1 thirty, account 1 holds 130");
    }

    #[test]
    fn a_blocked_transfer_sleeps_through_a_long_audit() {
        let got = on_paused_runtime(DEADLOCK, || async {
            let bank = std::rc::Rc::new(Bank::new(&[100, 100, 100]));
            let audit = std::rc::Rc::new(SlowAudit::new(ms(100)));
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let first = {
                        let (bank, audit) = (bank.clone(), audit.clone());
                        tokio::task::spawn_local(
                            async move { bank.transfer(0, 1, 5, &*audit).await },
                        )
                    };
                    tokio::task::yield_now().await;
                    // It needs account 1, locked by the first transfer's audit for 100 ms.
                    let second = {
                        let (bank, audit) = (bank.clone(), audit.clone());
                        tokio::task::spawn_local(capped(4, async move {
                            bank.transfer(2, 1, 5, &*audit).await
                        }))
                    };
                    let got = outcome(ms(1000), second).await;
                    let _ = timeout(ms(1000), first).await;
                    got
                })
                .await
        });
        assert_eq!(
            got,
            Ok(true),
            "a transfer waited 100 ms for a lock another transfer held through its audit, as a \
             task of its own; it should be polled about twice (once to start waiting, once when \
             the lock is free), and it ended: {got:?}. Wait for a lock with lock().await \
             (asleep), not try_lock in a loop with a sleep or yield_now between tries"
        );
    }

    #[test]
    fn a_blocked_transfer_waits_asleep() {
        let polls = on_paused_runtime(DEADLOCK, || async {
            let bank = std::rc::Rc::new(Bank::new(&[100, 100, 100]));
            let (open, gate) = tokio::sync::watch::channel(false);
            struct GatedAudit(tokio::sync::watch::Receiver<bool>);
            impl Audit for GatedAudit {
                fn record(&self, _: usize, _: usize, _: u64) -> impl Future<Output = ()> + Send {
                    let mut gate = self.0.clone();
                    async move {
                        let _ = gate.wait_for(|open| *open).await;
                    }
                }
            }
            let audit = std::rc::Rc::new(GatedAudit(gate));
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async move {
                    let first = {
                        let (bank, audit) = (bank.clone(), audit.clone());
                        tokio::task::spawn_local(
                            async move { bank.transfer(0, 1, 5, &*audit).await },
                        )
                    };
                    tokio::task::yield_now().await;
                    // It can take account 2 but must wait for account 1.
                    let (second, handle) = Probe::new("transfer(2, 1)", {
                        let (bank, audit) = (bank.clone(), audit.clone());
                        async move { bank.transfer(2, 1, 5, &*audit).await }
                    });
                    let second = tokio::task::spawn_local(second);
                    for _ in 0..50 {
                        tokio::task::yield_now().await;
                    }
                    let polls = handle.polls();
                    open.send(true).expect("the gate");
                    let _ = timeout(ms(1000), async { (first.await, second.await) }).await;
                    polls
                })
                .await
        });
        assert!(
            polls <= 3,
            "a transfer waiting for locks another transfer holds was polled {polls} times in 50 \
             turns of the scheduler: wait for a lock with lock().await (asleep), not try_lock in \
             a loop around yield_now"
        );
    }
}
