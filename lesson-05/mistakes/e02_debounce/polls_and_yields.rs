// Breaks 'no busy waiting': it looks at the channel and the clock and yield_now()s in between, so it is never idle and (under paused time) the clock never moves.
//! Debounce by looking: check the channel and the clock, yield, repeat.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

/// Debounce.
pub async fn debounce<T>(mut input: mpsc::Receiver<T>, quiet: Duration, output: mpsc::Sender<T>) {
    let mut waiting: Option<(T, Instant)> = None;
    loop {
        match input.try_recv() {
            Ok(v) => waiting = Some((v, Instant::now())),
            Err(mpsc::error::TryRecvError::Disconnected) => {
                if let Some((v, _)) = waiting.take() {
                    let _ = output.send(v).await;
                }
                return;
            }
            Err(mpsc::error::TryRecvError::Empty) => {
                if waiting.is_none() {
                    // Nothing waits: block on the channel.
                    match input.recv().await {
                        Some(v) => waiting = Some((v, Instant::now())),
                        None => return,
                    }
                    continue;
                }
            }
        }
        if let Some((_, at)) = &waiting
            && at.elapsed() >= quiet
        {
            let (v, _) = waiting.take().unwrap();
            if output.send(v).await.is_err() {
                return;
            }
        }
        tokio::task::yield_now().await;
    }
}
