// Leaves work running after it returns (detached tasks): each pass is a spawned task that awaits room at the peer, so no mailbox blocks the player, but the tasks outlive it, keep the peer's mailbox open and keep passing balls.
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
    loop {
        tokio::select! {
            received = inbox.recv() => match received {
                Some(ball) if ball.hops_left == 0 => {
                    // Unbounded on purpose: finishing must never wait either.
                    let _ = finished.send(ball);
                }
                Some(ball) => {
                    // A task per pass waits for room, so this loop never has to.
                    let peer = peer.clone();
                    tokio::spawn(async move {
                        let _ = peer
                            .send(Ball {
                                hops_left: ball.hops_left - 1,
                                ..ball
                            })
                            .await;
                    });
                }
                None => return,
            },
            // Only asks for room while there is something to pass; `reserve` waits without
            // taking anything, so the receive branch stays live meanwhile.
            permit = peer.reserve(), if !backlog.is_empty() => match permit {
                Ok(permit) => {
                    if let Some(ball) = backlog.pop_front() {
                        permit.send(ball);
                    }
                }
                Err(_) => return,
            },
        }
    }
}
