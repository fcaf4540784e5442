//! Hidden tests for lesson 08 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: other capacities, a sink that
//! stops reading entirely, a future dropped halfway, actors aborted with requests in flight,
//! subscribers of other speeds, config changes at the very instant a job arrives.

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

    /// A source of `0..end` that counts pulls and notices when it is dropped.
    struct Source {
        next: u64,
        end: u64,
        pulled: Rc<Cell<usize>>,
        dropped: Rc<Cell<bool>>,
    }

    impl Iterator for Source {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            if self.next == self.end {
                return None;
            }
            self.pulled.set(self.pulled.get() + 1);
            self.next += 1;
            Some(self.next - 1)
        }
    }

    impl Drop for Source {
        fn drop(&mut self) {
            self.dropped.set(true);
        }
    }

    fn source(end: u64) -> (Source, Rc<Cell<usize>>, Rc<Cell<bool>>) {
        let (pulled, dropped) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(false)));
        let s = Source {
            next: 0,
            end,
            pulled: pulled.clone(),
            dropped: dropped.clone(),
        };
        (s, pulled, dropped)
    }

    #[tokio::test(start_paused = true)]
    async fn a_sink_that_never_reads_stops_the_producer_at_the_capacity() {
        for (capacity, out_capacity) in [(1, 1), (5, 3), (16, 1)] {
            let (src, pulled, dropped) = source(10_000);
            let (out, out_rx) = mpsc::channel(out_capacity);
            let run = Harness::new()
                .named("pipeline")
                .max_polls(500)
                .run(pipeline(src, capacity, |x| x, out));
            let observed = finishes("the pipeline beside a sink that does not read", async {
                tokio::select! {
                    _ = run => None,
                    () = sleep(ms(100)) => Some(pulled.get()),
                }
            })
            .await;
            let Some(seen) = observed else {
                panic!(
                    "the pipeline returned although the sink neither read nor hung up: it must \
                     wait on the full channel (capacity {capacity}, out {out_capacity})"
                );
            };
            let (least, most) = (capacity + out_capacity, capacity + out_capacity + 2);
            assert!(
                (least..=most).contains(&seen),
                "with a sink that reads nothing, channels of {capacity} (between the stages) and \
                 {out_capacity} (before the sink) hold {least} items, plus at most one in each \
                 stage's hands: the producer should have pulled {least}..={most} items and \
                 stopped, but it pulled {seen}. Bounded mpsc::channel(capacity) and send().await \
                 in both stages"
            );
            assert!(
                dropped.get(),
                "dropping the pipeline's future must drop both stages and the source with them: \
                 run the stages inside the future (tokio::join!), not in spawned tasks"
            );
            drop(out_rx);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_source_closes_the_output_at_once() {
        let (src, _, _) = source(0);
        let (out, mut out_rx) = mpsc::channel(1);
        let delivered = finishes(
            "a pipeline over an empty source",
            Harness::new()
                .named("pipeline")
                .run(pipeline(src, 2, |x| x, out)),
        )
        .await
        .output;
        assert_eq!(delivered, 0, "nothing to deliver: pipeline returns 0");
        assert!(
            out_rx.recv().await.is_none(),
            "after the pipeline returns, `out` must be closed (dropped) so the sink's recv gives None"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_sink_is_never_left_waiting_for_buffered_work() {
        // Capacity 1 each: a lockstep pipeline. The sink reads as fast as it can; every result
        // must arrive, each exactly once, transformed.
        let (src, pulled, _) = source(300);
        let (out, mut out_rx) = mpsc::channel(1);
        let run = Harness::new()
            .named("pipeline")
            .max_polls(20 * 300 + 200)
            .run(pipeline(src, 1, |x| x * 3, out));
        let sink = async {
            let mut got = Vec::new();
            while let Some(v) = out_rx.recv().await {
                got.push(v);
            }
            got
        };
        let (run, got) = finishes("a pipeline of capacity 1", async {
            tokio::join!(run, sink)
        })
        .await;
        assert_eq!(
            got,
            (0..300).map(|x| x * 3).collect::<Vec<u64>>(),
            "every item, transformed by work, in order, each once"
        );
        assert_eq!(run.output, 300, "all 300 results were accepted by out");
        assert_eq!(
            pulled.get(),
            300,
            "every item of the source is pulled exactly once"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_sink_hanging_up_mid_stream_ends_the_pipeline_without_draining() {
        let (src, pulled, _) = source(5_000);
        let (out, mut out_rx) = mpsc::channel(2);
        let run = Harness::new()
            .named("pipeline")
            .max_polls(2_000)
            .run(pipeline(src, 8, |x| x, out));
        let sink = async move {
            for _ in 0..20 {
                sleep(ms(3)).await;
                let _ = out_rx.recv().await;
            }
            // Accepted by `out` but never read: these count too.
            out_rx.len()
        };
        let (run, unread) = finishes(
            "a pipeline whose sink hangs up after 20 results (it must notice the closed output \
             and return)",
            async { tokio::join!(run, sink) },
        )
        .await;
        assert!(
            pulled.get() <= 20 + 8 + 2 + 2,
            "the sink hung up after 20 results, yet the pipeline pulled {} items: stop the worker \
             when out.send fails and the producer when tx.send fails",
            pulled.get()
        );
        assert_eq!(
            run.output,
            20 + unread,
            "pipeline returns how many results out accepted: 20 read and {unread} left unread in \
             its channel; count a result once out.send returned Ok, never the one that failed"
        );
    }
}

mod e02_kv_actor {
    use super::*;
    use lesson_08::e02_kv_actor::*;
    use shared::testing::finishes;
    use std::future::Future;
    use std::task::Poll;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn a_request_queued_when_the_actor_dies_gets_an_error() {
        // The request is put in the mailbox (one poll of the call), then the actor is aborted
        // before it ever ran: its future, its mailbox and the queued request with its reply
        // sender are dropped unanswered.
        let (store, actor) = Store::start(4);
        let mut call = Box::pin(async move { store.set("x", 1).await });
        let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
        actor.abort();
        let answer = match first {
            Poll::Ready(answer) => answer,
            Poll::Pending => {
                let rest = tokio::spawn(call);
                match finishes(
                    "a request queued in the mailbox of an actor that was then aborted (the \
                     caller must get Err(ActorGone) once its reply sender is dropped \
                     unanswered, not wait forever)",
                    rest,
                )
                .await
                {
                    Ok(answer) => answer,
                    Err(e) => panic!(
                        "a request queued when the actor died panicked ({e}); map the oneshot's \
                         RecvError to Err(ActorGone) instead of unwrapping"
                    ),
                }
            }
        };
        assert_eq!(
            answer,
            Err(ActorGone),
            "a request that was queued when the actor died returns Err(ActorGone)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_mailbox_holds_as_many_requests_as_its_capacity() {
        for capacity in [1, 3, 5] {
            let (store, actor) = Store::start(capacity);
            {
                // Eight callers start an incr before the actor runs, then all give up.
                let mut calls: Vec<_> = (0..8).map(|_| Box::pin(store.incr("n", 1))).collect();
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
            drop(store);
            let map = finishes("the actor after eight callers gave up", actor)
                .await
                .expect("the actor task panicked");
            assert_eq!(
                map.get("n").copied().unwrap_or(0),
                capacity as i64,
                "Store::start({capacity}): of eight incr requests started before the actor ran, \
                 exactly {capacity} fit in the mailbox and must be applied (even though their \
                 callers gave up); the rest waited for room. A bounded mpsc::channel(capacity), \
                 one message per request, every queued request applied before the actor stops"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn requests_queued_before_the_last_handle_drops_are_all_answered() {
        let (store, actor) = Store::start(3);
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let s = store.clone();
                tokio::spawn(async move {
                    sleep(ms(i)).await;
                    s.incr("n", i as i64).await
                })
            })
            .collect();
        // Our own handle goes first; the tasks' clones keep the actor alive until they are done.
        drop(store);
        let map = finishes(
            "the actor after every handle (held by 12 tasks) is dropped",
            async {
                for t in tasks {
                    let answer = t.await.expect("an incr task panicked");
                    assert!(
                        answer.is_ok(),
                        "an incr from a live handle failed ({answer:?}): the actor must run as \
                         long as any clone of the handle exists"
                    );
                }
                actor.await.expect("the actor task panicked")
            },
        )
        .await;
        assert_eq!(
            map.get("n"),
            Some(&(0..12).sum::<i64>()),
            "the final map holds the sum of every increment (0 + 1 + ... + 11 = 66)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_larger_than_the_mailbox_waits_instead_of_failing() {
        let (store, actor) = Store::start(1);
        let mut tasks = Vec::new();
        for i in 0..30 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                let key = format!("k{}", i % 3);
                (s.set(&key, i).await, s.incr(&key, 1).await)
            }));
        }
        drop(store);
        let results = finishes("30 callers sharing a mailbox of 1", async {
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.expect("a caller panicked"));
            }
            out
        })
        .await;
        assert!(
            results.iter().all(|(a, b)| a.is_ok() && b.is_ok()),
            "callers beyond the mailbox's capacity must wait their turn (send().await), not get \
             Err(ActorGone): {results:?}"
        );
        let map = finishes("the actor's JoinHandle", actor)
            .await
            .expect("the actor task panicked");
        assert_eq!(map.len(), 3, "three keys were used: k0, k1, k2");
    }

    #[tokio::test(start_paused = true)]
    async fn many_handles_incrementing_many_keys_lose_nothing() {
        let (store, actor) = Store::start(2);
        let mut tasks = Vec::new();
        for t in 0..20 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                for round in 0..10 {
                    let key = format!("key{}", (t + round) % 4);
                    s.incr(&key, 1)
                        .await
                        .expect("incr on a live actor must succeed");
                    tokio::task::yield_now().await;
                }
            }));
        }
        drop(store);
        let map = finishes(
            "200 interleaved increments, then the actor's final map",
            async {
                for t in tasks {
                    t.await.expect("an incrementing task panicked");
                }
                actor.await.expect("the actor task panicked")
            },
        )
        .await;
        let total: i64 = map.values().sum();
        assert_eq!(
            total, 200,
            "200 increments of 1 were made; the final map adds up to {total}: increments were \
             lost (incr must be one message the actor applies, not a get then a set)"
        );
    }

    #[test]
    fn real_threads_hammering_the_store_lose_nothing() {
        let map = shared::testing::within(
            Duration::from_secs(3),
            "8 tasks x 250 incr on a 2-thread runtime did not finish: some request is waiting for \
             a reply that never comes, or the actor never stops after the last handle is dropped",
            || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a 2-thread runtime");
                rt.block_on(async {
                    let (store, actor) = Store::start(4);
                    let tasks: Vec<_> = (0..8)
                        .map(|_| {
                            let s = store.clone();
                            tokio::spawn(async move {
                                let mut failures = 0;
                                for _ in 0..250 {
                                    if s.incr("n", 1).await.is_err() {
                                        failures += 1;
                                    }
                                }
                                failures
                            })
                        })
                        .collect();
                    drop(store);
                    let mut failures = 0;
                    for t in tasks {
                        failures += t.await.expect("an incrementing task panicked");
                    }
                    (failures, actor.await.expect("the actor task panicked"))
                })
            },
        );
        let (failures, map) = map;
        assert_eq!(
            failures, 0,
            "on a multi-threaded runtime every incr to a live actor must succeed (a full mailbox \
             means wait, not ActorGone)"
        );
        assert_eq!(
            map.get("n"),
            Some(&2000),
            "2000 increments from 8 tasks on 2 threads must all count: one Incr message each, \
             applied by the actor alone"
        );
    }
}

mod e03_broadcast {
    use super::*;
    use lesson_08::e03_broadcast::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use tokio::sync::broadcast;
    use tokio::time::{Instant, sleep};

    /// Checks what a subscriber reports against what it really received.
    fn consistent(who: &str, tally: &Tally, sent: u64) {
        assert_eq!(
            tally.seen.last(),
            Some(&(sent - 1)),
            "{who}: a lagging subscriber carries on and still sees the last event"
        );
        assert!(
            tally.seen.windows(2).all(|w| w[0] < w[1]),
            "{who}: events must be handled in order, each once: {:?}",
            tally.seen
        );
        let skipped: u64 = tally.seen.windows(2).map(|w| w[1] - w[0] - 1).sum::<u64>()
            + tally.seen.first().copied().unwrap_or(sent);
        assert_eq!(
            tally.missed, skipped,
            "{who}: missed must be the number of events it never saw (the sum of every \
             Lagged(n)); its seen list skips {skipped} but it reported {}",
            tally.missed
        );
    }

    #[tokio::test(start_paused = true)]
    async fn subscribers_of_every_speed_account_for_every_event() {
        let t0 = Instant::now();
        let (tx, rx0) = broadcast::channel(8);
        let (rx3, rx7) = (tx.subscribe(), tx.subscribe());
        let run = |name: &str, rx, per: u64| {
            Harness::new()
                .named(name)
                .max_polls(3_000)
                .run(subscriber(rx, move |_| sleep(ms(per))))
        };
        let publisher = async {
            let n = publish(tx, 0..100, ms(1)).await;
            (n, t0.elapsed())
        };
        let ((n, done_at), a, b, c) = finishes("a publisher and three subscribers", async {
            tokio::join!(
                publisher,
                run("instant subscriber", rx0, 0),
                run("3 ms subscriber", rx3, 3),
                run("7 ms subscriber", rx7, 7)
            )
        })
        .await;
        assert_eq!(n, 100, "every event had subscribers");
        assert_about(
            "the publisher's 100 events, 1 ms apart (slow subscribers must not slow it)",
            done_at,
            ms(99),
        );
        assert_eq!(
            a.output.missed, 0,
            "a subscriber that takes no time misses nothing"
        );
        assert_eq!(
            a.output.seen.len(),
            100,
            "a subscriber that takes no time sees all 100"
        );
        consistent("the 3 ms subscriber", &b.output, 100);
        consistent("the 7 ms subscriber", &c.output, 100);
        assert!(
            c.output.missed > b.output.missed && b.output.missed > 0,
            "the slower subscriber must miss more: 3 ms missed {}, 7 ms missed {}",
            b.output.missed,
            c.output.missed
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_publisher_woken_late_twice_still_ends_on_schedule() {
        let t0 = Instant::now();
        let (tx, rx) = broadcast::channel(32);
        let publisher = async {
            publish(tx, 0..20, ms(5)).await;
            t0.elapsed()
        };
        let busy = async {
            sleep(ms(7)).await;
            tokio::time::advance(ms(13)).await;
            sleep(ms(30)).await;
            tokio::time::advance(ms(9)).await;
        };
        let reader = Harness::new()
            .max_polls(500)
            .run(subscriber(rx, |_| async {}));
        let (done_at, (), tally) = finishes("a publisher woken late twice", async {
            tokio::join!(publisher, busy, reader)
        })
        .await;
        assert_eq!(
            tally.output.seen,
            (0..20).collect::<Vec<u64>>(),
            "a subscriber that keeps up sees all 20 events, in order"
        );
        assert_about(
            "the last of 20 events 5 ms apart, after two late wake-ups (the schedule is fixed: \
             event i is due at start + i·gap, so a late publisher catches up)",
            done_at,
            ms(95),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn what_is_left_in_the_ring_is_read_before_closed() {
        let (tx, rx) = broadcast::channel(4);
        for e in [5, 6, 7] {
            tx.send(e).expect("a subscriber exists");
        }
        drop(tx);
        let tally = finishes(
            "a subscriber of a closed channel with 3 events left",
            Harness::new()
                .max_polls(200)
                .run(subscriber(rx, |_| async {})),
        )
        .await
        .output;
        assert_eq!(
            tally,
            Tally {
                seen: vec![5, 6, 7],
                missed: 0
            },
            "Closed comes only after every event still in the ring: all three are handled"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn publishing_to_nobody_keeps_its_schedule() {
        let t0 = Instant::now();
        let (tx, rx) = broadcast::channel::<u64>(2);
        drop(rx);
        let n = finishes("publishing with no subscribers", publish(tx, 0..30, ms(2))).await;
        assert_eq!(
            n, 0,
            "with no subscriber, no event reaches anyone: publish returns 0"
        );
        assert_about(
            "30 events 2 ms apart with nobody listening (keep going; do not stop at the first \
             send error)",
            t0.elapsed(),
            ms(58),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn lagging_twice_is_survived_twice() {
        let (tx, rx) = broadcast::channel(3);
        let bursts = async move {
            for burst in 0..2u64 {
                for e in 0..10 {
                    let _ = tx.send(burst * 100 + e);
                }
                sleep(ms(50)).await;
            }
        };
        let reader = Harness::new()
            .max_polls(500)
            .run(subscriber(rx, |_| sleep(ms(1))));
        let ((), tally) = finishes("two bursts of 10 into a ring of 3", async {
            tokio::join!(bursts, reader)
        })
        .await;
        let tally = tally.output;
        assert_eq!(
            tally.seen.len() as u64 + tally.missed,
            20,
            "seen + missed must be the 20 events sent: {tally:?}"
        );
        assert_eq!(
            tally.seen.last(),
            Some(&109),
            "after the second lag the subscriber still carries on to the last event: {tally:?}"
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

    fn watched(
        jobs: mpsc::Receiver<u64>,
        cfg: watch::Receiver<Config>,
    ) -> impl std::future::Future<Output = shared::Run<Vec<Done>>> {
        Harness::new()
            .named("worker")
            .max_polls(1_000)
            .run(worker(jobs, cfg))
    }

    #[tokio::test(start_paused = true)]
    async fn two_workers_follow_several_changes() {
        // Jobs of 10 ms; versions change at 15, 35 and 36 ms (3 is skipped by everyone: 4 lands
        // a millisecond later, before any job starts).
        let t0 = Instant::now();
        let (cfg_tx, cfg_rx) = watch::channel(config(1, 10));
        let (a_tx, a_rx) = mpsc::channel(32);
        let (b_tx, b_rx) = mpsc::channel(32);
        for job in 0..6 {
            a_tx.send(job).await.expect("queue open");
            b_tx.send(100 + job).await.expect("queue open");
        }
        drop((a_tx, b_tx));
        let admin = async move {
            sleep(ms(15)).await;
            change(&cfg_tx, config(2, 10));
            sleep(ms(20)).await;
            change(&cfg_tx, config(3, 10));
            sleep(ms(1)).await;
            change(&cfg_tx, config(4, 10));
            cfg_tx
        };
        let (a, b, _tx) = finishes("two workers sharing one config", async {
            tokio::join!(watched(a_rx, cfg_rx.clone()), watched(b_rx, cfg_rx), admin)
        })
        .await;
        let want = [1, 1, 2, 2, 4, 4];
        for (who, run) in [("worker A", a), ("worker B", b)] {
            let got: Vec<u64> = run.output.iter().map(|d| d.version).collect();
            assert_eq!(
                got, want,
                "{who}: jobs start at 0, 10, 20, 30, 40, 50 ms; the config is 1 until 15 ms, 2 \
                 until 35, then 3 for a millisecond and 4: each job must use the newest config \
                 at the moment it is taken"
            );
        }
        assert_about("6 jobs of 10 ms on each worker", t0.elapsed(), ms(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_at_the_instant_a_job_arrives_applies_to_it() {
        // The change and the job land at the same virtual instant, change first. Repeated, so
        // an answer that picks between them at random is caught.
        for round in 0..16u64 {
            let (cfg_tx, cfg_rx) = watch::channel(config(round * 10, 1));
            let (job_tx, job_rx) = mpsc::channel(2);
            let world = async move {
                sleep(ms(3)).await;
                change(&cfg_tx, config(round * 10 + 1, 1));
                job_tx.send(round).await.expect("queue open");
                drop(job_tx);
                cfg_tx
            };
            let (run, _tx) = finishes("a worker, a change and a job at the same instant", async {
                tokio::join!(watched(job_rx, cfg_rx), world)
            })
            .await;
            assert_eq!(
                run.output,
                [Done {
                    job: round,
                    version: round * 10 + 1
                }],
                "round {round}: the config changed just before the job was queued, so the job \
                 must run under the new version"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_made_just_before_the_sender_left_an_idle_worker_applies() {
        let (cfg_tx, cfg_rx) = watch::channel(config(1, 1));
        let (job_tx, job_rx) = mpsc::channel(2);
        let world = async move {
            sleep(ms(5)).await;
            change(&cfg_tx, config(7, 1));
            drop(cfg_tx);
            sleep(ms(5)).await;
            job_tx.send(1).await.expect("queue open");
            job_tx.send(2).await.expect("queue open");
        };
        let (run, ()) = finishes(
            "a worker idle while the config changed and its sender left",
            async { tokio::join!(watched(job_rx, cfg_rx), world) },
        )
        .await;
        assert_eq!(
            run.output,
            [Done { job: 1, version: 7 }, Done { job: 2, version: 7 }],
            "the config became version 7 and then its sender was dropped, before any job came: \
             both jobs run under version 7 (a closed watch keeps its last value; has_changed() \
             and changed() say Err, not \"nothing new\")"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_worker_without_a_config_sender_sleeps() {
        let (cfg_tx, cfg_rx) = watch::channel(config(9, 1));
        let (job_tx, job_rx) = mpsc::channel(1);
        let world = async move {
            sleep(ms(5)).await;
            drop(cfg_tx);
            sleep(ms(200)).await;
            job_tx.send(1).await.expect("queue open");
        };
        let (run, ()) = finishes(
            "a worker idle for 200 ms after its config sender dropped",
            async {
                tokio::join!(
                    Harness::new()
                        .named("worker")
                        .max_polls(50)
                        .run(worker(job_rx, cfg_rx)),
                    world
                )
            },
        )
        .await;
        assert_eq!(
            run.output,
            [Done { job: 1, version: 9 }],
            "after the config sender is gone the worker waits for jobs and handles them under the \
             last config"
        );
    }

    #[test]
    fn an_idle_worker_uses_no_cpu_on_a_real_clock() {
        // Real time, not paused: a worker whose config sender is gone waits 60 ms for its only
        // job. Waiting must cost (almost) no CPU on the thread that runs it.
        let (cpu, done) = shared::testing::within(
            Duration::from_secs(3),
            "a worker waiting 60 ms of real time for one job did not finish",
            || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                let (cfg_tx, cfg_rx) = watch::channel(config(5, 0));
                drop(cfg_tx);
                let (job_tx, job_rx) = mpsc::channel(1);
                let before = shared::cpu::Usage::this_thread();
                let done = rt.block_on(async move {
                    let feeder = async move {
                        sleep(ms(60)).await;
                        job_tx.send(1).await.expect("queue open");
                    };
                    tokio::join!(worker(job_rx, cfg_rx), feeder).0
                });
                (shared::cpu::Usage::this_thread().since(&before).cpu, done)
            },
        );
        assert_eq!(
            done,
            [Done { job: 1, version: 5 }],
            "the job is handled under the last config"
        );
        assert!(
            cpu < ms(10),
            "waiting 60 ms for a job cost {cpu:?} of CPU: an idle worker must sleep in await, not \
             spin (after the config sender is dropped, changed() returns Err at once forever)"
        );
    }
}

mod e05_actor_cycle {
    use super::*;
    use lesson_08::e05_actor_cycle::*;
    use shared::Harness;
    use shared::testing::finishes;
    use tokio::sync::mpsc;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn balls_thrown_from_both_sides_all_end_where_their_hops_say() {
        let (l_tx, l_rx) = mpsc::channel(2);
        let (r_tx, r_rx) = mpsc::channel(2);
        let (fl_tx, mut fl_rx) = mpsc::unbounded_channel();
        let (fr_tx, mut fr_rx) = mpsc::unbounded_channel();
        let (l_in, r_in) = (l_tx.clone(), r_tx.clone());
        let players = Harness::new()
            .named("the two players")
            .max_polls(20_000)
            .run(async move { tokio::join!(player(l_rx, r_tx, fl_tx), player(r_rx, l_tx, fr_tx)) });
        let balls: Vec<(u64, u32)> = (0..40).map(|id| (id, (id * 7 % 13) as u32)).collect();
        let game = async {
            for &(id, hops_left) in &balls {
                // Even ids go to the left player, odd ids to the right.
                let to = if id % 2 == 0 { &l_in } else { &r_in };
                to.send(Ball { id, hops_left }).await.expect("mailbox open");
            }
            let (mut left, mut right) = (Vec::new(), Vec::new());
            while left.len() + right.len() < balls.len() {
                tokio::select! {
                    Some(b) = fl_rx.recv() => left.push(b.id),
                    Some(b) = fr_rx.recv() => right.push(b.id),
                }
            }
            (left, right)
        };
        let outcome = finishes("a rally of 40 balls through mailboxes of 2", async {
            tokio::select! {
                _ = players => None,
                done = timeout(Duration::from_secs(1), game) => Some(done),
            }
        })
        .await;
        let Some(Ok((mut left, mut right))) = outcome else {
            panic!(
                "40 balls thrown from both sides into mailboxes of 2 did not all come back \
                 finished: a deadlock (players waiting on each other's full mailboxes), a lost \
                 ball, or a player that returned too early"
            );
        };
        left.sort_unstable();
        right.sort_unstable();
        let ends_left = |&(id, hops): &(u64, u32)| (id % 2 == 0) == (hops % 2 == 0);
        let want_left: Vec<u64> = balls.iter().filter(|b| ends_left(b)).map(|b| b.0).collect();
        let want_right: Vec<u64> = balls
            .iter()
            .filter(|b| !ends_left(b))
            .map(|b| b.0)
            .collect();
        assert_eq!(
            (left, right),
            (want_left, want_right),
            "each ball is passed exactly hops_left times, so it ends at the player it was thrown \
             to when hops_left is even, and at the other when odd"
        );
    }

    /// A lone player with a peer the test controls.
    struct Lone {
        inbox: mpsc::Sender<Ball>,
        peer: mpsc::Receiver<Ball>,
        finished: mpsc::UnboundedReceiver<Ball>,
    }

    fn lone(capacity: usize) -> (Lone, impl std::future::Future<Output = ()>) {
        let (in_tx, in_rx) = mpsc::channel(capacity);
        let (peer_tx, peer_rx) = mpsc::channel(capacity);
        let (fin_tx, fin_rx) = mpsc::unbounded_channel();
        let run = Harness::new()
            .named("a player")
            .max_polls(1_000)
            .run(player(in_rx, peer_tx, fin_tx));
        let lone = Lone {
            inbox: in_tx,
            peer: peer_rx,
            finished: fin_rx,
        };
        (lone, async move {
            run.await;
        })
    }

    #[tokio::test(start_paused = true)]
    async fn balls_wait_their_turn_in_order_and_zero_hops_finish_at_once() {
        let (mut lone, run) = lone(1);
        let test = async {
            lone.inbox
                .send(Ball {
                    id: 99,
                    hops_left: 0,
                })
                .await
                .expect("open");
            for id in 0..10 {
                lone.inbox
                    .send(Ball { id, hops_left: 4 })
                    .await
                    .expect("open");
            }
            // Let the player take the last one.
            tokio::time::sleep(ms(1)).await;
            let mut passed = Vec::new();
            while passed.len() < 10 {
                match timeout(Duration::from_secs(1), lone.peer.recv()).await {
                    Ok(Some(b)) => passed.push((b.id, b.hops_left)),
                    _ => break,
                }
            }
            (passed, lone.finished.try_recv())
        };
        let out = finishes("a player with a slow peer", async {
            tokio::select! {
                () = run => None,
                got = test => Some(got),
            }
        })
        .await;
        let Some((passed, finished)) = out else {
            panic!("the player returned while its inbox was open and its peer alive");
        };
        assert_eq!(
            finished,
            Ok(Ball {
                id: 99,
                hops_left: 0
            }),
            "a ball that arrives with hops_left 0 is finished (sent to `finished`), not passed"
        );
        assert_eq!(
            passed,
            (0..10).map(|id| (id, 3)).collect::<Vec<_>>(),
            "balls the peer could not take at once are handed over later, in the order they \
             arrived, each with one hop less"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_returns_when_its_inbox_closes_or_its_peer_is_gone() {
        let (lone_a, run_a) = lone(2);
        drop(lone_a.inbox);
        finishes(
            "a player whose inbox was closed (every sender dropped): it must return",
            run_a,
        )
        .await;
        let (lone_b, run_b) = lone(2);
        drop(lone_b.peer);
        let Lone { inbox, .. } = lone_b;
        let feed = async move {
            let _ = inbox
                .send(Ball {
                    id: 1,
                    hops_left: 3,
                })
                .await;
            inbox
        };
        let (_inbox, ()) = finishes(
            "a player whose peer is gone (its receiver dropped): passing a ball fails, and the \
             player must return",
            async { tokio::join!(feed, run_b) },
        )
        .await;
    }

    #[test]
    fn two_players_on_two_threads_finish_every_ball() {
        use std::thread;
        let (left, right) = shared::testing::within(
            Duration::from_secs(3),
            "two players on two threads, 16 balls of 50 hops through mailboxes of 1, did not \
             finish: a deadlock (each waiting to send into the other's full mailbox) or a lost \
             ball",
            || {
                let (l_tx, l_rx) = mpsc::channel(1);
                let (r_tx, r_rx) = mpsc::channel(1);
                let (fl_tx, mut fl_rx) = mpsc::unbounded_channel();
                let (fr_tx, mut fr_rx) = mpsc::unbounded_channel();
                let inject = l_tx.clone();
                let mut stops = Vec::new();
                let mut threads = Vec::new();
                for (inbox, peer, fin) in [(l_rx, r_tx, fl_tx), (r_rx, l_tx, fr_tx)] {
                    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                    stops.push(stop);
                    threads.push(thread::spawn(move || {
                        let rt = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .expect("building a runtime");
                        rt.block_on(async move {
                            tokio::select! {
                                () = player(inbox, peer, fin) => {}
                                _ = stopped => {}
                            }
                        });
                    }));
                }
                for id in 0..16 {
                    inject
                        .blocking_send(Ball { id, hops_left: 50 })
                        .expect("the left player's mailbox is open");
                }
                let (mut left, mut right) = (0, 0);
                while left + right < 16 {
                    while fl_rx.try_recv().is_ok() {
                        left += 1;
                    }
                    while fr_rx.try_recv().is_ok() {
                        right += 1;
                    }
                    thread::sleep(Duration::from_millis(1));
                }
                drop(stops);
                for t in threads {
                    t.join().expect("a player thread panicked");
                }
                (left, right)
            },
        );
        assert_eq!(
            (left, right),
            (16, 0),
            "16 balls of 50 hops thrown to the left player are all finished by the left player \
             (an even number of passes)"
        );
    }
}
