//! Running a child process with a time limit and a cap on how much of its output we keep.
//!
//! Why this file exists: the tool runs two kinds of children — `cargo` (to build) and test
//! binaries (one process per test) — and the course's promise is that *nothing waits forever*
//! and a runaway `println!` loop cannot eat the machine's memory. Both promises are kept here,
//! once: stdout and stderr are drained by threads (so a chatty child never blocks on a full
//! pipe), only the first `cap` bytes of each are kept, and the child is killed when its time
//! is up.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// What a finished (or killed) child left behind.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Exit status; `None` when we killed it on timeout.
    pub status: Option<ExitStatus>,
    /// True when the time limit was reached and the child was killed.
    pub timed_out: bool,
    /// Standard output (lossy UTF-8), at most `cap` bytes.
    pub stdout: String,
    /// Standard error (lossy UTF-8), at most `cap` bytes.
    pub stderr: String,
    /// True when either stream was cut at `cap`.
    pub truncated: bool,
    /// Wall-clock time from spawn to exit (or kill).
    pub duration: Duration,
}

/// Spawns `cmd` with piped stdout/stderr and null stdin, waits at most `limit`.
///
/// Returns an error only when the process could not be started.
pub fn run_captured(cmd: &mut Command, limit: Duration, cap: usize) -> std::io::Result<Captured> {
    run_captured_inner(cmd, limit, cap, None)
}

/// [`run_captured`], also handing each line of stderr to `on_stderr` as it arrives (how a
/// build's progress is shown while its output is still being captured).
pub fn run_captured_with(
    cmd: &mut Command,
    limit: Duration,
    cap: usize,
    on_stderr: impl FnMut(&str) + Send + 'static,
) -> std::io::Result<Captured> {
    run_captured_inner(cmd, limit, cap, Some(Box::new(on_stderr)))
}

/// A callback for each line of a stream.
type OnLine = Box<dyn FnMut(&str) + Send>;

fn run_captured_inner(
    cmd: &mut Command,
    limit: Duration,
    cap: usize,
    on_stderr: Option<OnLine>,
) -> std::io::Result<Captured> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let out = child.stdout.take().map(|s| drain(s, cap, None));
    let err = child.stderr.take().map(|s| drain(s, cap, on_stderr));
    let (status, timed_out) = match child.wait_timeout(limit)? {
        Some(status) => (Some(status), false),
        None => {
            // Killing only the direct child is deliberate: test binaries are single processes,
            // and a sandbox wrapper is expected to take its child down with it.
            let _ = child.kill();
            let _ = child.wait();
            (None, true)
        }
    };
    let duration = start.elapsed();
    let (stdout, t1) = out.map(join).unwrap_or_default();
    let (stderr, t2) = err.map(join).unwrap_or_default();
    Ok(Captured {
        status,
        timed_out,
        stdout,
        stderr,
        truncated: t1 || t2,
        duration,
    })
}

type Drain = thread::JoinHandle<(Vec<u8>, bool)>;

/// Reads `src` to its end on a thread, keeping the first `cap` bytes and, when there is an
/// `on_line`, passing it every complete line (kept or not). Without one, no line is looked for:
/// a test flooding its output must cost nothing but the read.
fn drain(mut src: impl Read + Send + 'static, cap: usize, mut on_line: Option<OnLine>) -> Drain {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut truncated = false;
        let mut buf = [0u8; 8192];
        let mut partial: Vec<u8> = Vec::new();
        loop {
            match src.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    if n > room {
                        truncated = true;
                    }
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    let Some(f) = on_line.as_mut() else { continue };
                    partial.extend_from_slice(&buf[..n]);
                    let mut start = 0;
                    while let Some(off) = partial[start..].iter().position(|b| *b == b'\n') {
                        f(&String::from_utf8_lossy(&partial[start..start + off]));
                        start += off + 1;
                    }
                    partial.drain(..start);
                    if partial.len() > 64 << 10 {
                        // A "line" this long is not a progress line; do not hold on to it.
                        partial.clear();
                    }
                }
            }
        }
        if let Some(f) = on_line.as_mut()
            && !partial.is_empty()
        {
            f(&String::from_utf8_lossy(&partial));
        }
        (kept, truncated)
    })
}

fn join(h: Drain) -> (String, bool) {
    // A grandchild may keep the pipe open after the child died; the reader then ends when the
    // grandchild does. Test binaries spawn no processes, so this does not wait in practice.
    let (bytes, truncated) = h.join().unwrap_or_default();
    (String::from_utf8_lossy(&bytes).into_owned(), truncated)
}

/// Removes ANSI escape sequences (colour) from `s`.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Finds a program on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colour() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: x"),
            "error: x"
        );
    }

    #[test]
    fn kills_on_timeout() {
        let c = run_captured(
            Command::new("sleep").arg("5"),
            Duration::from_millis(200),
            1024,
        )
        .unwrap();
        assert!(c.timed_out);
        assert!(c.duration < Duration::from_secs(3));
    }

    #[test]
    fn every_stderr_line_reaches_the_callback() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = std::sync::Arc::clone(&seen);
        let c = run_captured_with(
            Command::new("sh").args(["-c", "printf 'a\\nbb\\nlast' >&2"]),
            Duration::from_secs(5),
            1,
            move |l| sink.lock().unwrap().push(l.to_string()),
        )
        .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            ["a", "bb", "last"],
            "each line, the unterminated last one too, is seen live even past the cap"
        );
        assert_eq!(c.stderr, "a", "the cap still applies to what is kept");
    }

    #[test]
    fn caps_output() {
        let c = run_captured(
            Command::new("sh").args(["-c", "yes | head -c 100000"]),
            Duration::from_secs(5),
            1000,
        )
        .unwrap();
        assert_eq!(c.stdout.len(), 1000);
        assert!(c.truncated);
    }
}
