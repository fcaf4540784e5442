//! Errors a user can act on, and the exit codes of the CLI contract.
//!
//! Why this file exists: docs/FORMAT.md promises three exit codes (0 all good, 1 something failed,
//! 2 usage or course-format error) and the issue promises that every bad input produces *one*
//! line saying what is wrong and what to do — never a backtrace. Every verb returns
//! `Result<Outcome, UserError>`; `main` turns that into the line and the exit code. Keeping the
//! two halves of the message (`what` and `todo`) separate makes it hard to write an error that
//! forgets to tell the user what to do next.

use std::fmt;

/// How a verb ended when nothing went wrong with the *input*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked passed (exit 0).
    Success,
    /// Something was checked and failed: a test, a proof (exit 1).
    Failed,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn code(self) -> i32 {
        match self {
            Outcome::Success => 0,
            Outcome::Failed => 1,
        }
    }

    /// `Success` when `ok`, `Failed` otherwise.
    pub fn from_ok(ok: bool) -> Self {
        if ok {
            Outcome::Success
        } else {
            Outcome::Failed
        }
    }
}

/// A problem with what the user asked for or with the course files (exit 2).
///
/// Displayed as `<what> — <todo>`; `main` prefixes `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// What is wrong, e.g. "no lesson `lesson-99`".
    pub what: String,
    /// What to do about it, e.g. "run `cargo xtask list` to see the lessons".
    pub todo: String,
}

impl UserError {
    /// Builds an error from its two halves.
    pub fn new(what: impl Into<String>, todo: impl Into<String>) -> Self {
        UserError {
            what: what.into(),
            todo: todo.into(),
        }
    }

    /// An I/O or tool failure we cannot explain better than its own message.
    pub fn io(context: impl fmt::Display, err: impl fmt::Display) -> Self {
        UserError::new(
            format!("{context}: {err}"),
            "check the path and permissions, then run the command again",
        )
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep it on one line even if a message smuggles a newline in.
        let what = self.what.replace('\n', " ");
        let todo = self.todo.replace('\n', " ");
        write!(f, "{what} — {todo}")
    }
}

impl std::error::Error for UserError {}

/// Shorthand used by every verb.
pub type Result<T, E = UserError> = std::result::Result<T, E>;
