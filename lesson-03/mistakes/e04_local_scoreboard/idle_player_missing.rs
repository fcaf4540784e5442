// Breaks "every player is on the board": a player is only added when they score, so a player with no rounds never appears (not even with 0).
//! # Exercise 4 — `LocalSet` for values that must stay on one thread
//!
//! `tokio::spawn` demands `Send` futures: on a multi-threaded runtime a task may be polled on one
//! worker now and on another after its next wake-up, so everything it holds across an `.await` must
//! be allowed to move between threads. `Rc` and `RefCell` are not — and that is sometimes exactly
//! what you want: a scoreboard shared by a handful of tasks that all live on one thread needs no
//! locks and no atomics.
//!
//! A [`LocalSet`] is a little scheduler for such tasks. `tokio::task::spawn_local` puts a `!Send`
//! future into the current `LocalSet`, and the set polls its tasks on whichever thread is driving
//! it — `LocalSet::run_until(fut).await` from async code, `LocalSet::block_on(&rt, fut)` from sync
//! code. Outside a `LocalSet`, `spawn_local` panics.
//!
//! Keep in mind: `run_until` returns as soon as *its* future is done; tasks you spawned inside and
//! never awaited are simply left behind (and dropped with the set).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use tokio::task::LocalSet;

/// How long a player waits after scoring each round.
pub const ROUND: Duration = Duration::from_millis(1);

/// A player: a name and the points they score in each round, in order.
pub type Player = (String, Vec<u32>);

/// Plays every player *concurrently*, each as its own `spawn_local` task on a [`LocalSet`], all of
/// them adding to one scoreboard shared as `Rc<RefCell<BTreeMap<String, u32>>>`.
///
/// A player adds the points of a round to their total, then waits [`ROUND`], for each of their
/// rounds. The result holds every player's total, including players with no rounds (0). So the
/// whole game takes as long as the *longest* player, not the sum of all of them.
pub async fn play(players: Vec<Player>) -> BTreeMap<String, u32> {
    let board: Rc<RefCell<BTreeMap<String, u32>>> = Rc::new(RefCell::new(BTreeMap::new()));
    let local = LocalSet::new();
    local
        .run_until(async {
            let mut tasks = Vec::new();
            for (name, rounds) in players {
                let board = Rc::clone(&board);
                tasks.push(tokio::task::spawn_local(async move {
                    for points in rounds {
                        // Never hold the RefCell borrow across an .await: another task on this
                        // thread would find it borrowed and panic.
                        *board.borrow_mut().entry(name.clone()).or_insert(0) += points;
                        tokio::time::sleep(ROUND).await;
                    }
                }));
            }
            // run_until stops caring about the tasks once this block returns: wait for them.
            for task in tasks {
                task.await.expect("a player task panicked");
            }
        })
        .await;
    board.take()
}

/// The same game started from synchronous code: builds a `current_thread` runtime and drives a
/// `LocalSet` on it with `LocalSet::block_on`.
pub fn play_blocking(players: Vec<Player>) -> BTreeMap<String, u32> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a current_thread runtime");
    LocalSet::new().block_on(&rt, play(players))
}
