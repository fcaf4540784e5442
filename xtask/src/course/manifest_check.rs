//! Does a lesson's manifest match its files? (verify proof 1)
//!
//! Why this file exists: the manifest is the single source of truth the tools key on (ids name
//! files, test modules, progress and grades), so a mismatch silently breaks something far away
//! — a test module named `e3_delay` for exercise `e03_delay` would make every verdict `not_run`.
//! This check turns every such slip into a sentence that names the file to fix. `export` can run
//! it too before writing a student edition.

use crate::course::readme;
use crate::course::regions::module_regions;
use crate::course::{Exercise, Lesson};

/// Problems found, as sentences; empty means the lesson is consistent.
pub fn check(lesson: &Lesson) -> Vec<String> {
    let files = LessonFiles::read(lesson);
    let mut problems = files.missing(lesson);
    if lesson.exercises.is_empty() {
        problems.push(format!("{}/lesson.toml lists no [[exercise]]", lesson.name));
    }
    for ex in &lesson.exercises {
        problems.extend(
            exercise_problems(lesson, &files, ex)
                .into_iter()
                .map(|what| format!("{}: {what}", ex.id)),
        );
    }
    problems.extend(mistakes_problems(lesson));
    problems
}

/// The lesson-wide files every exercise is checked against (`None` when missing).
struct LessonFiles {
    check_rs: Option<String>,
    hidden_rs: Option<String>,
    lib_rs: String,
    readme: Option<String>,
    /// `mod <id> { ... }` names in `tests/check.rs` and in `grading/hidden.rs`.
    check_mods: Vec<String>,
    hidden_mods: Vec<String>,
}

impl LessonFiles {
    fn read(lesson: &Lesson) -> LessonFiles {
        let read = |rel: &str| std::fs::read_to_string(lesson.path(rel)).ok();
        let mods = |text: &Option<String>| -> Vec<String> {
            text.as_deref()
                .map(module_regions)
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.name)
                .collect()
        };
        let check_rs = read("tests/check.rs");
        let hidden_rs = read("grading/hidden.rs");
        LessonFiles {
            check_mods: mods(&check_rs),
            hidden_mods: mods(&hidden_rs),
            check_rs,
            hidden_rs,
            lib_rs: read("src/lib.rs").unwrap_or_default(),
            readme: read("README.md"),
        }
    }

    /// One sentence per lesson-wide file that does not exist.
    fn missing(&self, lesson: &Lesson) -> Vec<String> {
        [
            ("tests/check.rs", self.check_rs.is_none()),
            ("grading/hidden.rs", self.hidden_rs.is_none()),
            ("README.md", self.readme.is_none()),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(rel, _)| format!("{} is missing", lesson.display_path(rel)))
        .collect()
    }
}

/// What is wrong with one exercise's entry (each sentence is prefixed with its id by the caller).
fn exercise_problems(lesson: &Lesson, files: &LessonFiles, ex: &Exercise) -> Vec<String> {
    let mut problems = Vec::new();
    let stem = ex
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(ex.id.as_str()) {
        problems.push(format!(
            "file `{}` should be named {}.rs",
            ex.file.display(),
            ex.id
        ));
    }
    for file in [ex.file.clone(), ex.solution_file()] {
        if !lesson.path(&file).is_file() {
            problems.push(format!("{} is missing", lesson.display_path(&file)));
        }
    }
    if !files.lib_rs.contains(&format!("mod {};", ex.id)) {
        problems.push(format!("src/lib.rs does not declare `pub mod {};`", ex.id));
    }
    if files.check_rs.is_some() && !files.check_mods.contains(&ex.id) {
        problems.push(format!("tests/check.rs has no `mod {} {{ ... }}`", ex.id));
    }
    if files.hidden_rs.is_some() && !files.hidden_mods.contains(&ex.id) {
        problems.push(format!(
            "grading/hidden.rs has no `mod {} {{ ... }}`",
            ex.id
        ));
    }
    if ex.hints.len() < 2 {
        problems.push(format!("has {} hint(s); give at least 2", ex.hints.len()));
    }
    if ex.hints.iter().any(|h| h.trim().is_empty()) {
        problems.push("has an empty hint".to_string());
    }
    if let Some(readme) = &files.readme
        && !readme.contains(&ex.id)
    {
        problems.push("is not listed in the lesson README.md".to_string());
    }
    if let (Some(readme), Some(wanted)) = (&files.readme, &ex.readme)
        && readme::find(readme, wanted).is_none()
    {
        problems.push(format!(
            "readme = \"{wanted}\" names no heading of {} (headings are compared without #s and backticks)",
            lesson.display_path("README.md")
        ));
    }
    if ex.timeout_secs == Some(0) {
        problems.push("timeout_secs = 0 would fail every test".to_string());
    }
    problems
}

/// `mistakes/<id>/<slip>.rs`: the directory names a real exercise; each file says its rule.
fn mistakes_problems(lesson: &Lesson) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(rd) = std::fs::read_dir(lesson.path("mistakes")) else {
        return problems;
    };
    for entry in rd.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() {
            problems.push(format!(
                "mistakes/{name}: expected a directory named after an exercise"
            ));
            continue;
        }
        if !lesson.exercises.iter().any(|e| e.id == name) {
            problems.push(format!("mistakes/{name}/ names no exercise of lesson.toml"));
            continue;
        }
        for f in mistake_files(lesson, &name) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if !text.starts_with("//") {
                problems.push(format!(
                    "{}: the first line must be a `//` comment naming the rule it breaks",
                    lesson.display_path(f.strip_prefix(&lesson.dir).unwrap_or(&f))
                ));
            }
        }
    }
    problems
}

/// The `.rs` files of `mistakes/<id>/`, sorted.
pub fn mistake_files(lesson: &Lesson, id: &str) -> Vec<std::path::PathBuf> {
    let dir = lesson
        .exercise(id)
        .map(|ex| lesson.path(ex.mistakes_dir()))
        .unwrap_or_default();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# Lesson\n\n## Waking from `another` thread\ntext\n\n## How your work is checked\n`e01_a` and `e02_b`\n";

    fn manifest(readme_a: &str, readme_b: &str) -> String {
        let mut toml = String::from("title = \"T\"\nsummary = \"S\"\n");
        for (id, key) in [("e01_a", readme_a), ("e02_b", readme_b)] {
            toml.push_str(&format!(
                "\n[[exercise]]\nid = \"{id}\"\ntitle = \"T\"\nfile = \"src/{id}.rs\"\npoints = 1\nhints = [\"a\", \"b\"]\n{key}\n"
            ));
        }
        toml
    }

    /// The problems proof 1 reports about `readme` keys (the throw-away lesson lacks its other
    /// files, so every other sentence is set aside).
    fn readme_problems(name: &str, readme_a: &str, readme_b: &str) -> Vec<String> {
        let (lesson, root) =
            crate::course::test_lesson_files(name, &manifest(readme_a, readme_b), README);
        let problems = check(&lesson);
        let _ = std::fs::remove_dir_all(root);
        problems
            .into_iter()
            .filter(|p| p.contains("readme"))
            .collect()
    }

    #[test]
    fn a_readme_key_must_name_a_heading_of_the_lesson_readme() {
        let problems = readme_problems(
            "lesson-07",
            "readme = \"## Waking from another thread\"",
            "readme = \"Waking from another threads\"",
        );
        assert_eq!(
            problems,
            [
                "e02_b: readme = \"Waking from another threads\" names no heading of \
                 lesson-07/README.md (headings are compared without #s and backticks)"
            ],
            "a heading the README lacks must be one sentence naming the exercise, the lesson and \
             the heading; a heading that differs only in #s and backticks must pass"
        );
        assert!(
            readme_problems("lesson-08", "", "").is_empty(),
            "the key is optional: leaving it out is not a problem"
        );
    }
}
