//! What `watch` puts on the terminal, and the keys it reads from it.
//!
//! Why this file exists: the terminal is the one part of `watch` that differs between a
//! learner's shell (raw mode, keys, a cleared screen) and a pipe in CI or a test (plain lines,
//! no keys). Keeping it here lets the loop in `mod.rs` say *what* to show and not *how*: in raw
//! mode a newline must be written as `\r\n`, the screen is cleared only on a real terminal, and
//! raw mode is restored by a guard however the loop ends.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use super::Msg;
use crate::course::Lesson;
use crate::course::status::Status;
use crate::pipeline::report::{self, LessonReport};
use crate::term::Style;

pub use crate::term::raw::RawMode;

/// Where the report goes: raw mode or not, and whether a redraw clears the screen first.
pub struct Screen {
    /// Raw mode is on (newlines need a carriage return).
    pub raw: bool,
    /// Stdout is a terminal, so a redraw clears it.
    pub clear: bool,
}

impl Screen {
    /// Replaces what is on screen.
    pub fn show(&self, text: &str) {
        self.write(text, self.clear);
    }

    /// Adds text under what is on screen.
    pub fn append(&self, text: &str) {
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

/// The two notes under the report: how changes are noticed, and which keys work.
pub fn notes(
    polling: bool,
    forced_polling: bool,
    raw: bool,
    interactive: bool,
) -> (&'static str, &'static str) {
    let mode_note = match (polling, forced_polling) {
        (true, true) => "Polling for changes every 0.7 s (GEARS_WATCH_POLL=1).",
        (true, false) => {
            "File events don't arrive here (a network or WSL mount?), so watch checks for changes every 0.7 s."
        }
        _ => "",
    };
    let keys_note = match (raw, interactive) {
        (true, _) => "keys: h hint · n next exercise · r re-run · q quit",
        (false, true) => "this terminal refused raw mode, so keys are off — stop with Ctrl-C",
        (false, false) => "stop with Ctrl-C",
    };
    (mode_note, keys_note)
}

/// The report with the exercise in focus first and one next step under it. `keys` says
/// whether the learner can press `h`/`q` (raw mode) or must be told the command.
pub fn render(
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

/// Reads key presses on a thread until `stop` is set; `q`, Esc and Ctrl-C all mean quit (and
/// set `stop` themselves, so a quit during a check is not lost).
pub fn spawn_key_reader(tx: Sender<Msg>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    use crate::term::raw::{self, Key};
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            let c = match raw::read_key(Duration::from_millis(200)) {
                Some(Key::Quit) => 'q',
                Some(Key::Char(c)) => c,
                None => continue,
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
