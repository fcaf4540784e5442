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

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecursiveMode, Watcher};

use crate::course::progress::{ContentKeys, HintLevels, ProgressCache};
use crate::course::status::Status;
use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result};
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::report::{self, LessonReport};
use crate::term::Style;

const DEBOUNCE: Duration = Duration::from_millis(300);
const POLL_EVERY: Duration = Duration::from_millis(700);

enum Msg {
    Changed(PathBuf),
    Key(char),
}

/// Restores the terminal when dropped.
struct RawMode;

impl RawMode {
    fn enable() -> Option<RawMode> {
        crossterm::terminal::enable_raw_mode().ok().map(|_| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

struct Screen {
    raw: bool,
    clear: bool,
}

impl Screen {
    fn show(&self, text: &str) {
        self.write(text, self.clear);
    }

    /// Adds text under what is on screen.
    fn append(&self, text: &str) {
        self.write(text, false);
    }

    fn write(&self, text: &str, clear: bool) {
        let mut out = std::io::stdout().lock();
        let text = if self.raw {
            text.replace('\n', "\r\n")
        } else {
            text.to_string()
        };
        if clear {
            let _ = write!(out, "\u{1b}[2J\u{1b}[H");
        }
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }
}

/// The arguments of `cargo xtask watch`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Lesson (default: the first one with an unsolved exercise).
    pub lesson: Option<String>,
}

/// Runs the verb.
pub fn run(args: Args) -> Result<Outcome> {
    watch(args.lesson.as_deref())
}

fn watch(lesson_arg: Option<&str>) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = match lesson_arg {
        Some(a) => course.lesson(a)?,
        None => first_unsolved(&course)?,
    };
    let lesson_dir = lesson.dir.clone();
    let lesson_name = lesson.name.clone();
    let style = Style::stdout();
    let (tx, rx) = mpsc::channel::<Msg>();

    let (_watcher, polling) = start_watching(&course, &lesson_dir, tx.clone())?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let raw = if interactive { RawMode::enable() } else { None };
    let screen = Screen {
        raw: raw.is_some(),
        clear: std::io::stdout().is_terminal(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let keys_thread = raw
        .as_ref()
        .map(|_| spawn_key_reader(tx.clone(), stop.clone()));
    let forced = std::env::var_os("GEARS_WATCH_POLL").is_some_and(|v| v == "1");
    let mode_note = match (polling, forced) {
        (true, true) => "Polling for changes every 0.7 s (GEARS_WATCH_POLL=1).",
        (true, false) => {
            "File events don't arrive here (a network or WSL mount?), so watch checks for changes every 0.7 s."
        }
        _ => "",
    };
    let keys_note = match (raw.is_some(), interactive) {
        (true, _) => "keys: h hint · n next exercise · r re-run · q quit",
        (false, true) => "this terminal refused raw mode, so keys are off — stop with Ctrl-C",
        (false, false) => "stop with Ctrl-C",
    };

    let mut focus: Option<String> = None;
    let mut last: Option<(Lesson, LessonReport)> = None;
    let mut run_check = true;
    let mut pending: std::collections::VecDeque<char> = Default::default();
    loop {
        if run_check {
            run_check = false;
            screen.show(&style.dim(&format!("checking {lesson_name}…\n")));
            let body = match check_once(&course, &lesson_name) {
                Ok((l, r)) => {
                    // Keep the exercise in focus until it passes, then move to the next one.
                    let focus_ok = focus.as_ref().is_some_and(|f| {
                        r.exercises
                            .iter()
                            .any(|e| &e.id == f && !e.status.is_pass())
                    });
                    if !focus_ok {
                        focus = r.focus().map(|e| e.id.clone());
                    }
                    let text = render(&l, &r, style, focus.as_deref(), raw.is_some());
                    last = Some((l, r));
                    text
                }
                Err(e) => format!("error: {e}\n"),
            };
            screen.show(&format!(
                "{body}\n{}\n{}\n",
                style.dim(keys_note),
                style.dim(mode_note)
            ));
        }
        let msg = match pending.pop_front() {
            Some(k) => Ok(Msg::Key(k)),
            None => rx.recv(),
        };
        match msg {
            Err(_) => break,
            Ok(Msg::Key('q')) => break,
            Ok(Msg::Key('r')) => run_check = true,
            Ok(Msg::Key('n')) => {
                if let Some((l, r)) = &last {
                    let ids: Vec<&String> = l.exercises.iter().map(|e| &e.id).collect();
                    let pos = focus
                        .as_ref()
                        .and_then(|f| ids.iter().position(|i| *i == f));
                    focus = pos
                        .map(|p| ids[(p + 1) % ids.len()].clone())
                        .or(ids.first().map(|s| s.to_string()));
                    screen.show(&format!(
                        "{}\n{}\n",
                        render(l, r, style, focus.as_deref(), true),
                        style.dim(keys_note)
                    ));
                }
            }
            Ok(Msg::Key('h')) => {
                if let Some((l, _)) = &last
                    && let Some(ex) = focus
                        .as_ref()
                        .and_then(|f| l.exercises.iter().find(|e| &e.id == f))
                {
                    screen.append(&format!("\n{}\n", next_hint(&course, l, ex, style)));
                }
            }
            Ok(Msg::Key(_)) => {}
            Ok(Msg::Changed(p)) => {
                if relevant(&lesson_dir, &p) {
                    pending.extend(debounce(&rx, &lesson_dir));
                    run_check = true;
                }
            }
        }
        // A quit key may arrive during debounce handling.
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    drop(raw);
    if let Some(t) = keys_thread {
        let _ = t.join();
    }
    println!();
    Ok(Outcome::Success)
}

fn check_once(course: &Course, name: &str) -> Result<(Lesson, LessonReport)> {
    // Re-read the manifest every time: it may have changed (a `git pull`, an author editing).
    let lesson = course.lesson(name)?;
    lesson.check_files()?;
    let keys = ContentKeys::of(&lesson);
    let report = plan::run(&CheckPlan::course(course, &lesson, false))?;
    let mut progress = ProgressCache::load(course);
    progress.record(&lesson, report.learner_verdicts(), &keys);
    let _ = progress.save();
    Ok((lesson, report))
}

fn render(
    lesson: &Lesson,
    r: &LessonReport,
    style: Style,
    focus: Option<&str>,
    keys: bool,
) -> String {
    let next = focus
        .filter(|f| {
            r.exercises
                .iter()
                .any(|e| e.id == *f && e.status != Status::Pass)
        })
        .map(|f| {
            let file = lesson
                .exercises
                .iter()
                .find(|e| e.id == f)
                .map(|e| lesson.display_path(&e.file));
            let help = if keys {
                "press h for a hint".to_string()
            } else {
                format!("stuck? cargo xtask hint {} {f}", lesson.name)
            };
            format!("edit {} and save — {help}", file.unwrap_or_default())
        })
        .or_else(|| {
            r.all_pass().then(|| {
                if keys {
                    "all exercises pass — q to quit"
                } else {
                    "all exercises pass"
                }
                .to_string()
            })
        });
    // The exercise being worked on comes first, then the whole lesson.
    let now = focus
        .and_then(|f| lesson.exercises.iter().find(|e| e.id == f))
        .map(|e| {
            format!(
                "{} {} — {}  ({})\n\n",
                style.bold("now:"),
                e.id,
                e.title,
                lesson.display_path(&e.file)
            )
        })
        .unwrap_or_default();
    format!(
        "{now}{}",
        report::render_human(r, style, focus, next.as_deref())
    )
}

fn next_hint(
    course: &Course,
    lesson: &Lesson,
    ex: &crate::course::Exercise,
    style: Style,
) -> String {
    let mut levels = HintLevels::load(course);
    let seen = levels.seen(lesson, ex);
    let total = ex.hints.len();
    if total == 0 {
        return format!("{} has no hints", ex.id);
    }
    let n = (seen + 1).min(total);
    levels.set_seen(lesson, ex, n);
    let _ = levels.save();
    format!(
        "{} {}",
        style.yellow(&format!("hint {n}/{total} ({}):", ex.id)),
        ex.hints[n - 1]
    )
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

fn spawn_key_reader(tx: Sender<Msg>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            if !event::poll(Duration::from_millis(200)).unwrap_or(false) {
                continue;
            }
            let Ok(Event::Key(k)) = event::read() else {
                continue;
            };
            if k.kind != KeyEventKind::Press {
                continue;
            }
            let c = match k.code {
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => 'q',
                KeyCode::Char(c) => c.to_ascii_lowercase(),
                KeyCode::Esc => 'q',
                _ => continue,
            };
            if c == 'q' {
                stop.store(true, Ordering::SeqCst);
            }
            if tx.send(Msg::Key(c)).is_err() {
                break;
            }
        }
    })
}

fn first_unsolved(course: &Course) -> Result<Lesson> {
    let progress = ProgressCache::load(course);
    let mut first = None;
    for dir in &course.lesson_dirs {
        if !dir.join("lesson.toml").is_file() {
            continue;
        }
        let lesson = Lesson::load(dir)?;
        let keys = ContentKeys::of(&lesson);
        if lesson
            .exercises
            .iter()
            .any(|e| progress.status(&lesson, e, &keys) != Some(Status::Pass))
        {
            return Ok(lesson);
        }
        first.get_or_insert(lesson);
    }
    first.ok_or_else(|| {
        crate::error::UserError::new(
            "no lesson has a lesson.toml yet",
            "add a lesson (see README.md, \"For authors\")",
        )
    })
}
