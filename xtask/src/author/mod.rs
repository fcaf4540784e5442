//! The course author's verbs: proving the course sound.
//!
//! Why this folder exists: authors (and CI) need one command that says whether every lesson
//! keeps its promises — the manifest matches, solutions pass, stubs fail, every mistake is
//! caught, the tooling's tests pass, the student edition leaks nothing and grading gives the
//! right points. That is [`verify`]. It runs on the [`crate::pipeline`] like every verb and, for
//! its last two proofs, uses the instructor's [`crate::instructor::export`] and
//! [`crate::instructor::grade`]; nothing below points back here.

pub mod verify;
