//! Files → verdicts: the one pipeline every verb runs.
//!
//! Why this folder exists: a learner's `check`, an author's `verify` and an instructor's
//! `export` all need the same steps — lay out a build tree, build the tests, decide whose
//! compile error it is, run each test in its own process under a time limit, turn what came
//! back into verdicts, print them. Keeping those steps here, below every audience, means there
//! is one way to get a verdict and the verbs only decide what to show.
//!
//! It depends on [`crate::course`] (the lesson model) and nothing above it.
//!
//! * [`plan`]: what to check ([`plan::CheckPlan`]) and the run that ends in a report;
//! * [`overlay`]: build trees that swap some files (a solution, a mistake) into a lesson;
//! * [`cargo_build`]: `cargo test --no-run` and its diagnostics, and the one cargo command;
//! * [`attribution`]: which exercise a compile error belongs to;
//! * [`runner`]: one process per test, a time limit each, a few at a time;
//! * [`failure`]: what a failing test says (its own failure, not the first panic) and the
//!   ranking that puts the most telling failure of an exercise first;
//! * [`process`]: child processes with captured, capped output; `which`;
//! * [`progress`]: what a person sees while a lesson builds;
//! * [`report`]: the lesson report, for humans and as JSON.

pub mod attribution;
pub mod cargo_build;
pub mod failure;
pub mod overlay;
pub mod plan;
pub mod process;
pub mod progress;
pub mod report;
pub mod runner;
