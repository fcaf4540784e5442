//! `cargo xtask watch [LESSON]`: re-check on every save.
//!
//! Why this file exists: the edit → check loop is the whole of a learner's day, and switching to
//! a terminal to type `check` breaks concentration. Watch keeps the report on screen, current
//! exercise first, and refreshes it when an exercise file (or the lesson's tests/manifest) is
//! saved.
//!
//! Details that matter:
//! * **Debounce**: editors save in bursts (write, rename, chmod); we wait until the tree has
//!   been quiet for 300 ms, then check once.
//! * **Half-written files** are just compile errors in the report; nothing here can crash on
//!   them (a malformed `lesson.toml` mid-save is shown as its error line and watching goes on).
//! * **No file events** (network drives, WSL's /mnt/c): at start we write a probe file under
//!   `target/xtask/` and wait for its event; if none arrives we switch to polling and say so.
//!   `GEARS_WATCH_POLL=1` forces polling.
//! * **Keys** (only when stdin is a terminal, via raw mode): `h` hint, `n` next exercise,
//!   `r` re-run, `q` (or Ctrl-C) quit. Raw mode is always restored, even on a panic.
//!
//! The verb is in three files: this one (the loop and the file events that drive it),
//! [`state`] (focus, the last report, progress and hints) and [`screen`] (raw mode, drawing,
//! key presses).

mod screen;
mod state;

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecursiveMode, Watcher};

use crate::course::Course;
use crate::error::{Outcome, Result};
use crate::term::Style;
use screen::{RawMode, Screen};
use state::State;

const DEBOUNCE: Duration = Duration::from_millis(300);
const POLL_EVERY: Duration = Duration::from_millis(700);

/// What wakes the loop: a file changed, or a key was pressed.
enum Msg {
    Changed(PathBuf),
    Key(char),
}

/// The arguments of `cargo xtask watch`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Lesson (default: the first one with an unsolved exercise).
    pub lesson: Option<String>,
}

/// The `watch` verb: sets up the watcher and the terminal, then runs the loop until `q`,
/// Ctrl-C or the end of input.
pub fn run(args: Args) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = match args.lesson.as_deref() {
        Some(a) => course.lesson(a)?,
        None => state::first_unsolved(&course)?,
    };
    let (tx, rx) = mpsc::channel::<Msg>();
    let (_watcher, polling) = start_watching(&course, &lesson.dir, tx.clone())?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let raw = if interactive { RawMode::enable() } else { None };
    let stop = Arc::new(AtomicBool::new(false));
    let keys_thread = raw
        .as_ref()
        .map(|_| screen::spawn_key_reader(tx.clone(), stop.clone()));
    let forced = std::env::var_os("GEARS_WATCH_POLL").is_some_and(|v| v == "1");
    let (mode_note, keys_note) = screen::notes(polling, forced, raw.is_some(), interactive);
    let session = Session {
        course: &course,
        lesson_dir: lesson.dir.clone(),
        lesson_name: lesson.name.clone(),
        style: Style::stdout(),
        screen: Screen {
            raw: raw.is_some(),
            clear: std::io::stdout().is_terminal(),
        },
        mode_note,
        keys_note,
    };
    session.event_loop(&rx, &stop);
    stop.store(true, Ordering::SeqCst);
    drop(raw);
    if let Some(t) = keys_thread {
        let _ = t.join();
    }
    println!();
    Ok(Outcome::Success)
}

/// Everything the loop needs that does not change while it runs.
struct Session<'a> {
    course: &'a Course,
    lesson_dir: PathBuf,
    lesson_name: String,
    style: Style,
    screen: Screen,
    mode_note: &'static str,
    keys_note: &'static str,
}

impl Session<'_> {
    /// Check, show, wait for a change or a key; repeat. Keys pressed during a debounce are
    /// queued and handled after the check they interrupted.
    fn event_loop(&self, rx: &Receiver<Msg>, stop: &AtomicBool) {
        let mut state = State::default();
        let mut run_check = true;
        let mut pending: VecDeque<char> = VecDeque::new();
        loop {
            if run_check {
                run_check = false;
                self.check_and_show(&mut state);
            }
            let msg = match pending.pop_front() {
                Some(k) => Ok(Msg::Key(k)),
                None => rx.recv(),
            };
            match msg {
                Err(_) | Ok(Msg::Key('q')) => break,
                Ok(Msg::Key('r')) => run_check = true,
                Ok(Msg::Key('n')) => {
                    state.next_exercise();
                    match &state.last {
                        Some((l, r)) => self.screen.show(&format!(
                            "{}\n{}\n",
                            screen::render(l, r, self.style, state.focus.as_deref(), true),
                            self.style.dim(self.keys_note)
                        )),
                        None => self.say(
                            "n: no exercise to move to yet — the last check did not finish; \
                             fix what it says above and save, or press r",
                        ),
                    }
                }
                Ok(Msg::Key('h')) => match state.focused() {
                    Some((l, ex)) => {
                        let hint = state::next_hint(self.course, l, ex, self.style);
                        self.screen.append(&format!("\n{hint}\n"));
                    }
                    None => self.say(match &state.last {
                        Some((_, r)) if r.all_pass() => {
                            "h: every exercise passes, so there is nothing to hint — press n to \
                             revisit one (then h gives its hints), or q to quit"
                        }
                        Some(_) => "h: no exercise is in focus — press n to pick one",
                        None => {
                            "h: no check has finished yet — fix what it says above and save, or \
                             press r"
                        }
                    }),
                },
                Ok(Msg::Key(k)) => self.say(&format!(
                    "`{k}` does nothing here — keys: h hint · n next exercise · r re-run · q quit"
                )),
                Ok(Msg::Changed(p)) => {
                    if relevant(&self.lesson_dir, &p) {
                        pending.extend(debounce(rx, &self.lesson_dir));
                        run_check = true;
                    }
                }
            }
            // A quit key may arrive during debounce handling.
            if stop.load(Ordering::SeqCst) {
                break;
            }
        }
    }

    /// A line under the report: what a key did when it had nothing to do.
    fn say(&self, text: &str) {
        self.screen
            .append(&format!("\n{}\n", self.style.yellow(text)));
    }

    /// One check of the lesson, shown with the notes under it (an error is shown as its line).
    fn check_and_show(&self, state: &mut State) {
        let style = self.style;
        self.screen
            .show(&style.dim(&format!("checking {}…\n", self.lesson_name)));
        let body = match state::check_once(self.course, &self.lesson_name) {
            Ok((l, r)) => {
                state.checked(l, r);
                match &state.last {
                    Some((l, r)) => {
                        screen::render(l, r, style, state.focus.as_deref(), self.screen.raw)
                    }
                    None => String::new(),
                }
            }
            Err(e) => format!("error: {e}\n"),
        };
        self.screen.show(&format!(
            "{body}\n{}\n{}\n",
            style.dim(self.keys_note),
            style.dim(self.mode_note)
        ));
    }
}

/// Waits until no relevant change arrived for [`DEBOUNCE`]. Keys that arrive meanwhile are
/// returned, to be handled after the check (a `q` also sets the stop flag, so it still quits).
fn debounce(rx: &Receiver<Msg>, lesson_dir: &Path) -> Vec<char> {
    let mut keys = Vec::new();
    let mut quiet_since = Instant::now();
    loop {
        let left = DEBOUNCE.saturating_sub(quiet_since.elapsed());
        if left.is_zero() {
            return keys;
        }
        match rx.recv_timeout(left) {
            Ok(Msg::Changed(p)) if relevant(lesson_dir, &p) => quiet_since = Instant::now(),
            Ok(Msg::Changed(_)) => {}
            Ok(Msg::Key(k)) => keys.push(k),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => return keys,
        }
    }
}

/// Source files and manifests of the lesson; never anything under a `target/` directory.
fn relevant(lesson_dir: &Path, p: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(lesson_dir) else {
        return false;
    };
    if rel.components().any(|c| c.as_os_str() == "target") {
        return false;
    }
    matches!(p.extension().and_then(|e| e.to_str()), Some("rs" | "toml"))
}

/// Starts a native watcher (falling back to polling when its events do not arrive).
/// Returns the watcher (keep it alive) and whether we are polling.
fn start_watching(
    course: &Course,
    lesson_dir: &Path,
    tx: Sender<Msg>,
) -> Result<(Box<dyn Watcher>, bool)> {
    let probe_dir = course.state_dir().join("watch-probe");
    let _ = std::fs::create_dir_all(&probe_dir);
    let forced = std::env::var_os("GEARS_WATCH_POLL").is_some_and(|v| v == "1");
    if !forced {
        let (ptx, prx) = mpsc::channel::<PathBuf>();
        let fwd = tx.clone();
        let handler = move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res {
                let change = is_change(&ev.kind);
                for p in ev.paths {
                    let _ = ptx.send(p.clone());
                    if change {
                        let _ = fwd.send(Msg::Changed(p));
                    }
                }
            }
        };
        if let Ok(mut w) = notify::recommended_watcher(handler)
            && w.watch(lesson_dir, RecursiveMode::Recursive).is_ok()
            && w.watch(&probe_dir, RecursiveMode::NonRecursive).is_ok()
        {
            let probe = probe_dir.join("probe");
            let _ = std::fs::write(&probe, format!("{:?}", Instant::now()));
            let deadline = Instant::now() + Duration::from_millis(1500);
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match prx.recv_timeout(left) {
                    Ok(p) if p.starts_with(&probe_dir) => {
                        let _ = w.unwatch(&probe_dir);
                        return Ok((Box::new(w), false));
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
    }
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && is_change(&ev.kind)
        {
            for p in ev.paths {
                let _ = tx.send(Msg::Changed(p));
            }
        }
    };
    let config = notify::Config::default().with_poll_interval(POLL_EVERY);
    let mut w = PollWatcher::new(handler, config)
        .map_err(|e| crate::error::UserError::io("cannot watch files", e))?;
    w.watch(lesson_dir, RecursiveMode::Recursive).map_err(|e| {
        crate::error::UserError::io(format!("cannot watch {}", lesson_dir.display()), e)
    })?;
    Ok((Box::new(w), true))
}

/// Content changes only: reading a file (cargo and rustc do, on every check) produces access
/// events, and reacting to those would re-check forever.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(m)) => {
            matches!(m, MetadataKind::WriteTime | MetadataKind::Any)
        }
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}
