//! # Exercise 4 — `LocalSet` for values that must stay on one thread
//!
//! `tokio::spawn` demands `Send` futures: on a multi-threaded runtime a task may be polled on one
//! worker now and on another after its next wake-up, so everything it holds across an `.await` must
//! be allowed to move between threads. `Rc` and `RefCell` are not — and that is sometimes exactly
//! what you want: a scoreboard shared by a handful of tasks that all live on one thread needs no
//! locks and no atomics.
//!
//! A `tokio::task::LocalSet` is a little scheduler for such tasks. `tokio::task::spawn_local` puts a
//! `!Send` future into the current `LocalSet`, and the set polls its tasks on whichever thread is
//! driving it — `LocalSet::run_until(fut).await` from async code, `LocalSet::block_on(&rt, fut)`
//! from sync code. Outside a `LocalSet`, `spawn_local` panics.
//!
//! Your task: write [`play`] (try `tokio::spawn` first and read the compiler's complaint about
//! `Rc`), then [`play_blocking`].

use std::collections::BTreeMap;
use std::time::Duration;

/// How long a player waits after scoring each round.
pub const ROUND: Duration = Duration::from_millis(1);

/// A player: a name and the points they score in each round, in order.
pub type Player = (String, Vec<u32>);

/// Plays every player *concurrently*, each as its own `spawn_local` task on a `LocalSet`, all of
/// them adding to one scoreboard shared as `Rc<RefCell<BTreeMap<String, u32>>>`.
///
/// A player adds the points of a round to their total, then waits [`ROUND`], for each of their
/// rounds. The result holds every player's total, including players with no rounds (0). So the
/// whole game takes as long as the *longest* player, not the sum of all of them.
pub async fn play(players: Vec<Player>) -> BTreeMap<String, u32> {
    drop(players);
    todo!("every player as its own local task, all adding to one shared board")
}

/// The same game started from synchronous code: builds a `current_thread` runtime and drives a
/// `LocalSet` on it with `LocalSet::block_on`.
pub fn play_blocking(players: Vec<Player>) -> BTreeMap<String, u32> {
    drop(players);
    todo!("the same game, started from synchronous code")
}
