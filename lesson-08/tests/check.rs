//! Visible tests for lesson 08, one module per exercise (`cargo xtask check lesson-08`).
//!
//! Everything runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time stands
//! still while any task can run and jumps to the next timer when all are idle. A slow sink that
//! reads every 10 ms costs microseconds of real time, and a deadlock (every task waiting on
//! another) makes tokio jump straight to the test's time limit, so it fails at once with a
//! sentence instead of hanging.

use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

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
    ) -> (usize, Vec<u64>, Rc<Counts>) {
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
            got
        };
        let (run, got) = finishes(
            "the pipeline and its sink (if nothing moves, a stage is waiting for something that \
             never comes: did the pipeline close `out` when the source ran dry?)",
            async { tokio::join!(run, sink) },
        )
        .await;
        (run.output, got, counts)
    }

    #[tokio::test(start_paused = true)]
    async fn delivers_every_result_in_order_then_closes() {
        let (delivered, got, _) = scenario(40, 4, 2, 1, usize::MAX).await;
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
        let (_, got, counts) = scenario(60, capacity, out_capacity, 10, usize::MAX).await;
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
        let (delivered, got, counts) = scenario(1000, capacity, out_capacity, 1, 5).await;
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
        assert!(
            (5..=5 + out_capacity).contains(&delivered),
            "pipeline returns how many results `out` accepted: the sink read 5 and at most \
             {out_capacity} more fit in its channel, but it returned {delivered}"
        );
    }
}
