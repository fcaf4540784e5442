//! Hidden tests for lesson 08 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: other capacities, a sink that
//! stops reading entirely, a future dropped halfway, actors aborted with requests in flight,
//! subscribers of other speeds, config changes at the very instant a job arrives.

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
        let (src, pulled, _) = source(100_000);
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
        };
        let (run, ()) = finishes(
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
        assert!(
            (20..=22).contains(&run.output),
            "pipeline returns how many results out accepted: 20 read, up to 2 buffered, not {}",
            run.output
        );
    }
}
