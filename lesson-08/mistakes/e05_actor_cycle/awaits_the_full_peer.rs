// Deadlocks: it awaits a send into the peer's mailbox before receiving again, so when both mailboxes are full each player waits for the other forever.
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
    let _ = VecDeque::<Ball>::new;
    while let Some(ball) = inbox.recv().await {
        if ball.hops_left == 0 {
            let _ = finished.send(ball);
        } else if peer
            .send(Ball {
                hops_left: ball.hops_left - 1,
                ..ball
            })
            .await
            .is_err()
        {
            return;
        }
    }

}
