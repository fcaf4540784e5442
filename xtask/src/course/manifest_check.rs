//! Does a lesson's manifest match its files? (verify proof 1)
//!
//! Why this file exists: the manifest is the single source of truth the tools key on (ids name
//! files, test modules, progress and grades), so a mismatch silently breaks something far away
//! — a test module named `e3_delay` for exercise `e03_delay` would make every verdict `not_run`.
//! This check turns every such slip into a sentence that names the file to fix. `export` can run
//! it too before writing a student edition.

use crate::course::Lesson;
use crate::course::regions::module_regions;

/// Problems found, as sentences; empty means the lesson is consistent.
pub fn check(lesson: &Lesson) -> Vec<String> {
    let mut problems = Vec::new();
    let read = |rel: &str| std::fs::read_to_string(lesson.path(rel)).ok();
    let check_rs = read("tests/check.rs");
    let hidden_rs = read("grading/hidden.rs");
    let lib_rs = read("src/lib.rs").unwrap_or_default();
    let readme = read("README.md");
    let check_mods: Vec<String> = check_rs
        .as_deref()
        .map(module_regions)
        .unwrap_or_default()
        .into_iter()
        .map(|m| m.name)
        .collect();
    let hidden_mods: Vec<String> = hidden_rs
        .as_deref()
        .map(module_regions)
        .unwrap_or_default()
        .into_iter()
        .map(|m| m.name)
        .collect();
    if check_rs.is_none() {
        problems.push(format!(
            "{} is missing",
            lesson.display_path("tests/check.rs")
        ));
    }
    if hidden_rs.is_none() {
        problems.push(format!(
            "{} is missing",
            lesson.display_path("grading/hidden.rs")
        ));
    }
    if readme.is_none() {
        problems.push(format!("{} is missing", lesson.display_path("README.md")));
    }
    if lesson.exercises.is_empty() {
        problems.push(format!("{}/lesson.toml lists no [[exercise]]", lesson.name));
    }
    for ex in &lesson.exercises {
        let p = |what: String| format!("{}: {what}", ex.id);
        let stem = ex
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        if stem.as_deref() != Some(ex.id.as_str()) {
            problems.push(p(format!(
                "file `{}` should be named {}.rs",
                ex.file.display(),
                ex.id
            )));
        }
        if !lesson.path(&ex.file).is_file() {
            problems.push(p(format!("{} is missing", lesson.display_path(&ex.file))));
        }
        if !lesson.path(ex.solution_file()).is_file() {
            problems.push(p(format!(
                "{} is missing",
                lesson.display_path(ex.solution_file())
            )));
        }
        if !lib_rs.contains(&format!("mod {};", ex.id)) {
            problems.push(p(format!(
                "src/lib.rs does not declare `pub mod {};`",
                ex.id
            )));
        }
        if check_rs.is_some() && !check_mods.contains(&ex.id) {
            problems.push(p(format!(
                "tests/check.rs has no `mod {} {{ ... }}`",
                ex.id
            )));
        }
        if hidden_rs.is_some() && !hidden_mods.contains(&ex.id) {
            problems.push(p(format!(
                "grading/hidden.rs has no `mod {} {{ ... }}`",
                ex.id
            )));
        }
        if ex.hints.len() < 2 {
            problems.push(p(format!(
                "has {} hint(s); give at least 2",
                ex.hints.len()
            )));
        }
        if ex.hints.iter().any(|h| h.trim().is_empty()) {
            problems.push(p("has an empty hint".to_string()));
        }
        if let Some(readme) = &readme
            && !readme.contains(&ex.id)
        {
            problems.push(p("is not listed in the lesson README.md".to_string()));
        }
        if ex.timeout_secs == Some(0) {
            problems.push(p("timeout_secs = 0 would fail every test".to_string()));
        }
    }
    // mistakes/<id>/<slip>.rs: the directory names a real exercise; each file says its rule.
    if let Ok(rd) = std::fs::read_dir(lesson.path("mistakes")) {
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
