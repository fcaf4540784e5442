//! The instructor's verbs: the student edition, grading, and packaging grading for a platform.
//!
//! Why this folder exists: these verbs handle other people's code and other people's
//! machines — they write a copy of the course without spoilers ([`export`]), grade a folder of
//! submissions under a source policy and a sandbox ([`grade`], [`policy`], [`sandbox`]), and
//! wrap that for Gradescope, Classroom 50 or PrairieLearn ([`autograder`]). Everything that parses Rust
//! source (`syn`, `proc-macro2`, `quote`, `prettyplease`) stays inside this folder, so a
//! learner-only build can leave it out with one `#[cfg]`.
//!
//! Depends on [`crate::pipeline`] and [`crate::course`]; only [`crate::author`] uses it.

pub mod autograder;
pub mod export;
pub mod grade;
pub mod policy;
pub mod sandbox;
