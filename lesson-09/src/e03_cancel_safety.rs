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
/// meanwhile. (Given, and broken: a heartbeat during a half-read frame loses the frame.)
pub async fn frames_with_heartbeat<R: AsyncRead + Unpin>(
    mut reader: R,
    every: Duration,
) -> io::Result<Report> {
    let start = Instant::now();
    let mut ticks = interval_at(start + every, every);
    let mut report = Report::default();
    loop {
        tokio::select! {
            frame = read_frame(&mut reader) => match frame? {
                Some(frame) => report.frames.push(frame),
                None => return Ok(report),
            },
            _ = ticks.tick() => report.beats.push(start.elapsed()),
        }
    }
}

/// Reads one frame: `Ok(None)` at a clean end of the stream. Not cancel safe: `read_exact` keeps
/// the bytes it has read so far inside this future.
async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 1];
    if reader.read(&mut len).await? == 0 {
        return Ok(None);
    }
    let mut body = vec![0u8; usize::from(len[0])];
    reader.read_exact(&mut body).await?;
    Ok(Some(body))
}
