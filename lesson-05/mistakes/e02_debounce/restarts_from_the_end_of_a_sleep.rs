// Breaks 'quiet after the last arrival' (subtle, a moment in time): it sleeps quiet, then takes the newest value and sleeps a whole quiet again from there, so a burst is sent quiet after the end of a sleep, not after its last value.
//! Debounce: wait quiet after a value, then take the newest that came meanwhile.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::sleep;

/// Debounce.
pub async fn debounce<T>(mut input: mpsc::Receiver<T>, quiet: Duration, output: mpsc::Sender<T>) {
    while let Some(mut value) = input.recv().await {
        loop {
            sleep(quiet).await;
            let mut newer = false;
            let mut closed = false;
            loop {
                match input.try_recv() {
                    Ok(v) => {
                        value = v;
                        newer = true;
                    }
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        closed = true;
                        break;
                    }
                }
            }
            if closed || !newer {
                break;
            }
        }
        if output.send(value).await.is_err() {
            return;
        }
    }
}
