//! `cargo xtask hint LESSON EXERCISE`: one more hint each call, then all of them.
//!
//! Why this file exists: hints are graded in strength (gentle first), and a learner should get
//! exactly as much help as they ask for. How many were shown is remembered under `target/`.

use crate::course::Course;
use crate::course::progress::HintLevels;
use crate::error::{Outcome, Result};
use crate::term::Style;

/// The arguments of `cargo xtask hint`.
pub type Args = super::ExerciseArgs;

/// Runs the verb.
pub fn run(args: Args) -> Result<Outcome> {
    hint(&args.lesson, &args.exercise)
}

fn hint(lesson: &str, exercise: &str) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    let ex = lesson.exercise(exercise)?;
    let style = Style::stdout();
    let mut levels = HintLevels::load(&course);
    let total = ex.hints.len();
    if total == 0 {
        println!("{} has no hints.", ex.id);
        return Ok(Outcome::Success);
    }
    let seen = levels.seen(&lesson, ex);
    println!("{} · {}", style.bold(&ex.id), ex.title);
    if seen < total {
        let n = seen + 1;
        println!(
            "{} {}",
            style.yellow(&format!("hint {n}/{total}:")),
            ex.hints[n - 1]
        );
        levels.set_seen(&lesson, ex, n);
        let _ = levels.save();
        if n < total {
            println!("{} run it again for a stronger hint", style.dim("more:"));
        }
    } else {
        for (i, h) in ex.hints.iter().enumerate() {
            println!("{} {h}", style.yellow(&format!("hint {}/{total}:", i + 1)));
        }
        println!(
            "{} that is every hint; if you are still stuck: cargo xtask solution {} {} --give-up",
            style.dim("note:"),
            lesson.name,
            ex.id
        );
    }
    Ok(Outcome::Success)
}
