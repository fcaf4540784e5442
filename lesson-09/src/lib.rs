//! # Lesson 09 — Composing futures
//!
//! `join!`, `select!` and their relatives run several futures inside one task. They are where
//! cancellation first bites: a `select!` drops every branch that lost, and a future dropped at an
//! `.await` simply stops there, with whatever it had half done. You write a fail-fast join, a
//! `select!` loop that keeps one future alive across iterations, and a frame reader that survives
//! being cancelled. Read `README.md` first; each module below is one exercise, in order.

#[cfg_attr(feature = "solution", path = "../solutions/e01_try_join.rs")]
pub mod e01_try_join;
#[cfg_attr(feature = "solution", path = "../solutions/e02_select_loop.rs")]
pub mod e02_select_loop;
#[cfg_attr(feature = "solution", path = "../solutions/e03_cancel_safety.rs")]
pub mod e03_cancel_safety;
#[cfg_attr(feature = "solution", path = "../solutions/e04_bounded.rs")]
pub mod e04_bounded;
#[cfg_attr(feature = "solution", path = "../solutions/e05_first_ok.rs")]
pub mod e05_first_ok;
#[cfg_attr(feature = "solution", path = "../solutions/e06_hedged.rs")]
pub mod e06_hedged;
