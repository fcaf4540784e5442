//! What `watch` knows between two checks: the last report, the exercise in focus, and the
//! learner's progress and hint levels on disk.
//!
//! Why this file exists: the rules of the loop — keep an exercise in focus until it passes,
//! `n` moves to the next one and wraps around, a hint steps up one level each press — are the
//! part of `watch` worth testing without a terminal or a file watcher. They live here as plain
//! functions over plain data; `mod.rs` feeds them events and `screen.rs` shows the result.

use crate::course::progress::{ContentKeys, HintLevels, ProgressCache};
use crate::course::status::Status;
use crate::course::{Course, Exercise, Lesson};
use crate::error::Result;
use crate::pipeline::plan::{self, CheckPlan};
use crate::pipeline::report::LessonReport;
use crate::term::Style;

/// The loop's memory.
#[derive(Default)]
pub struct State {
    /// The exercise being worked on (shown first, the target of `h`).
    pub focus: Option<String>,
    /// The last successful check: the lesson as it was loaded, and its report.
    pub last: Option<(Lesson, LessonReport)>,
}

impl State {
    /// Takes in a new report. The exercise in focus stays in focus until it passes; then
    /// focus moves to the report's own choice (the first one that does not pass).
    pub fn checked(&mut self, lesson: Lesson, report: LessonReport) {
        let still_open = self.focus.as_ref().is_some_and(|f| {
            report
                .exercises
                .iter()
                .any(|e| &e.id == f && !e.status.is_pass())
        });
        if !still_open {
            self.focus = report.focus().map(|e| e.id.clone());
        }
        self.last = Some((lesson, report));
    }

    /// `n`: focus on the next exercise of the lesson, wrapping around after the last.
    pub fn next_exercise(&mut self) {
        let Some((l, _)) = &self.last else {
            return;
        };
        let ids: Vec<&String> = l.exercises.iter().map(|e| &e.id).collect();
        let pos = self
            .focus
            .as_ref()
            .and_then(|f| ids.iter().position(|i| *i == f));
        self.focus = pos
            .map(|p| ids[(p + 1) % ids.len()].clone())
            .or(ids.first().map(|s| s.to_string()));
    }

    /// The lesson of the last check and the exercise in focus, if both are known.
    pub fn focused(&self) -> Option<(&Lesson, &Exercise)> {
        let (l, _) = self.last.as_ref()?;
        let f = self.focus.as_ref()?;
        l.exercises.iter().find(|e| &e.id == f).map(|ex| (l, ex))
    }
}

/// Checks the lesson once and records the verdicts in the progress cache.
pub fn check_once(course: &Course, name: &str) -> Result<(Lesson, LessonReport)> {
    // Re-read the manifest every time: it may have changed (a `git pull`, an author editing).
    let lesson = course.lesson(name)?;
    lesson.check_files()?;
    let keys = ContentKeys::of(&lesson);
    let mut plan = CheckPlan::course(course, &lesson, false);
    // The spinner line sits under "checking…" and is erased before the report is drawn.
    plan.build.progress = true;
    let mut report = plan::run(&plan)?;
    let mut progress = ProgressCache::load(course);
    progress.record(&lesson, report.learner_verdicts(), &keys);
    let _ = progress.save();
    crate::learner::record_attempts(course, &lesson, &report);
    crate::learner::fill_last_known(&progress, &lesson, &keys, &mut report);
    Ok((lesson, report))
}

/// `h`: the next hint of `ex`, one level up from the last one shown (saved, so `cargo xtask
/// hint` continues from there).
pub fn next_hint(course: &Course, lesson: &Lesson, ex: &Exercise, style: Style) -> String {
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

/// The lesson `watch` opens without an argument: the first with an exercise not known to
/// pass, else the first lesson.
pub fn first_unsolved(course: &Course) -> Result<Lesson> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::report::ExerciseReport;

    fn report(lesson: &Lesson, statuses: &[Status]) -> LessonReport {
        let mut r = LessonReport {
            lesson: lesson.name.clone(),
            passed: 0,
            total: 0,
            exercises: lesson
                .exercises
                .iter()
                .zip(statuses)
                .map(|(ex, st)| ExerciseReport {
                    id: ex.id.clone(),
                    title: ex.title.clone(),
                    status: *st,
                    points: ex.points,
                    tests: Vec::new(),
                    diagnostics: Vec::new(),
                    compile_summary: Vec::new(),
                    file: lesson.display_path(&ex.file),
                    last_known: None,
                })
                .collect(),
            title: lesson.title.clone(),
            solution: false,
            warnings: Vec::new(),
        };
        r.tally();
        r
    }

    #[test]
    fn focus_stays_until_the_exercise_passes_then_moves_on() {
        let lesson = crate::course::test_lesson("lesson-77", &["e01_a", "e02_b", "e03_c"]);
        let mut state = State::default();
        state.checked(
            lesson.clone(),
            report(&lesson, &[Status::Pass, Status::Fail, Status::Fail]),
        );
        assert_eq!(
            state.focus.as_deref(),
            Some("e02_b"),
            "the first check must focus the first exercise that does not pass"
        );
        state.next_exercise();
        assert_eq!(
            state.focus.as_deref(),
            Some("e03_c"),
            "`n` moves to the next exercise"
        );
        state.checked(
            lesson.clone(),
            report(&lesson, &[Status::Pass, Status::Fail, Status::Fail]),
        );
        assert_eq!(
            state.focus.as_deref(),
            Some("e03_c"),
            "a re-check must keep the exercise the learner chose while it still fails"
        );
        state.checked(
            lesson.clone(),
            report(&lesson, &[Status::Pass, Status::Fail, Status::Pass]),
        );
        assert_eq!(
            state.focus.as_deref(),
            Some("e02_b"),
            "once the focused exercise passes, focus moves to one that does not"
        );
        state.next_exercise();
        state.next_exercise();
        assert_eq!(
            state.focus.as_deref(),
            Some("e01_a"),
            "`n` after the last exercise wraps around to the first"
        );
        assert_eq!(
            state.focused().map(|(_, ex)| ex.id.as_str()),
            Some("e01_a"),
            "focused() names the exercise `h` gives a hint for"
        );
    }
}
