//! Exercise 3 — cancel safety: a frame reader that `select!` may interrupt at any moment.
//!
//! A `select!` branch that loses is dropped, mid-way, at whatever `.await` it had reached. Whether
//! that loses data depends on the future. tokio documents each one: `mpsc::Receiver::recv` and
//! `AsyncReadExt::read` are **cancel safe** (dropped before they finish, they have taken nothing),
//! while `AsyncReadExt::read_exact` is not: it copies bytes into its buffer as they arrive, and if
//! it is dropped half-way those bytes are gone with it. An `async fn` built from such calls is
//! only as cancel safe as its least safe `.await`.
//!
//! The loop below is given. It reads frames (one length byte, then that many bytes) and, on the
//! side, records a heartbeat every `every`. It works in a demo where every frame arrives in one
//! piece. But when a frame arrives in two parts and a heartbeat falls between them, the heartbeat
//! branch wins, `read_frame`'s future is dropped with the first part inside, and the stream is out
//! of step from then on: the next byte is read as a length.
//!
//! ## Your task
//!
//! Fix [`frames_with_heartbeat`] (keep its signature). It promises:
//! - every frame, intact and in order, however its bytes are split over time;
//! - a heartbeat every `every` since the start (the first at `every`), recorded in
//!   [`Report::beats`] as the time since the start, **on time**, even while a frame is half read
//!   (taken when it is due, not caught up after the frame is complete);
//! - at a clean end of the stream (between frames) `Ok(report)`; if the stream ends in the middle
//!   of a frame, an error of kind `UnexpectedEof` (a truncated frame is not silently dropped);
//! - frames that arrived together in one read are all reported, none left behind in a buffer.
//!
//! Two classic fixes: keep the partial frame *outside* the future that `select!` may drop (a
//! buffer owned by the loop, filled with the cancel-safe `read`), or create the frame-reading
//! future once and keep it across turns, making a new one only after it finished. The first is
//! how mini-redis's connection reads frames; the second needs the future to own the reader.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::{Instant, interval_at};

/// What [`frames_with_heartbeat`] saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The frames' contents (without the length byte), in order.
    pub frames: Vec<Vec<u8>>,
    /// For each heartbeat, the time since the start.
    pub beats: Vec<Duration>,
}

/// Reads length-prefixed frames from `reader` until it ends, recording a heartbeat every `every`
/// meanwhile. Cancel safe: the partial frame lives in a buffer owned by the loop.
pub async fn frames_with_heartbeat<R: AsyncRead + Unpin>(
    mut reader: R,
    every: Duration,
) -> io::Result<Report> {
    let start = Instant::now();
    let mut ticks = interval_at(start + every, every);
    let mut report = Report::default();
    // Bytes read but not yet handed out as frames. It belongs to the loop, not to a future that
    // select! may drop, so a heartbeat between two reads loses nothing.
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 256];
    loop {
        // Hand out every complete frame already buffered before waiting for more bytes.
        while let Some(frame) = take_frame(&mut buffer) {
            report.frames.push(frame);
        }
        tokio::select! {
            // `read` is cancel safe: if the heartbeat wins, no byte was taken.
            read = reader.read(&mut chunk) => {
                let n = read?;
                if n == 0 {
                    return if buffer.is_empty() {
                        Ok(report)
                    } else {
                        Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the stream ended in the middle of a frame",
                        ))
                    };
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            _ = ticks.tick() => report.beats.push(start.elapsed()),
        }
    }
}

/// Takes the first frame off the front of `buffer`, if all of it is there.
fn take_frame(buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let len = usize::from(*buffer.first()?);
    if buffer.len() < 1 + len {
        return None;
    }
    let frame = buffer[1..=len].to_vec();
    buffer.drain(..=len);
    Some(frame)
}
