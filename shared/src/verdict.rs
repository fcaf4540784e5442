//! # Grading verdicts that a submission cannot forge
//!
//! When `cargo xtask grade` runs a learner's code, it cannot trust what the test process says
//! about itself: the code under test runs *inside* that process. It could call
//! `std::process::exit(0)` halfway through a test, install a panic hook that exits with 0, or
//! print lines that look exactly like libtest's `test ... ok`. An exit code and libtest's output
//! are therefore not enough to call a test passed.
//!
//! This module is the trusted half of a tiny protocol that closes that gap:
//!
//! 1. For every test process it starts, the grader makes up a fresh random token and writes it
//!    into the process's **stdin** (a pipe it then closes), setting only the flag [`TOKEN_ENV`]
//!    `=1` in the environment. The token itself is never in the environment or on the command
//!    line, so `/proc/self/environ`, `/proc/self/cmdline` and `/proc/1/environ` show nothing
//!    worth stealing.
//! 2. The grader rewrites its own pristine copy of the tests so that the *first* statement of
//!    every test is `let __gears_verdict = ::shared::verdict::arm();`. [`arm`] reads the pipe to
//!    its end before any learner code can run, so only this guard knows the token. A pipe is
//!    read once: code that drains stdin earlier leaves the guard with nothing, and the test
//!    fails — there is no copy to read back later.
//! 3. When the test body has run to the end (every assertion held), the guard is dropped and
//!    prints `GEARS-VERDICT-OK <token>` on stdout. If the test panics, the guard sees
//!    [`std::thread::panicking`] and stays silent.
//!
//! The grader counts a test as passed only if the process exited with 0 **and** printed that
//! exact line. Exiting early, faking libtest's lines or faking a verdict line without the token
//! all fail. The token is taken only once per process, so learner code that calls [`arm`] itself
//! gets a silent guard.
//!
//! Outside grading (`cargo test`, `cargo xtask check`) the variable is not set and the guard
//! does nothing: learners never see any of this.
//!
//! What this does *not* stop on its own: code that can read the process's own memory
//! (`/proc/self/mem`, or memory-unsafe code) could find the token after [`arm`] took it. The
//! grader's source policy (no `unsafe`, no `std::fs`/`std::env`/`std::process`) is the wall
//! there; the sandbox mounts a `/proc` of its own pid namespace only, so the harness can count
//! threads and read run-queue times while grading.

/// The environment flag (`=1`) that tells [`arm`] the grader wrote a token into stdin.
pub const TOKEN_ENV: &str = "GEARS_VERDICT_STDIN";

/// A token is 32 hex digits; anything longer on stdin is not ours.
const TOKEN_MAX: usize = 64;

/// The prefix of the line that the guard prints when a test body finished without panicking.
pub const OK_PREFIX: &str = "GEARS-VERDICT-OK";

/// When the guard should vouch for the test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// An ordinary test: vouch only if the body returned without panicking.
    Return,
    /// A `#[should_panic]` test: vouch only if the body is unwinding from a panic.
    Panic,
}

/// The guard returned by [`arm`]; it vouches for the test when it is dropped.
///
/// Keep it alive for the whole test body (bind it to a named variable, not `_`, which would drop
/// it at once).
#[must_use = "the guard vouches for the test when it is dropped at the end of the test body"]
#[derive(Debug)]
pub struct Armed {
    token: Option<String>,
    expect: Expect,
}

/// Takes this process's verdict token (if the grader set one) and returns the guard that will
/// print it when the test body ends without panicking.
///
/// Call it as the very first statement of a test; the grader inserts that call for you. A
/// second call in the same process finds no token and returns a silent guard.
pub fn arm() -> Armed {
    Armed {
        token: take_token(),
        expect: Expect::Return,
    }
}

/// Like [`arm`], for a `#[should_panic]` test: the guard prints the token only when the body is
/// unwinding from a panic, because for such a test a panic is the passing outcome.
pub fn arm_should_panic() -> Armed {
    Armed {
        token: take_token(),
        expect: Expect::Panic,
    }
}

/// Reads the token from stdin to its end, once per process: the pipe is then empty, so the
/// learner code that runs next has nothing to read back. Outside grading the flag is unset
/// and stdin is never touched.
fn take_token() -> Option<String> {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, Ordering};
    static TAKEN: AtomicBool = AtomicBool::new(false);
    if std::env::var(TOKEN_ENV).ok()?.as_str() != "1" || TAKEN.swap(true, Ordering::SeqCst) {
        return None;
    }
    let mut bytes = Vec::new();
    let _ = std::io::stdin()
        .lock()
        .take(TOKEN_MAX as u64 + 1)
        .read_to_end(&mut bytes);
    let token = String::from_utf8(bytes).ok()?;
    let token = token.trim();
    let plausible = !token.is_empty()
        && token.len() <= TOKEN_MAX
        && token.bytes().all(|b| b.is_ascii_alphanumeric());
    plausible.then(|| token.to_string())
}

impl Drop for Armed {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        let vouch = match self.expect {
            Expect::Return => !std::thread::panicking(),
            Expect::Panic => std::thread::panicking(),
        };
        if vouch {
            use std::io::Write;
            // One write of the whole line, flushed at once: a test that printed without a final
            // newline cannot glue our line onto its own. Errors are ignored: a closed stdout
            // simply means no verdict, which the grader counts as a failure.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(format!("\n{OK_PREFIX} {token}\n").as_bytes());
            let _ = out.flush();
        }
    }
}

/// Returns true when `stdout` of a finished test process contains the verdict line for `token`.
///
/// The line must match exactly (after trimming a trailing `\r`), so a learner who prints the
/// prefix with another token, or the token inside a longer line, gains nothing.
pub fn stdout_vouches(stdout: &str, token: &str) -> bool {
    if token.is_empty() {
        return false;
    }
    let want = format!("{OK_PREFIX} {token}");
    stdout
        .lines()
        .any(|line| line.trim_end_matches('\r') == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_without_a_token() {
        let guard = arm();
        assert!(guard.token.is_none());
    }

    #[test]
    fn vouching_needs_the_exact_line() {
        assert!(stdout_vouches(
            "test x ... ok\nGEARS-VERDICT-OK abc\n",
            "abc"
        ));
        assert!(stdout_vouches("GEARS-VERDICT-OK abc\r\n", "abc"));
        assert!(!stdout_vouches("GEARS-VERDICT-OK abcd\n", "abc"));
        assert!(!stdout_vouches("say GEARS-VERDICT-OK abc\n", "abc"));
        assert!(!stdout_vouches("GEARS-VERDICT-OK guess\n", "abc"));
        assert!(!stdout_vouches("GEARS-VERDICT-OK \n", ""));
    }
}
