//! What a learner sees while a lesson builds: a spinner on a terminal, a few plain lines off one.
//!
//! Why this file exists: the first build of a lesson compiles tokio, futures and the rest —
//! minutes on a busy two-core laptop — and a tool that prints nothing meanwhile looks hung. The
//! build's output is captured (the tool reads cargo's JSON), so cargo's own progress bar cannot
//! show; instead we read cargo's `Compiling NAME vX` lines as they come and say how many crates
//! are done and which one is being compiled.
//!
//! Trade-offs: on a terminal a spinner line redraws in place on stderr and is erased when the
//! build ends, so the report below it stays as calm as before. Off a terminal (CI logs, editors,
//! `| less`) nothing redraws: a line when dependencies start compiling, one every
//! [`PLAIN_EVERY`] crates and one at the end — and nothing at all for the usual quick rebuild
//! of one lesson, so logs of an edit loop stay short. Everything goes to stderr, never stdout,
//! so `--json` output is untouched. cargo does not say how many crates are left without
//! unstable flags, so we count up rather than pretend to know the total.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Off a terminal, one line per this many compiled crates.
const PLAIN_EVERY: usize = 15;
/// How often the spinner redraws.
const TICK: Duration = Duration::from_millis(120);
/// The spinner appears only once the build has taken this long (a quick rebuild shows nothing).
const QUIET_FOR: Duration = Duration::from_millis(600);

#[derive(Default)]
struct State {
    /// Crates cargo started compiling.
    compiled: usize,
    /// The crate being compiled now.
    current: String,
    /// Whether a plain "compiling dependencies" line was printed.
    announced: bool,
    /// The build ended.
    done: bool,
}

/// Progress of one build of `package`; call [`BuildProgress::line`] with each line of cargo's
/// stderr and [`BuildProgress::finish`] when it exits.
pub struct BuildProgress {
    package: String,
    state: Arc<Mutex<State>>,
    tty: bool,
    start: Instant,
    ticker: Option<thread::JoinHandle<()>>,
}

impl BuildProgress {
    /// Starts reporting on stderr (a spinner when stderr is a terminal).
    pub fn start(package: &str) -> BuildProgress {
        let tty =
            std::io::stderr().is_terminal() && std::env::var("TERM").is_ok_and(|t| t != "dumb");
        let state = Arc::new(Mutex::new(State::default()));
        let start = Instant::now();
        let ticker = tty.then(|| {
            let state = Arc::clone(&state);
            let package = package.to_string();
            thread::spawn(move || spin(&package, &state, start))
        });
        BuildProgress {
            package: package.to_string(),
            state,
            tty,
            start,
            ticker,
        }
    }

    /// One line of cargo's stderr.
    pub fn line(&self, line: &str) {
        let Some(rest) = line.trim_start().strip_prefix("Compiling ") else {
            return;
        };
        let name = rest.split_whitespace().next().unwrap_or("").to_string();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.compiled += 1;
        s.current = name.clone();
        if self.tty {
            return;
        }
        let dependency = name != self.package;
        if dependency && !s.announced {
            s.announced = true;
            eprintln!(
                "building {}: compiling {name} and what else it needs (a first build takes \
                 minutes, later ones seconds)",
                self.package
            );
        } else if s.announced && s.compiled.is_multiple_of(PLAIN_EVERY) {
            eprintln!(
                "building {}: {} crates compiled ({} s), now {name}",
                self.package,
                s.compiled,
                self.start.elapsed().as_secs()
            );
        }
    }

    /// The build ended: erase the spinner, or say how long it took off a terminal.
    pub fn finish(mut self) {
        let announced = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.done = true;
            s.announced
        };
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if announced {
            eprintln!(
                "building {}: done in {} s",
                self.package,
                self.start.elapsed().as_secs()
            );
        }
    }
}

fn spin(package: &str, state: &Mutex<State>, start: Instant) {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut frame = 0;
    let mut drawn = false;
    loop {
        thread::sleep(TICK);
        let (done, compiled, current) = {
            let s = state.lock().unwrap_or_else(|e| e.into_inner());
            (s.done, s.compiled, s.current.clone())
        };
        let mut err = std::io::stderr().lock();
        if done {
            if drawn {
                let _ = write!(err, "\r\u{1b}[2K");
                let _ = err.flush();
            }
            return;
        }
        if start.elapsed() < QUIET_FOR {
            continue;
        }
        let detail = if compiled == 0 {
            "checking what changed".to_string()
        } else {
            format!("{compiled} crates compiled, now {current}")
        };
        let _ = write!(
            err,
            "\r\u{1b}[2K{} building {package} · {detail} · {} s",
            FRAMES[frame % FRAMES.len()],
            start.elapsed().as_secs()
        );
        let _ = err.flush();
        drawn = true;
        frame += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_compiling_lines_only() {
        let p = BuildProgress {
            package: "lesson-01".into(),
            state: Arc::new(Mutex::new(State::default())),
            tty: true,
            start: Instant::now(),
            ticker: None,
        };
        p.line("   Compiling tokio v1.47.1");
        p.line("    Finished `test` profile");
        p.line("   Compiling lesson-01 v0.1.0 (/x/lesson-01)");
        let s = p.state.lock().unwrap();
        assert_eq!(
            (s.compiled, s.current.as_str()),
            (2, "lesson-01"),
            "only `Compiling` lines count, and the last one is the crate shown"
        );
    }
}
