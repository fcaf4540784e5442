// Strands balls (a lost wake-up): balls the peer could not take wait in the player's queue, but the queue is retried only when new mail arrives, so once the mail stops they are never handed over.
//! Exercise 5 — two actors that send to each other, without deadlocking.
//!
//! Bounded mailboxes give backpressure, and backpressure in a cycle is a deadlock waiting to
//! happen: if actor A awaits a send into B's full mailbox while B awaits a send into A's full
//! mailbox, neither will ever receive again. Nothing crashes; everything simply stops. The fix
//! is to make sure an actor never stops *receiving* just because its peer is full: it keeps the
//! messages it could not pass on in a local queue, and hands them over when the peer has room.

use std::collections::VecDeque;

use tokio::sync::mpsc;

/// A ball passed between two players; each pass uses up one hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ball {
    /// Which ball this is.
    pub id: u64,
    /// How many more passes this ball makes before it is finished.
    pub hops_left: u32,
}

/// One of two players passing balls to each other through bounded mailboxes.
///
/// A ball from `inbox` with `hops_left == 0` is finished and goes to `finished`; any other ball
/// is passed to `peer` with one hop less. Never waits on a full peer while mail is waiting:
/// balls the peer cannot take yet wait in a local queue. Returns when `inbox` is closed, or when
/// the peer is gone.
pub async fn player(
    mut inbox: mpsc::Receiver<Ball>,
    peer: mpsc::Sender<Ball>,
    finished: mpsc::UnboundedSender<Ball>,
) {
    // Unbounded, but only ever as large as the balls in play: the price of breaking the cycle.
    let mut backlog: VecDeque<Ball> = VecDeque::new();
    while let Some(ball) = inbox.recv().await {
        if ball.hops_left == 0 {
            // Unbounded on purpose: finishing must never wait either.
            let _ = finished.send(ball);
        } else {
            backlog.push_back(Ball {
                hops_left: ball.hops_left - 1,
                ..ball
            });
        }
        // Hand over what the peer has room for now; the rest waits for the next ball.
        while let Some(&next) = backlog.front() {
            match peer.try_send(next) {
                Ok(()) => {
                    backlog.pop_front();
                }
                Err(mpsc::error::TrySendError::Full(_)) => break,
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            }
        }
    }
}
