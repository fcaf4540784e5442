//! Visible tests for lesson 08, one module per exercise (`cargo xtask check lesson-08`).
//!
//! Everything runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time stands
//! still while any task can run and jumps to the next timer when all are idle. A slow sink that
//! reads every 10 ms costs microseconds of real time, and a deadlock (every task waiting on
//! another) makes tokio jump straight to the test's time limit, so it fails at once with a
//! sentence instead of hanging.

use std::time::Duration;

use shared::testing::ms;

mod e01_pipeline {
    use super::*;
    use lesson_08::e01_pipeline::*;
    use shared::Harness;
    use shared::testing::finishes;
    use std::cell::Cell;
    use std::rc::Rc;
    use tokio::sync::mpsc;
    use tokio::time::sleep;

    /// Counters shared by the test's source and sink.
    #[derive(Default)]
    struct Counts {
        pulled: Cell<usize>,
        received: Cell<usize>,
        /// The largest `pulled - received` seen at any pull.
        ahead: Cell<usize>,
    }

    /// A source of `0..n` that counts its pulls against the sink's receipts.
    struct Source {
        next: u64,
        end: u64,
        counts: Rc<Counts>,
    }

    impl Iterator for Source {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            if self.next == self.end {
                return None;
            }
            let c = &self.counts;
            c.pulled.set(c.pulled.get() + 1);
            c.ahead
                .set(c.ahead.get().max(c.pulled.get() - c.received.get()));
            self.next += 1;
            Some(self.next - 1)
        }
    }

    /// Runs the pipeline under the harness (a busy loop is reported as busy polling) beside a
    /// sink that reads one result every `gap` ms, up to `take` results, then hangs up.
    async fn scenario(
        n: u64,
        capacity: usize,
        out_capacity: usize,
        gap: u64,
        take: usize,
    ) -> (usize, Vec<u64>, usize, Rc<Counts>) {
        let counts = Rc::new(Counts::default());
        let source = Source {
            next: 0,
            end: n,
            counts: counts.clone(),
        };
        let (out, mut out_rx) = mpsc::channel(out_capacity);
        let run = Harness::new()
            .named("pipeline")
            .max_polls(20 * n + 200)
            .run(pipeline(source, capacity, |x| 2 * x + 1, out));
        let sink_counts = counts.clone();
        let sink = async move {
            let mut got = Vec::new();
            while got.len() < take {
                sleep(ms(gap)).await;
                match out_rx.recv().await {
                    Some(v) => {
                        got.push(v);
                        sink_counts.received.set(got.len());
                    }
                    None => break,
                }
            }
            // What `out` accepted but the sink never read: still counted as accepted.
            let unread = out_rx.len();
            (got, unread)
        };
        let (run, (got, unread)) = finishes(
            "the pipeline and its sink (if nothing moves, a stage is waiting for something that \
             never comes: the worker's recv returns None only once the producer has dropped its \
             Sender (move it into the producer), and the sink's only once `out` is dropped)",
            async { tokio::join!(run, sink) },
        )
        .await;
        (run.output, got, unread, counts)
    }

    #[tokio::test(start_paused = true)]
    async fn delivers_every_result_in_order_then_closes() {
        let (delivered, got, _, _) = scenario(40, 4, 2, 1, usize::MAX).await;
        let want: Vec<u64> = (0..40).map(|x| 2 * x + 1).collect();
        assert_eq!(
            got, want,
            "the sink must receive work(item) for every item, in source order, and then `None` \
             (the pipeline drops `out` when the source is exhausted)"
        );
        assert_eq!(
            delivered, 40,
            "pipeline returns how many results `out` accepted: all 40 here"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_sink_holds_the_producer_back() {
        let (capacity, out_capacity) = (4, 2);
        let (_, got, _, counts) = scenario(60, capacity, out_capacity, 10, usize::MAX).await;
        assert_eq!(got.len(), 60, "every result must reach the slow sink");
        let most = capacity + out_capacity + 2;
        assert!(
            counts.ahead.get() <= most,
            "backpressure broken: the producer pulled {} items more than the sink had received, \
             but with a channel of {capacity} between the stages and {out_capacity} before the \
             sink it may be at most {most} ahead. Use a bounded mpsc::channel(capacity) and \
             `send(..).await`, which waits while it is full",
            counts.ahead.get()
        );
        assert!(
            counts.ahead.get() >= capacity + out_capacity,
            "no buffering: while the sink was slow the producer was at most {} items ahead, but \
             the stages should run concurrently (tokio::join!) with a channel of {capacity} \
             between them, so the producer can fill it: expected at least {}",
            counts.ahead.get(),
            capacity + out_capacity
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_sink_that_hangs_up_stops_the_pipeline() {
        let (capacity, out_capacity) = (3, 1);
        let (delivered, got, unread, counts) = scenario(1000, capacity, out_capacity, 1, 5).await;
        assert_eq!(
            got.len(),
            5,
            "the sink reads 5 results, then drops its receiver"
        );
        let most = 5 + capacity + out_capacity + 2;
        assert!(
            counts.pulled.get() <= most,
            "the sink hung up after 5 results, but the pipeline pulled {} of 1000 items: when \
             `out.send` fails, stop the worker, and when the worker is gone (`tx.send` fails) \
             stop the producer; at most {most} pulls were needed",
            counts.pulled.get()
        );
        assert_eq!(
            delivered,
            5 + unread,
            "pipeline returns how many results `out` accepted: the sink read 5 and left {unread} \
             unread in its channel when it hung up, so {} were accepted. Count a result only once \
             `out.send(..)` returned Ok, not before sending and not the one whose send failed",
            5 + unread
        );
    }
}

mod e02_kv_actor {
    use super::*;
    use lesson_08::e02_kv_actor::*;
    use shared::testing::{assert_send, finishes};
    use std::collections::HashMap;
    use std::future::Future;
    use std::task::Poll;

    /// Said when a call fails: the usual reasons.
    const GONE: &str = "a live actor answers every request: a full mailbox means wait \
                        (send().await), not Err(ActorGone), and the actor keeps running as long \
                        as any clone of the Store exists";

    #[tokio::test(start_paused = true)]
    async fn answers_get_set_and_incr_like_a_map() {
        let (store, _actor) = Store::start(4);
        assert_send(&store);
        let calls = async {
            let missing = store.get("apples").await;
            let first = store.set("apples", 3).await;
            let second = store.set("apples", 5).await;
            let got = store.get("apples").await;
            let up = store.incr("apples", 2).await;
            let fresh = store.incr("pears", -4).await;
            (missing, first, second, got, up, fresh)
        };
        let (missing, first, second, got, up, fresh) = finishes(
            "requests to the store (each one waits for the actor's reply over a oneshot: did the \
             actor reply, and is it running?)",
            calls,
        )
        .await;
        assert_eq!(
            missing,
            Ok(None),
            "get of a key never set is Ok(None). {GONE}"
        );
        assert_eq!(
            first,
            Ok(None),
            "the first set returns the previous value: Ok(None)"
        );
        assert_eq!(
            second,
            Ok(Some(3)),
            "set returns the previous value: Ok(Some(3))"
        );
        assert_eq!(
            got,
            Ok(Some(5)),
            "get returns the value last set: Ok(Some(5))"
        );
        assert_eq!(up, Ok(7), "incr adds and returns the new value: 5 + 2 = 7");
        assert_eq!(
            fresh,
            Ok(-4),
            "incr of a missing key starts from 0: 0 + (-4) = -4"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_increments_through_a_small_mailbox_all_count() {
        let (store, actor) = Store::start(1);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.incr("hits", 1).await })
            })
            .collect();
        drop(store);
        let (answers, map) = finishes(
            "50 concurrent incr calls, then the actor's JoinHandle once every Store is dropped (the \
             actor stops when recv() returns None, once every Sender is gone: it may not keep a \
             Sender to its own mailbox)",
            async {
                let mut answers = Vec::new();
                for t in tasks {
                    answers.push(t.await.expect("an incr task panicked"));
                }
                (answers, actor.await.expect("the actor task panicked"))
            },
        )
        .await;
        assert!(
            answers.iter().all(Result::is_ok),
            "every incr must succeed through a mailbox of 1; got {answers:?}. {GONE}"
        );
        let mut values: Vec<i64> = answers.into_iter().flatten().collect();
        values.sort_unstable();
        assert_eq!(
            values,
            (1..=50).collect::<Vec<i64>>(),
            "50 increments of 1 must return 1, 2, ..., 50 (in some order): incr is one message \
             that the actor applies in one step; a get followed by a set loses updates"
        );
        assert_eq!(
            map.get("hits"),
            Some(&50),
            "the final map the actor reports must hold hits = 50"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_the_last_handle_is_dropped_and_reports_its_state() {
        let (store, actor) = Store::start(2);
        let other = store.clone();
        let step = finishes("two sets", async {
            (store.set("a", 1).await, other.set("b", 2).await)
        })
        .await;
        assert_eq!(
            step,
            (Ok(None), Ok(None)),
            "two sets on a fresh store. {GONE}"
        );
        drop(store);
        // An hour of tokio's paused clock costs nothing: an actor idle that long is still alive.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(
            !actor.is_finished(),
            "the actor stopped while a handle was still alive (one clone dropped, the other idle \
             for an hour): it must run as long as any Store clone exists, however long it waits, \
             and stop only when recv() returns None"
        );
        let after = finishes("a call on the remaining handle", other.incr("a", 10)).await;
        assert_eq!(
            after,
            Ok(11),
            "the remaining handle still works: 1 + 10 = 11"
        );
        drop(other);
        let map = finishes(
            "the actor's JoinHandle after every Store was dropped (the actor must stop when its \
             mailbox closes: recv() gives None once every Sender is gone, so the actor may not \
             keep a Sender to itself)",
            actor,
        )
        .await
        .expect("the actor task panicked");
        let want: HashMap<String, i64> = [("a".to_string(), 11), ("b".to_string(), 2)].into();
        assert_eq!(map, want, "the actor returns its final map when it stops");
    }

    /// Polls each call a few times, without letting the actor run in between, then drops them
    /// all: callers that sent their request and then gave up.
    async fn give_up<F: Future>(calls: Vec<F>) {
        let mut calls: Vec<_> = calls.into_iter().map(Box::pin).collect();
        std::future::poll_fn(|cx| {
            for _ in 0..3 {
                for call in &mut calls {
                    let _ = call.as_mut().poll(cx);
                }
            }
            Poll::Ready(())
        })
        .await;
    }

    /// Said when the actor died after callers gave up.
    const GAVE_UP: &str = "the actor stopped after callers gave up on their requests (their \
                           oneshot receivers were dropped). A caller may always give up: the \
                           actor must ignore a reply that cannot be delivered \
                           (`let _ = reply.send(..)`), never unwrap it, and go on serving the others";

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_gives_up_leaves_the_actor_running() {
        let (store, actor) = Store::start(4);
        let first = finishes("a set", store.set("k", 1)).await;
        assert_eq!(first, Ok(None), "a set on a fresh store. {GONE}");
        give_up(vec![store.get("k"), store.get("k")]).await;
        let after = finishes("an incr after two callers gave up", store.incr("k", 1)).await;
        if after.is_err() && actor.is_finished() {
            panic!("{GAVE_UP}");
        }
        assert_eq!(
            after,
            Ok(2),
            "after two callers gave up on a get, an incr on the live actor answers Ok(1 + 1 = 2). \
             {GONE}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_queued_when_the_last_handle_drops_are_applied() {
        let (store, actor) = Store::start(4);
        // Two callers put an incr in the mailbox and give up; then the last handle goes.
        give_up(vec![store.incr("n", 1), store.incr("n", 1)]).await;
        drop(store);
        let map = finishes(
            "the actor's JoinHandle after the last Store was dropped",
            actor,
        )
        .await
        .expect("the actor task panicked");
        assert_eq!(
            map.get("n"),
            Some(&2),
            "two incr requests were in the mailbox when the last Store was dropped: the actor \
             applies every request already queued (recv() gives them all before None) and only \
             then returns its map, which must show n = 2. If requests are served by tasks the \
             actor spawned, they may not have run yet when it returns: serve them in its own loop"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_mailbox_holds_exactly_capacity_requests() {
        let (store, actor) = Store::start(2);
        // Six callers each send an incr before the actor gets to run: two fit in a mailbox of
        // 2 and four wait for room. Then all six give up.
        give_up((0..6).map(|_| store.incr("n", 1)).collect()).await;
        let now = finishes("a get after six callers gave up", store.get("n")).await;
        let applied = match now {
            Ok(applied) => applied.unwrap_or(0),
            Err(ActorGone) if actor.is_finished() => panic!("{GAVE_UP}"),
            Err(ActorGone) => panic!(
                "a get on a live actor returned Err(ActorGone) while its mailbox was full. {GONE}"
            ),
        };
        assert!(
            applied <= 2,
            "Store::start(2) promises a bounded mailbox of 2 messages: six callers each sent an \
             incr before the actor ran, so 2 fitted and the other 4 waited for room (and gave up \
             before they got it), but the actor applied {applied} of them. Make the mailbox \
             mpsc::channel(capacity) and send with send().await: that wait is the backpressure"
        );
        assert_eq!(
            applied, 2,
            "six callers each started an incr before the actor ran, and then gave up; two of \
             those requests fitted in the mailbox of 2, yet the actor applied {applied}. A call \
             sends its one request as soon as there is room, waiting for nothing else: incr is \
             one Incr message, applied by the actor (not a get, then a set)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dead_actor_gives_an_error_not_a_panic_or_a_hang() {
        let (store, actor) = Store::start(2);
        let ok = finishes("a set", store.set("k", 1)).await;
        assert_eq!(ok, Ok(None), "a set on a fresh store. {GONE}");
        actor.abort();
        let _ = actor.await;
        let call = tokio::spawn(async move { (store.get("k").await, store.incr("k", 1).await) });
        let outcome = finishes(
            "calls to an aborted actor (they must return Err(ActorGone), not wait forever for a \
             reply that cannot come)",
            call,
        )
        .await;
        match outcome {
            Ok(answers) => assert_eq!(
                answers,
                (Err(ActorGone), Err(ActorGone)),
                "after the actor is aborted, every call returns Err(ActorGone)"
            ),
            Err(e) => panic!(
                "a call to an aborted actor panicked ({e}); it must return Err(ActorGone): map \
                 the send error and the oneshot's RecvError to ActorGone instead of unwrapping"
            ),
        }
    }
}

mod e03_broadcast {
    use super::*;
    use lesson_08::e03_broadcast::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes, finishes_within};
    use std::cell::RefCell;
    use std::rc::Rc;
    use tokio::sync::broadcast;
    use tokio::time::{Instant, sleep};

    /// A subscriber under the harness, so one that spins on `Closed` is named as busy polling.
    async fn watched<F, Fut>(name: &str, rx: broadcast::Receiver<u64>, handle: F) -> Tally
    where
        F: FnMut(u64) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        Harness::new()
            .named(name)
            .max_polls(2_000)
            .run(subscriber(rx, handle))
            .await
            .output
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_subscriber_lags_and_recovers_while_the_others_keep_pace() {
        let t0 = Instant::now();
        let (tx, fast_rx) = broadcast::channel(4);
        let slow_rx = tx.subscribe();
        let arrivals = Rc::new(RefCell::new(Vec::new()));
        let log = arrivals.clone();
        let fast = watched("the fast subscriber", fast_rx, move |e| {
            log.borrow_mut().push((e, t0.elapsed()));
            async {}
        });
        let slow = watched("the slow subscriber", slow_rx, |_| sleep(ms(10)));
        let publisher = async {
            let reached = publish(tx, 0..40, ms(1)).await;
            (reached, t0.elapsed())
        };
        let ((reached, published_at), fast, slow) = finishes(
            "a publisher and two subscribers (a subscriber must return once the publisher is done \
             and has dropped its Sender: RecvError::Closed)",
            async { tokio::join!(publisher, fast, slow) },
        )
        .await;
        assert_eq!(
            reached, 40,
            "all 40 events had subscribers: publish returns 40"
        );
        assert_about(
            "publishing 40 events 1 ms apart (the publisher never waits for a subscriber)",
            published_at,
            ms(39),
        );
        assert_eq!(
            fast,
            Tally {
                seen: (0..40).collect(),
                missed: 0
            },
            "a subscriber that keeps up sees every event, in order, and misses none"
        );
        for &(event, at) in arrivals.borrow().iter() {
            assert_about(
                &format!(
                    "the fast subscriber handling event {event} (one slow subscriber must not \
                     slow the others down; events go out on a fixed 1 ms schedule)"
                ),
                at,
                ms(event),
            );
        }
        assert!(
            slow.missed > 0,
            "the slow subscriber (10 ms per event, ring of 4) cannot keep up with 1 event per ms: \
             it must report missed > 0 (add up every RecvError::Lagged(n)), got {slow:?}. (Await \
             handle(event) before the next recv: that is where a slow subscriber spends its time)"
        );
        assert_eq!(
            slow.seen.last(),
            Some(&39),
            "after a lag the subscriber carries on, so it still sees the last event (39): {slow:?}"
        );
        assert_eq!(
            slow.seen.len() as u64 + slow.missed,
            40,
            "seen + missed must add up to the 40 events sent: add n for each Lagged(n), not 1 \
             ({slow:?})"
        );
        assert!(
            slow.seen.windows(2).all(|w| w[0] < w[1]),
            "the slow subscriber's events must arrive in order, each once: {:?}",
            slow.seen
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_lag_counts_every_lost_event() {
        let (tx, rx) = broadcast::channel(2);
        for e in 0..10 {
            tx.send(e).expect("a subscriber exists");
        }
        drop(tx);
        let tally = finishes(
            "a subscriber of a closed channel (it must return on RecvError::Closed)",
            watched("subscriber", rx, |_| async {}),
        )
        .await;
        assert_eq!(
            tally,
            Tally {
                seen: vec![8, 9],
                missed: 8
            },
            "10 events into a ring of 2 before the subscriber reads: it gets Lagged(8) (not the \
             end: carry on), then the two still kept (8 and 9), then Closed. missed counts events (8), not lags (1); and \
             after a lag keep reading the same receiver (a resubscribe would skip what is kept)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_publisher_catches_up_with_its_schedule() {
        let t0 = Instant::now();
        let (tx, rx) = broadcast::channel(16);
        let publisher = async {
            let reached = publish(tx, 0..10, ms(10)).await;
            (reached, t0.elapsed())
        };
        // At 5 ms tokio's clock jumps to 25 ms in one step, as it does for a runtime that was
        // busy elsewhere: the publisher's wake-up for event 1 (due at 10 ms) comes 15 ms late.
        let busy = async {
            sleep(ms(5)).await;
            tokio::time::advance(ms(20)).await;
        };
        let ((reached, done_at), (), tally) = finishes("a publisher woken late once", async {
            tokio::join!(publisher, busy, watched("subscriber", rx, |_| async {}))
        })
        .await;
        assert_eq!(
            (reached, tally.seen.len()),
            (10, 10),
            "all 10 events reach the one subscriber, which keeps up"
        );
        assert_about(
            "the 10th event, 10 ms apart, after one wake-up 15 ms late: on a fixed schedule event \
             i is due at start + i·gap whatever happened before, so the publisher catches up and \
             sends the last at 90 ms. Sleep until the next due instant (sleep_until, or an \
             interval), not for gap after each send: that pushes every later event back",
            done_at,
            ms(90),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_subscriber_waits_without_polling() {
        let (tx, rx) = broadcast::channel(4);
        let publisher = publish(tx, 0..3, Duration::from_secs(10));
        let quiet = Harness::new()
            .named("a subscriber waiting 10 s between events")
            .max_polls(30)
            .run(subscriber(rx, |_| async {}));
        let (reached, run) =
            finishes_within("3 events 10 s apart", Duration::from_secs(60), async {
                tokio::join!(publisher, quiet)
            })
            .await;
        assert_eq!(
            (reached, run.output.seen),
            (3, vec![0, 1, 2]),
            "the subscriber sees the 3 events: await rx.recv(), which sleeps until one is sent"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_publisher_keeps_going_while_nobody_listens() {
        let (tx, rx) = broadcast::channel(8);
        drop(rx);
        let door = tx.clone();
        let publisher = publish(tx, 0..20, ms(5));
        let late = async move {
            // Event i goes out at 5·i ms: subscribing at 52 ms misses 0..=10.
            sleep(ms(52)).await;
            let rx = door.subscribe();
            drop(door);
            watched("a late subscriber", rx, |_| async {}).await
        };
        let (reached, tally) = finishes("a publisher that nobody listens to at first", async {
            tokio::join!(publisher, late)
        })
        .await;
        assert_eq!(
            tally.seen,
            (11..20).collect::<Vec<u64>>(),
            "a subscriber that joins at 52 ms sees events 11..20: the publisher must keep sending \
             while nobody is subscribed (send's Err just means no receiver right now)"
        );
        assert_eq!(
            reached, 9,
            "publish returns how many events reached a subscriber: 11..20 is 9 events"
        );
    }
}

mod e04_watch_config {
    use super::*;
    use lesson_08::e04_watch_config::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use tokio::sync::{mpsc, watch};
    use tokio::time::{Instant, sleep};

    /// Changes the config from another thread, the way an admin task elsewhere would, and fails
    /// with the rule if it cannot. A worker that keeps the `Ref` from `borrow()` across an
    /// `.await` holds the watch's read lock, so `send` cannot take its write lock: on the test's
    /// own thread that would block the thread for ever, here it becomes a message.
    fn change(tx: &watch::Sender<Config>, new: Config) {
        let tx = tx.clone();
        shared::testing::within(
            Duration::from_secs(2),
            "changing the config blocked: the worker holds the value it borrowed from the watch \
             (the Ref that borrow() or borrow_and_update() returns, a read lock) across an \
             .await, so the sender cannot write. Clone what you need and let the Ref go before \
             awaiting: `let cfg = config.borrow_and_update().clone();`",
            move || {
                tx.send_replace(new);
            },
        );
    }

    fn config(version: u64, job_time: u64) -> Config {
        Config {
            version,
            job_time: ms(job_time),
        }
    }

    /// The worker under the harness, so that spinning is reported as busy polling.
    async fn watched(jobs: mpsc::Receiver<u64>, cfg: watch::Receiver<Config>) -> Vec<Done> {
        Harness::new()
            .named("worker")
            .max_polls(500)
            .run(worker(jobs, cfg))
            .await
            .output
    }

    fn versions(done: &[Done]) -> Vec<(u64, u64)> {
        done.iter().map(|d| (d.job, d.version)).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_applies_to_the_next_job_even_with_a_backlog() {
        let t0 = Instant::now();
        let (cfg_tx, cfg_rx) = watch::channel(config(1, 10));
        let (job_tx, job_rx) = mpsc::channel(16);
        for job in 0..6 {
            job_tx.send(job).await.expect("the worker's queue is open");
        }
        drop(job_tx);
        let admin = async move {
            sleep(ms(25)).await;
            change(&cfg_tx, config(2, 20));
            cfg_tx
        };
        let (done, _cfg_tx) = finishes(
            "a worker with 6 queued jobs (it must return once the jobs channel is closed and empty)",
            async { tokio::join!(watched(job_rx, cfg_rx), admin) },
        )
        .await;
        assert_eq!(
            versions(&done),
            [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 2)],
            "jobs 0-2 run at 0, 10 and 20 ms under version 1; the change at 25 ms applies to the \
             next job taken (job 3, at 30 ms) even though jobs are queued: read the config each \
             time you take a job, not only when a select! notices changed()"
        );
        assert_about(
            "6 jobs: three of 10 ms, then three of 20 ms (each job takes its config's job_time)",
            t0.elapsed(),
            ms(90),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_made_while_waiting_for_a_job_applies_to_it() {
        let (cfg_tx, cfg_rx) = watch::channel(config(1, 5));
        let (job_tx, job_rx) = mpsc::channel(4);
        let world = async move {
            sleep(ms(5)).await;
            change(&cfg_tx, config(2, 5));
            sleep(ms(5)).await;
            job_tx.send(7).await.expect("the worker's queue is open");
            drop(job_tx);
            cfg_tx
        };
        let (done, _cfg_tx) = finishes("an idle worker, then one job", async {
            tokio::join!(watched(job_rx, cfg_rx), world)
        })
        .await;
        assert_eq!(
            versions(&done),
            [(7, 2)],
            "the config changed to version 2 at 5 ms, while the worker waited; the job arrived \
             at 10 ms and must run under version 2: read the config after the job arrives, not \
             before waiting for it"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_last_change_before_the_sender_drops_applies() {
        let (cfg_tx, cfg_rx) = watch::channel(config(1, 5));
        let (job_tx, job_rx) = mpsc::channel(4);
        job_tx.send(0).await.expect("the worker's queue is open");
        let world = async move {
            // While job 0 runs (0-5 ms), the admin makes one last change and leaves.
            sleep(ms(2)).await;
            change(&cfg_tx, config(2, 5));
            drop(cfg_tx);
            job_tx.send(1).await.expect("the worker's queue is open");
        };
        let (done, ()) = finishes(
            "a worker whose config changed, then lost its sender",
            async { tokio::join!(watched(job_rx, cfg_rx), world) },
        )
        .await;
        assert_eq!(
            versions(&done),
            [(0, 1), (1, 2)],
            "the config changed to version 2 and then its sender was dropped; job 1 was taken \
             after that and must run under version 2. A closed watch still holds its last value \
             (borrow() reads it), but has_changed() and changed() return Err once the sender is \
             gone, even when that value was never seen: do not take Err as \"nothing new\""
        );
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_working_after_the_config_sender_is_gone() {
        let t0 = Instant::now();
        let (cfg_tx, cfg_rx) = watch::channel(config(3, 2));
        drop(cfg_tx);
        let (job_tx, job_rx) = mpsc::channel(4);
        // A second between jobs: a worker that waits in recv().await is polled a few times
        // per job; one that checks the queue on a timer is polled hundreds of times.
        let jobs = async move {
            for job in 0..5 {
                sleep(Duration::from_secs(1)).await;
                job_tx.send(job).await.expect("the worker's queue is open");
            }
        };
        let (done, ()) = finishes("a worker whose config sender was dropped", async {
            tokio::join!(watched(job_rx, cfg_rx), jobs)
        })
        .await;
        assert_eq!(
            versions(&done),
            [(0, 3), (1, 3), (2, 3), (3, 3), (4, 3)],
            "without a config sender the worker goes on with the last config (version 3) and \
             handles every job; changed() failing is not a reason to stop"
        );
        assert_about(
            "5 jobs arriving a second apart, the last taking 2 ms",
            t0.elapsed(),
            ms(5_002),
        );
    }
}

mod e05_actor_cycle {
    use super::*;
    use lesson_08::e05_actor_cycle::*;
    use shared::Harness;
    use shared::testing::{finishes, finishes_within};
    use tokio::sync::mpsc;
    use tokio::time::timeout;

    /// Plays a rally: two players with mailboxes of `capacity`, and `balls` (id, hops) thrown
    /// into the left player's mailbox. Returns the ids finished by the left and by the right
    /// player, or fails with what went wrong: a deadlock, lost balls, or spinning.
    async fn rally(capacity: usize, balls: &[(u64, u32)]) -> (Vec<u64>, Vec<u64>) {
        let (l_tx, l_rx) = mpsc::channel(capacity);
        let (r_tx, r_rx) = mpsc::channel(capacity);
        let (fl_tx, mut fl_rx) = mpsc::unbounded_channel();
        let (fr_tx, mut fr_rx) = mpsc::unbounded_channel();
        let (l_probe, r_probe) = (l_tx.clone(), r_tx.clone());
        let players = Harness::new()
            .named("the two players")
            .max_polls(10_000)
            .run(async move {
                tokio::join!(player(l_rx, r_tx, fl_tx), player(r_rx, l_tx.clone(), fr_tx))
            });
        let total = balls.len();
        let game = async {
            for &(id, hops_left) in balls {
                l_probe
                    .send(Ball { id, hops_left })
                    .await
                    .expect("the left player's mailbox is open");
            }
            let (mut left, mut right) = (Vec::new(), Vec::new());
            while left.len() + right.len() < total {
                tokio::select! {
                    Some(b) = fl_rx.recv() => left.push(b.id),
                    Some(b) = fr_rx.recv() => right.push(b.id),
                }
            }
            (left, right)
        };
        let outcome = finishes("the rally", async {
            tokio::select! {
                _ = players => None,
                done = async {
                    let done = timeout(Duration::from_secs(1), game).await;
                    // Read while the players are still alive: once they are dropped, their
                    // mailboxes are emptied.
                    let stuck = l_probe.capacity() == 0 && r_probe.capacity() == 0;
                    (done, stuck)
                } => Some(done),
            }
        })
        .await;
        match outcome {
            None => panic!(
                "a player returned while its inbox was still open and its peer alive: a player \
                 runs until its inbox is closed or its peer is gone"
            ),
            Some((Ok(done), _)) => done,
            Some((Err(_), true)) => panic!(
                "deadlock: both mailboxes are full and nothing moves. Each player is waiting \
                 to send into the other's full mailbox, so neither receives again. A player \
                 must keep taking mail while its peer is full: keep the balls it cannot pass \
                 yet in a queue of its own (select! between inbox.recv() and peer.reserve())"
            ),
            Some((Err(_), false)) => panic!(
                "balls were lost or stranded: of {total} balls thrown in, some never came back \
                 finished, yet the players are idle with room in their mailboxes. Either a ball \
                 was dropped, or it sits in a player's own queue that is retried only when new \
                 mail arrives. A ball the peer cannot take yet must be kept and handed over as \
                 soon as the peer has room: wait for room (peer.reserve()) alongside \
                 inbox.recv(), and never drop the ball"
            ),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_rally_with_more_balls_than_room_finishes() {
        let balls: Vec<(u64, u32)> = (0..8).map(|id| (id, 20)).collect();
        let (left, right) = rally(1, &balls).await;
        assert_eq!(
            left.len() + right.len(),
            8,
            "all 8 balls must come back finished"
        );
        assert!(
            right.is_empty(),
            "a ball thrown to the left player with 20 hops is passed 20 times and so is finished \
             by the left player again; the right player finished {right:?}: pass each ball \
             exactly hops_left times (finish it at 0, otherwise pass it with one hop less)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn odd_hops_end_at_the_other_player() {
        let balls: Vec<(u64, u32)> = (0..6).map(|id| (id, 2 * id as u32 + 1)).collect();
        let (left, mut right) = rally(2, &balls).await;
        right.sort_unstable();
        assert_eq!(
            (left, right),
            (vec![], vec![0, 1, 2, 3, 4, 5]),
            "balls with an odd number of hops (1, 3, ..., 11), thrown to the left, are finished \
             by the right player: each ball is passed exactly hops_left times"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_that_returns_leaves_nothing_running() {
        let (in_tx, in_rx) = mpsc::channel(4);
        let (peer_tx, mut peer_rx) = mpsc::channel(1);
        let (fin_tx, _fin_rx) = mpsc::unbounded_channel();
        let one = Harness::new()
            .named("a player whose inbox closes")
            .max_polls(200)
            .run(player(in_rx, peer_tx, fin_tx));
        let feed = async move {
            for id in 0..3 {
                in_tx
                    .send(Ball { id, hops_left: 2 })
                    .await
                    .expect("the player's mailbox is open");
            }
            // Ball 0 fills the peer's mailbox; 1 and 2 wait with the player. Then the inbox
            // closes (its only sender is dropped here).
            tokio::time::sleep(ms(1)).await;
        };
        finishes(
            "a player whose inbox was closed while its peer was full (it must return)",
            async { tokio::join!(one, feed) },
        )
        .await;
        let first = peer_rx.try_recv().map(|b| b.id);
        let after = timeout(Duration::from_secs(1), peer_rx.recv()).await;
        assert_eq!(
            (first, after),
            (Ok(0), Ok(None)),
            "the player returned, so nothing of it may still be running: the peer's mailbox must \
             hold ball 0 and then be closed (every Sender gone). A later ball, or no end, means \
             something the player spawned is still holding a Sender and passing balls. Keep \
             every pass inside the player's own future (its own queue, no tokio::spawn)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_waits_for_a_full_peer_without_polling() {
        let (in_tx, in_rx) = mpsc::channel(4);
        let (peer_tx, mut peer_rx) = mpsc::channel(1);
        let (fin_tx, _fin_rx) = mpsc::unbounded_channel();
        let one = Harness::new()
            .named("a player whose peer stays full for a minute")
            .max_polls(40)
            .run(player(in_rx, peer_tx, fin_tx));
        let test = async {
            for id in 0..3 {
                in_tx
                    .send(Ball { id, hops_left: 1 })
                    .await
                    .expect("the player's mailbox is open");
            }
            // The peer's mailbox (1) holds ball 0; balls 1 and 2 wait with the player. A minute
            // of tokio's paused clock costs nothing, unless the player keeps waking up.
            tokio::time::sleep(Duration::from_secs(60)).await;
            let mut passed = Vec::new();
            for _ in 0..3 {
                let next = timeout(Duration::from_secs(1), peer_rx.recv()).await;
                passed.push(next.ok().flatten().map(|b| (b.id, b.hops_left)));
            }
            passed
        };
        let passed = finishes_within(
            "a player whose peer reads again after a minute",
            Duration::from_secs(120),
            async {
                tokio::select! {
                    _ = one => None,
                    passed = test => Some(passed),
                }
            },
        )
        .await;
        assert_eq!(
            passed,
            Some(vec![Some((0, 0)), Some((1, 0)), Some((2, 0))]),
            "once the peer reads again, the three balls must come through, in order, with one \
             hop less (None: a ball never came). The balls the player kept must be handed over \
             as soon as the peer has room, without new mail to prompt it: wait for room \
             (peer.reserve()) alongside inbox.recv(); and never return or drop a ball while the \
             peer is merely full"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_keeps_taking_mail_while_its_peer_is_full() {
        let (in_tx, in_rx) = mpsc::channel(1);
        let (peer_tx, mut peer_rx) = mpsc::channel(1);
        let (fin_tx, _fin_rx) = mpsc::unbounded_channel();
        let one = Harness::new()
            .named("a player whose peer never reads")
            .max_polls(1_000)
            .run(player(in_rx, peer_tx, fin_tx));
        let feed = async {
            for id in 0..30 {
                in_tx
                    .send(Ball { id, hops_left: 3 })
                    .await
                    .expect("the player's mailbox is open");
            }
        };
        let fed = finishes("feeding a player whose peer never reads", async {
            tokio::select! {
                _ = one => None,
                fed = timeout(Duration::from_secs(1), feed) => Some(fed.is_ok()),
            }
        })
        .await;
        assert_eq!(
            fed,
            Some(true),
            "the player's peer never reads, yet the player must keep taking mail from its inbox \
             (30 balls through a mailbox of 1): a player that waits on a full peer stops \
             receiving, and two such players deadlock. Queue the balls it cannot pass yet"
        );
        let first = peer_rx.try_recv();
        assert_eq!(
            first,
            Ok(Ball {
                id: 0,
                hops_left: 2
            }),
            "the peer's mailbox must hold the first ball passed, with one hop less"
        );
    }
}
