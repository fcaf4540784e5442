//! `cargo xtask export --out DIR [--force] [--with-solutions]`: the student edition of the course.
//!
//! Why this file exists: the instructor's repository holds what students must not see —
//! reference solutions (`solutions/`), hidden grading tests (`grading/`) and the known-wrong
//! variants (`mistakes/`) — and the wiring for them (the `solution` feature, the `hidden` test
//! target, the `#[cfg_attr(feature = "solution", path = ...)]` lines). The export copies
//! everything else and removes that wiring, so the student edition builds and `cargo xtask
//! check` works there, while the grading verbs say they need the instructor edition.
//!
//! Which files: the files git knows about (tracked, plus new files that `.gitignore` does not
//! exclude) when the course is a git checkout, otherwise every file; never `target/` or `.git/`.
//! The instructor's CI (`.ci/`), the grading benchmark and the author's `first-messages.sh`
//! (it reads `mistakes/`) are left out too.
//!
//! The edition speaks for itself: its `README.md` is written here ([`student_readme`]) from the
//! course README's "For learners" part, so it lists only verbs that work there, and the tool's
//! `--help` hides the rest (it reads the edition off the lesson folders, `Course::edition`).
//!
//! `--with-solutions` is for self-paced cohorts: it keeps `solutions/` and the `solution`
//! wiring, so `cargo xtask solution` reveals each reference solution once its exercise passes,
//! as in the instructor edition. That is a convenience, not a secret — the files are right
//! there — and the README says so. Hidden tests and mistakes stay out either way.
//!
//! After writing, [`leak_check`] compares the export with the instructor's spoiler files: no
//! exported file may equal a spoiler file, and no *non-trivial* line (20 or more non-blank
//! characters, so `}` or `use std::pin::Pin;` do not count) may appear in the export if, in the
//! course, it appears only in spoiler files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::course::{Course, lesson_number};
use crate::error::{Outcome, Result, UserError};

/// Folders of a lesson that only the instructor edition has.
pub const SPOILER_DIRS: &[&str] = &["solutions", "grading", "mistakes"];

/// Top-level paths the student edition leaves out besides the spoilers.
const INSTRUCTOR_ONLY: &[&str] = &[
    ".ci",
    "scripts/bench-grade.sh",
    "scripts/first-hour.sh",
    // Reads every mistakes/ variant, which the student edition does not have.
    "scripts/first-messages.sh",
];

/// Lines shorter than this (non-blank characters) are too common to count as leaks.
pub const MIN_LEAK_CHARS: usize = 20;

/// The arguments of `cargo xtask export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to write it to (must be empty unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace the folder's contents if it is not empty.
    #[arg(long)]
    pub force: bool,
    /// Keep the reference solutions (self-paced cohorts): `cargo xtask solution` shows each one
    /// once its exercise passes. A convenience, not a secret.
    #[arg(long)]
    pub with_solutions: bool,
}

/// The `export` verb: writes the student edition, then runs the leak check on it.
pub fn run(args: Args) -> Result<Outcome> {
    let Args {
        out,
        force,
        with_solutions,
    } = args;
    let out = out.as_path();
    let course = Course::locate()?;
    let summary = export(&course, out, force, with_solutions)?;
    println!(
        "student edition written to {} ({} files; left out: {})",
        out.display(),
        summary.files,
        if with_solutions {
            "hidden tests, mistakes; the solutions are in, shown once an exercise passes"
        } else {
            "solutions, hidden tests, mistakes"
        }
    );
    if summary.leaks.is_empty() {
        println!("leak check: no file or line of the instructor's spoilers is in it");
        Ok(Outcome::Success)
    } else {
        println!(
            "leak check FAILED: {} leaked lines or files:",
            summary.leaks.len()
        );
        for l in summary.leaks.iter().take(20) {
            println!("  {l}");
        }
        Ok(Outcome::Failed)
    }
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// Files written.
    pub files: usize,
    /// Leak-check findings (empty when clean).
    pub leaks: Vec<String>,
}

/// Writes the student edition of `course` into `out` (with the reference solutions when
/// `with_solutions`).
pub fn export(
    course: &Course,
    out: &Path,
    force: bool,
    with_solutions: bool,
) -> Result<ExportSummary> {
    let out = std::path::absolute(out)
        .map_err(|e| UserError::io("cannot read the current directory", e))?;
    check_destination(course, &out, force)?;
    let files = course_files(&course.root)?;
    let mut written = 0;
    for rel in &files {
        if !is_exported(rel, with_solutions) {
            continue;
        }
        let src = course.root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            continue; // listed by git but deleted in the work tree
        };
        if !meta.is_file() {
            continue;
        }
        let bytes = std::fs::read(&src)
            .map_err(|e| UserError::io(format!("cannot read {}", src.display()), e))?;
        let bytes = if rel == Path::new("README.md") {
            student_readme(&String::from_utf8_lossy(&bytes), with_solutions).into_bytes()
        } else {
            transform(rel, bytes, with_solutions)?
        };
        let dest = out.join(rel);
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
        }
        std::fs::write(&dest, bytes)
            .map_err(|e| UserError::io(format!("cannot write {}", dest.display()), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(
                &dest,
                std::fs::Permissions::from_mode(meta.permissions().mode()),
            );
        }
        written += 1;
    }
    let spoilers: &[&str] = if with_solutions {
        &SPOILER_DIRS[1..]
    } else {
        SPOILER_DIRS
    };
    let leaks = leak_check(&course.root, &out, spoilers)?;
    Ok(ExportSummary {
        files: written,
        leaks,
    })
}

fn check_destination(course: &Course, out: &Path, force: bool) -> Result<()> {
    let canon_out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let target = course.target_dir();
    let inside_course = canon_out.starts_with(&course.root) && !canon_out.starts_with(&target);
    if course.root.starts_with(&canon_out) || inside_course {
        return Err(UserError::new(
            format!("{} is the course itself or inside it", out.display()),
            "export to a folder outside the course, e.g. `--out ../async-gears-student`",
        ));
    }
    let non_empty = std::fs::read_dir(out)
        .map(|mut rd| rd.next().is_some())
        .unwrap_or(false);
    if non_empty {
        if !force {
            return Err(UserError::new(
                format!("{} is not empty", out.display()),
                "choose an empty or new folder, or add --force to replace its contents",
            ));
        }
        std::fs::remove_dir_all(out)
            .map_err(|e| UserError::io(format!("cannot empty {}", out.display()), e))?;
    }
    std::fs::create_dir_all(out)
        .map_err(|e| UserError::io(format!("cannot create {}", out.display()), e))
}

/// The course's files, relative to its root: git's view (tracked + untracked-not-ignored) when
/// the course is a git work tree, otherwise a walk. `target/` and `.git/` never.
pub fn course_files(root: &Path) -> Result<Vec<PathBuf>> {
    let git = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .output();
    let mut files: Vec<PathBuf> = match git {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => o
            .stdout
            .split(|b| *b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| PathBuf::from(String::from_utf8_lossy(s).into_owned()))
            .collect(),
        _ => {
            let mut v = Vec::new();
            walk(root, Path::new(""), &mut v);
            v
        }
    };
    files.retain(|p| {
        let first = p
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        !matches!(first.as_deref(), Some("target" | ".git"))
    });
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let name = e.file_name();
        let child = rel.join(&name);
        if rel.as_os_str().is_empty() && (name == "target" || name == ".git") {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(root, &child, out),
            Ok(t) if t.is_file() => out.push(child),
            _ => {}
        }
    }
}

/// True when `rel` is a spoiler: inside `lesson-NN/{solutions,grading,mistakes}/`.
pub fn is_spoiler(rel: &Path) -> bool {
    is_spoiler_of(rel, SPOILER_DIRS)
}

/// True when `rel` is inside `lesson-NN/<one of spoilers>/`.
fn is_spoiler_of(rel: &Path, spoilers: &[&str]) -> bool {
    let parts: Vec<&std::ffi::OsStr> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
        .collect();
    parts.len() >= 3
        && lesson_number(Path::new(parts[0])).is_some()
        && spoilers.iter().any(|d| parts[1] == *d)
}

fn is_exported(rel: &Path, with_solutions: bool) -> bool {
    let spoilers: &[&str] = if with_solutions {
        &SPOILER_DIRS[1..]
    } else {
        SPOILER_DIRS
    };
    if is_spoiler_of(rel, spoilers) {
        return false;
    }
    !INSTRUCTOR_ONLY.iter().any(|x| rel.starts_with(x))
}

/// Removes the instructor-only wiring from a lesson's `Cargo.toml` and `src/lib.rs` (with
/// solutions, only the hidden test target goes).
fn transform(rel: &Path, bytes: Vec<u8>, with_solutions: bool) -> Result<Vec<u8>> {
    let mut parts = rel.components();
    let in_lesson = parts
        .next()
        .is_some_and(|c| lesson_number(Path::new(c.as_os_str())).is_some());
    if !in_lesson {
        return Ok(bytes);
    }
    let rest: PathBuf = parts.collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if rest == Path::new("Cargo.toml") {
        let out = strip_manifest(&text, with_solutions);
        // The result must still be a manifest, and must have lost what we meant to remove.
        let parsed: toml::Table = toml::from_str(&out).map_err(|e| {
            UserError::new(
                format!("{}: the exported manifest does not parse: {}", rel.display(), e.message()),
                "simplify the lesson's Cargo.toml (the export edits its [features] and [[test]] sections)",
            )
        })?;
        let has_solution = parsed
            .get("features")
            .and_then(|f| f.get("solution"))
            .is_some();
        if has_solution != with_solutions {
            return Err(UserError::new(
                format!("{}: could not remove the `solution` feature", rel.display()),
                "write it as a plain `solution = []` line under [features]",
            ));
        }
        return Ok(out.into_bytes());
    }
    if rest == Path::new("src/lib.rs") && !with_solutions {
        return Ok(strip_lib(&text).into_bytes());
    }
    Ok(bytes)
}

/// Drops the `solution` feature (and `[features]` if it is left empty) and every `[[test]]`
/// whose path is under `grading/`, keeping all other text (and comments) as they are.
/// Comment lines directly above a dropped section go with it.
/// With `keep_solution` (an export with solutions) the `solution` feature stays.
pub fn strip_manifest(text: &str, keep_solution: bool) -> String {
    // Split into sections: (leading comment lines, header line, body lines).
    struct Section<'a> {
        lead: Vec<&'a str>,
        header: Option<&'a str>,
        body: Vec<&'a str>,
    }
    let mut sections: Vec<Section> = vec![Section {
        lead: Vec::new(),
        header: None,
        body: Vec::new(),
    }];
    let mut pending: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            sections.push(Section {
                lead: std::mem::take(&mut pending),
                header: Some(line),
                body: Vec::new(),
            });
        } else if t.starts_with('#') || t.is_empty() {
            pending.push(line);
        } else {
            let cur = sections.last_mut().expect("one section");
            cur.body.append(&mut pending);
            cur.body.push(line);
        }
    }
    let trailing = pending;
    let mut out: Vec<&str> = Vec::new();
    for mut s in sections {
        let header = s.header.map(str::trim).unwrap_or("");
        if header == "[[test]]"
            && s.body.iter().any(|l| {
                let l = l.trim().replace(' ', "");
                l.starts_with("path=\"grading/") || l.starts_with("path='grading/")
            })
        {
            continue;
        }
        if header == "[features]" && !keep_solution {
            s.body.retain(|l| {
                let key = l.trim().split('=').next().unwrap_or("").trim();
                key != "solution"
            });
            // Drop comments that only described the removed feature.
            let has_keys = s
                .body
                .iter()
                .any(|l| !l.trim().is_empty() && !l.trim().starts_with('#'));
            if !has_keys {
                continue;
            }
        }
        out.extend(s.lead);
        if let Some(h) = s.header {
            out.push(h);
        }
        out.extend(s.body);
    }
    out.extend(trailing);
    // Collapse the blank runs the removals leave behind.
    let mut result = String::new();
    let mut blank = false;
    for l in out {
        if l.trim().is_empty() {
            if blank || result.is_empty() {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        result.push_str(l);
        result.push('\n');
    }
    while result.ends_with("\n\n") {
        result.pop();
    }
    result
}

/// Drops the `#[cfg_attr(feature = "solution", path = ...)]` lines of a lesson's `lib.rs`.
pub fn strip_lib(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim().replace(' ', "");
        if t.starts_with("#[cfg_attr(feature=\"solution\"") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn normalise(line: &str) -> Option<String> {
    let squeezed: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let significant = squeezed.chars().filter(|c| !c.is_whitespace()).count();
    (significant >= MIN_LEAK_CHARS).then_some(squeezed)
}

/// Compares an export with the course's spoilers (the lesson folders named in `spoilers`, e.g.
/// [`SPOILER_DIRS`]); returns one line per finding.
pub fn leak_check(
    course_root: &Path,
    export_root: &Path,
    spoilers: &[&str],
) -> Result<Vec<String>> {
    let is_spoiler = |rel: &Path| is_spoiler_of(rel, spoilers);
    let files = course_files(course_root)?;
    let mut spoiler_lines: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut public_lines: BTreeSet<String> = BTreeSet::new();
    let mut spoiler_files: BTreeMap<Vec<u8>, PathBuf> = BTreeMap::new();
    for rel in &files {
        let Ok(bytes) = std::fs::read(course_root.join(rel)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if is_spoiler(rel) {
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                spoiler_files.insert(bytes.clone(), rel.clone());
            }
            for l in text.lines().filter_map(normalise) {
                spoiler_lines.entry(l).or_insert_with(|| rel.clone());
            }
        } else {
            public_lines.extend(text.lines().filter_map(normalise));
        }
    }
    let mut exported = Vec::new();
    walk(export_root, Path::new(""), &mut exported);
    exported.sort();
    let mut leaks = Vec::new();
    for rel in exported {
        let Ok(bytes) = std::fs::read(export_root.join(&rel)) else {
            continue;
        };
        if is_spoiler(&rel) {
            leaks.push(format!(
                "{}: a spoiler folder is in the export",
                rel.display()
            ));
            continue;
        }
        if let Some(src) = spoiler_files.get(&bytes) {
            leaks.push(format!("{}: identical to {}", rel.display(), src.display()));
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let Some(n) = normalise(line) else { continue };
            if public_lines.contains(&n) {
                continue;
            }
            if let Some(src) = spoiler_lines.get(&n) {
                leaks.push(format!(
                    "{}:{}: line from {}: {}",
                    rel.display(),
                    i + 1,
                    src.display(),
                    n
                ));
            }
        }
    }
    Ok(leaks)
}

/// The student edition's README: the course README's opening and its "For learners" part, with
/// what does not work in this edition taken out (the author's `verify` line; `solution` unless
/// the solutions came along), and a word on what this edition is.
pub fn student_readme(course_readme: &str, with_solutions: bool) -> String {
    let mut out = String::new();
    for line in course_readme.lines() {
        if line.starts_with("## ") && !line.starts_with("## For learners") {
            break;
        }
        if line.contains("cargo xtask verify") {
            continue;
        }
        if !with_solutions && line.contains("cargo xtask solution") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("# ") {
            out.push_str(if with_solutions {
                "\n*Self-paced edition: the exercises, their visible tests and the reference \
                 solutions. `cargo xtask solution` shows a solution once your exercise passes — \
                 a convenience to keep you honest, not a secret: the files are in `solutions/`.*\n"
            } else {
                "\n*Student edition: the exercises and their visible tests. Your instructor has \
                 the reference solutions and grades with tests of their own.*\n"
            });
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_readme_lists_only_what_works_there() {
        let readme = "# Course\n\nintro\n\n```sh\ncargo xtask          # start\ncargo xtask verify   # authors\n```\n\n## For learners\n\n| `cargo xtask check 02` | a |\n| `cargo xtask solution 02 e03` | b |\n\n## For instructors\n\n`cargo xtask grade`\n";
        let plain = student_readme(readme, false);
        assert!(
            plain.contains("cargo xtask check 02") && plain.contains("Student edition"),
            "the learner's part and a word on the edition stay:\n{plain}"
        );
        for gone in [
            "verify",
            "solution 02",
            "For instructors",
            "cargo xtask grade",
        ] {
            assert!(
                !plain.contains(gone),
                "the student edition's README must not offer `{gone}`, which does not work there:\n{plain}"
            );
        }
        let self_paced = student_readme(readme, true);
        assert!(
            self_paced.contains("cargo xtask solution 02 e03")
                && self_paced.contains("not a secret"),
            "with solutions, `solution` is listed and the README says it is a convenience:\n{self_paced}"
        );
    }

    #[test]
    fn manifest_loses_solution_feature_and_hidden_target() {
        let text = "[package]\nname = \"lesson-02\"\nedition.workspace = true\n\n[features]\n# Swap every exercise for its reference solution.\nsolution = []\n\n[dependencies]\ntokio.workspace = true\n\n# Hidden grading tests: instructor edition only.\n[[test]]\nname = \"hidden\"\npath = \"grading/hidden.rs\"\n";
        let out = strip_manifest(text, false);
        assert_eq!(
            out,
            "[package]\nname = \"lesson-02\"\nedition.workspace = true\n\n[dependencies]\ntokio.workspace = true\n"
        );
        let kept = strip_manifest("[features]\nsolution = []\nextra = []\n", false);
        assert_eq!(kept, "[features]\nextra = []\n");
    }

    #[test]
    fn lib_loses_cfg_attr_lines() {
        let text = "//! doc\n\n#[cfg_attr(feature = \"solution\", path = \"../solutions/e01_a.rs\")]\npub mod e01_a;\n";
        assert_eq!(strip_lib(text), "//! doc\n\npub mod e01_a;\n");
    }

    #[test]
    fn spoiler_paths() {
        assert!(is_spoiler(Path::new("lesson-02/solutions/e01.rs")));
        assert!(is_spoiler(Path::new("lesson-02/mistakes/e01/x.rs")));
        assert!(is_spoiler(Path::new("lesson-02/grading/hidden.rs")));
        assert!(!is_spoiler(Path::new("lesson-02/src/e01.rs")));
        assert!(!is_spoiler(Path::new(
            "xtask/tests/fixtures/attacks/_course/lesson-90/solutions/e01_add.rs"
        )));
        assert!(!is_exported(Path::new(".ci/run"), false));
        // The format contract goes to learners too: it holds no spoiler.
        assert!(
            is_exported(Path::new("docs/FORMAT.md"), false)
                && !is_spoiler(Path::new("docs/FORMAT.md")),
            "docs/ must be part of the student edition"
        );
        assert!(is_exported(Path::new(".cargo/config.toml"), false));
    }

    #[test]
    fn leak_check_finds_copied_lines() {
        let course = tempfile::tempdir().unwrap();
        let export = tempfile::tempdir().unwrap();
        let w = |root: &Path, rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w(
            course.path(),
            "lesson-02/src/e01.rs",
            "pub fn f() -> u32 {\n    todo!()\n}\n",
        );
        w(
            course.path(),
            "lesson-02/solutions/e01.rs",
            "pub fn f() -> u32 {\n    let secret_answer = 6 * 7;\n    secret_answer\n}\n",
        );
        w(
            export.path(),
            "lesson-02/src/e01.rs",
            "pub fn f() -> u32 {\n    todo!()\n}\n",
        );
        assert!(
            leak_check(course.path(), export.path(), SPOILER_DIRS)
                .unwrap()
                .is_empty()
        );
        w(
            export.path(),
            "lesson-02/README.md",
            "Try `let secret_answer = 6 * 7;`\n    let secret_answer = 6 * 7;\n",
        );
        let leaks = leak_check(course.path(), export.path(), SPOILER_DIRS).unwrap();
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert!(leaks[0].starts_with("lesson-02/README.md:2:"));
    }
}
