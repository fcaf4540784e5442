//! Exercise 5 — two actors that send to each other, without deadlocking.
//!
//! Bounded mailboxes give backpressure, and backpressure in a cycle is a deadlock waiting to
//! happen: if actor A awaits a send into B's full mailbox while B awaits a send into A's full
//! mailbox, neither will ever receive again. Nothing crashes; everything simply stops. The fix
//! is to make sure an actor never stops *receiving* just because its peer is full.
//!
//! ## Your task
//!
//! Write [`player`]. Two players are wired to each other: each one's `peer` is the other's
//! mailbox, both bounded (the tests use mailboxes of 1 and 2, with many more balls in play).
//!
//! - a ball from `inbox` with `hops_left == 0` is **finished**: send it to `finished` (an
//!   unbounded channel, so this never waits);
//! - any other ball is **passed** to `peer` with `hops_left` one less, so a ball that starts
//!   with `h` hops is passed exactly `h` times;
//! - **no deadlock**: the player never stops taking mail from `inbox` because `peer` is full.
//!   Balls the peer cannot take yet wait in the player's own queue and are handed over, in
//!   order, as soon as it has room;
//! - **no ball is lost**, and **no busy waiting**: a full peer is waited on, not retried in a
//!   loop;
//! - it returns when `inbox` is closed (every sender gone), or when `peer` is gone. In the
//!   tests the players feed each other, so that never happens: they are dropped once every ball
//!   is finished.
//!
//! The trade-off: the local queue is unbounded, but it never holds more than the balls in
//! play. Other ways out of the cycle: make one direction unbounded, or give one side
//! `try_send` with a plan for `Full`. Whatever you do, do not drop the ball and do not spin.

use tokio::sync::mpsc;

/// A ball passed between two players; each pass uses up one hop. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ball {
    /// Which ball this is.
    pub id: u64,
    /// How many more passes this ball makes before it is finished.
    pub hops_left: u32,
}

/// One of two players passing balls to each other through bounded mailboxes: finishes balls
/// with no hops left, passes the others on with one hop less, and never stops receiving while
/// its peer is full.
pub async fn player(
    inbox: mpsc::Receiver<Ball>,
    peer: mpsc::Sender<Ball>,
    finished: mpsc::UnboundedSender<Ball>,
) {
    let _ = (inbox, peer, finished);
    todo!("select! between inbox.recv() and peer.reserve() (the latter only while you hold balls)")
}
