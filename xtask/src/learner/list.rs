//! `cargo xtask list`: every lesson and exercise with its last known status.
//!
//! Why this file exists: "where am I?" must be instant, so it never builds — it hashes a few
//! files and reads the progress cache ([`crate::course::progress`]). An exercise whose files changed
//! since its last check shows as unknown (`?`), never with a stale verdict.

use crate::course::Course;
use crate::course::progress::{ContentKeys, ProgressCache};
use crate::course::status::Status;
use crate::error::{Outcome, Result};
use crate::term::Style;

/// `cargo xtask list` takes no arguments.
#[derive(clap::Args, Debug, Default)]
pub struct Args {}

/// Runs the verb.
pub fn run(Args {}: Args) -> Result<Outcome> {
    let course = Course::locate()?;
    let progress = ProgressCache::load(&course);
    let style = Style::stdout();
    let mut out = String::new();
    for dir in &course.lesson_dirs {
        let lesson = match crate::course::Lesson::load(dir) {
            Ok(l) => l,
            Err(e) => {
                let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
                out.push_str(&format!(
                    "{}  {}\n",
                    style.bold(&name.unwrap_or_default()),
                    style.dim(&format!("(cannot read it: {e})"))
                ));
                continue;
            }
        };
        let keys = ContentKeys::of(&lesson);
        let statuses: Vec<Option<Status>> = lesson
            .exercises
            .iter()
            .map(|ex| progress.status(&lesson, ex, &keys))
            .collect();
        let passed = statuses
            .iter()
            .filter(|s| **s == Some(Status::Pass))
            .count();
        out.push_str(&format!(
            "{} · {}  {}\n",
            style.bold(&lesson.name),
            lesson.title,
            style.bold(&format!("{passed}/{}", lesson.exercises.len()))
        ));
        let width = lesson
            .exercises
            .iter()
            .map(|e| e.id.len())
            .max()
            .unwrap_or(0);
        for (ex, st) in lesson.exercises.iter().zip(&statuses) {
            let mark = match st {
                Some(Status::Pass) => style.green("✓"),
                Some(Status::NotRun) | None => style.dim("?"),
                Some(_) => style.red("✗"),
            };
            let tail = match st {
                None if progress.ever_checked(&lesson, ex) => {
                    style.dim("  (changed since its last check)")
                }
                None => String::new(),
                Some(s) if !s.is_pass() => style.dim(&format!("  ({})", s.phrase())),
                _ => String::new(),
            };
            out.push_str(&format!("  {mark} {:<width$}  {}{tail}\n", ex.id, ex.title));
        }
    }
    out.push_str(&format!(
        "{} cargo xtask   (checks the first lesson with an unsolved exercise)\n",
        style.bold("next:")
    ));
    print!("{out}");
    Ok(Outcome::Success)
}
