//! The lesson model: where the course is, which lessons it has, what each `lesson.toml` says.
//!
//! Why this file exists: every verb — `check`, `watch`, `verify`, and the instructor's `export`
//! and `grade` — starts from the same questions: where is the workspace root, what is
//! `lesson-02`, which exercises does it have and which file is each one. Answering them in one
//! place keeps the verbs consistent (a lesson argument means the same thing everywhere) and keeps
//! error messages about the manifest precise (file, key and line).
//!
//! Loading is lazy on purpose: [`Course::locate`] only finds the root and lists `lesson-*`
//! directories; a manifest is parsed when a verb asks for that lesson. A typo in lesson 3's
//! manifest therefore never stops a learner working on lesson 2.
//!
//! This is the bottom layer of the tool (only [`crate::error`] and [`crate::term`] sit below it):
//! it knows the course format — lessons, their manifests, the verdict vocabulary and what a
//! learner has done so far — and nothing about builds, tests or verbs.
//!
//! * [`manifest_check`]: does a manifest match its files (verify proof 1);
//! * [`regions`]: where each exercise's `mod <id> { ... }` sits in a test file;
//! * [`status`]: the verdict of a test and of an exercise;
//! * [`progress`]: the learner's progress cache and hint levels, under `target/`.

pub mod manifest_check;
pub mod progress;
pub mod regions;
pub mod status;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Result, UserError};

/// Environment variable that pins the course root (tests, scripts, unusual layouts).
pub const ROOT_ENV: &str = "GEARS_COURSE_ROOT";

/// Time limit for one test process when the manifest does not say otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The course workspace: its root and its lesson directories (sorted by number).
#[derive(Debug, Clone)]
pub struct Course {
    /// Directory holding the workspace `Cargo.toml`.
    pub root: PathBuf,
    /// `lesson-*` directories, sorted by lesson number then name.
    pub lesson_dirs: Vec<PathBuf>,
}

/// One lesson, its manifest parsed.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// Directory name, e.g. `lesson-02`; also how every message names the lesson.
    pub name: String,
    /// The number in the name (`2` for `lesson-02`).
    pub number: u32,
    /// Absolute path of the lesson crate.
    pub dir: PathBuf,
    /// Cargo package name (from the lesson's `Cargo.toml`; usually equal to `name`).
    pub package: String,
    /// Title from `lesson.toml`.
    pub title: String,
    /// One-line summary from `lesson.toml`.
    pub summary: String,
    /// Exercises in the order a learner works through them.
    pub exercises: Vec<Exercise>,
}

/// One `[[exercise]]` of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// Stable id, e.g. `e01_countdown` (= file stem = test module name).
    pub id: String,
    /// Human title.
    pub title: String,
    /// The learner's file, relative to the lesson directory (e.g. `src/e01_countdown.rs`).
    pub file: PathBuf,
    /// Points when graded.
    pub points: u32,
    /// Hints, gentlest first.
    pub hints: Vec<String>,
    /// Per-test time limit override, in seconds.
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    title: String,
    summary: String,
    #[serde(default, rename = "exercise")]
    exercises: Vec<ExerciseToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseToml {
    id: String,
    title: String,
    file: String,
    points: u32,
    hints: Vec<String>,
    timeout_secs: Option<u64>,
}

impl Exercise {
    /// The time limit of each of this exercise's tests.
    pub fn timeout(&self) -> Duration {
        self.timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TIMEOUT)
    }

    /// The reference solution, relative to the lesson directory (`solutions/<file name>`).
    pub fn solution_file(&self) -> PathBuf {
        let name = self.file.file_name().map(PathBuf::from).unwrap_or_default();
        Path::new("solutions").join(name)
    }

    /// The directory of known-wrong variants, relative to the lesson directory.
    pub fn mistakes_dir(&self) -> PathBuf {
        Path::new("mistakes").join(&self.id)
    }

    /// Prefix shared by the full names of this exercise's tests (`e01_countdown::`).
    pub fn test_prefix(&self) -> String {
        format!("{}::", self.id)
    }

    /// Whether a full libtest name (`e01_countdown::completes`) belongs to this exercise.
    pub fn owns_test(&self, test_name: &str) -> bool {
        test_name.starts_with(&self.test_prefix())
    }
}

/// The three shapes of the course `export` can leave behind. The tool shows only the verbs an
/// edition can run, so a learner's `--help` never offers something that answers "not here".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// The authors' repository: solutions, hidden tests, mistakes; every verb.
    Instructor,
    /// `export --with-solutions`: the student edition plus the reference solutions, which
    /// `solution` reveals once an exercise passes.
    SelfPaced,
    /// `export`: exercises, visible tests and lesson text only.
    Student,
}

impl Course {
    /// Finds the course from the current directory (or [`ROOT_ENV`]).
    pub fn locate() -> Result<Course> {
        if let Some(root) = std::env::var_os(ROOT_ENV) {
            let root = PathBuf::from(root);
            if !is_course_root(&root) {
                return Err(UserError::new(
                    format!("{ROOT_ENV}={} is not an Async Gears course", root.display()),
                    "point it at the folder with the workspace Cargo.toml and lesson-* folders",
                ));
            }
            return Course::at(&root);
        }
        let cwd = std::env::current_dir()
            .map_err(|e| UserError::io("cannot read the current directory", e))?;
        let mut dir: Option<&Path> = Some(&cwd);
        while let Some(d) = dir {
            if is_course_root(d) {
                return Course::at(d);
            }
            dir = d.parent();
        }
        Err(UserError::new(
            "this is not inside an Async Gears course",
            "cd into the course folder (the one with lesson-01, lesson-02, ...) and run it again",
        ))
    }

    /// Opens the course rooted at `root` without walking up.
    pub fn at(root: &Path) -> Result<Course> {
        let root = root
            .canonicalize()
            .map_err(|e| UserError::io(format!("cannot open {}", root.display()), e))?;
        let mut lesson_dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .map_err(|e| UserError::io(format!("cannot list {}", root.display()), e))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir() && lesson_number(p).is_some())
            .collect();
        lesson_dirs.sort_by_key(|p| (lesson_number(p), p.clone()));
        Ok(Course { root, lesson_dirs })
    }

    /// Names of all lessons (`lesson-01`, ...), in order.
    pub fn lesson_names(&self) -> Vec<String> {
        self.lesson_dirs.iter().map(|d| dir_name(d)).collect()
    }

    /// Resolves `lesson-02`, `02` or `2` and loads that lesson's manifest.
    pub fn lesson(&self, arg: &str) -> Result<Lesson> {
        Lesson::load(&self.lesson_dir(arg)?)
    }

    /// The directory a lesson argument (`lesson-02`, `02`, `2`) names, without loading its
    /// manifest — the one lookup every verb uses, so an argument means the same everywhere.
    /// `verify` needs the directory even when the manifest does not parse (proof 1 then
    /// reports why).
    pub fn lesson_dir(&self, arg: &str) -> Result<PathBuf> {
        let wanted = parse_lesson_arg(arg);
        let dir = self
            .lesson_dirs
            .iter()
            .find(|d| dir_name(d) == arg || (wanted.is_some() && lesson_number(d) == wanted));
        match dir {
            Some(d) => Ok(d.clone()),
            None => Err(UserError::new(
                format!("there is no lesson `{arg}`"),
                format!(
                    "use one of: {} (or just its number)",
                    self.lesson_names().join(", ")
                ),
            )),
        }
    }

    /// The cargo target directory the course builds into: `CARGO_TARGET_DIR` or `<root>/target`.
    ///
    /// `check` must build where a plain `cargo test` builds, or the two would compile everything
    /// twice; we do not read `build.target-dir` from cargo config files (the course sets none).
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(t) if !t.is_empty() => {
                let t = PathBuf::from(t);
                if t.is_absolute() {
                    t
                } else {
                    self.root.join(t)
                }
            }
            _ => self.root.join("target"),
        }
    }

    /// Which edition of the course this is, read off what its lessons carry (see [`Edition`]).
    pub fn edition(&self) -> Edition {
        let any = |name: &str| self.lesson_dirs.iter().any(|d| d.join(name).is_dir());
        if any("grading") || any("mistakes") {
            Edition::Instructor
        } else if any("solutions") {
            Edition::SelfPaced
        } else {
            Edition::Student
        }
    }

    /// `<target>/xtask`: where every cache, tree and state file of the tool lives.
    pub fn state_dir(&self) -> PathBuf {
        self.target_dir().join("xtask")
    }
}

impl Lesson {
    /// Parses `<dir>/lesson.toml` and the package name from `<dir>/Cargo.toml`.
    pub fn load(dir: &Path) -> Result<Lesson> {
        let name = dir_name(dir);
        let number = lesson_number(dir).unwrap_or(0);
        let manifest_path = dir.join("lesson.toml");
        let text = std::fs::read_to_string(&manifest_path).map_err(|_| {
            UserError::new(
                format!("{name}/lesson.toml is missing"),
                "every lesson needs a manifest; copy lesson-02/lesson.toml's shape",
            )
        })?;
        let parsed = parse_manifest(&format!("{name}/lesson.toml"), &text)?;
        let package = package_name(dir).unwrap_or_else(|| name.clone());
        let exercises = parsed
            .exercises
            .into_iter()
            .map(|e| Exercise {
                id: e.id,
                title: e.title,
                file: PathBuf::from(e.file),
                points: e.points,
                hints: e.hints,
                timeout_secs: e.timeout_secs,
            })
            .collect::<Vec<_>>();
        let lesson = Lesson {
            name,
            number,
            dir: dir.to_path_buf(),
            package,
            title: parsed.title,
            summary: parsed.summary,
            exercises,
        };
        lesson.check_ids()?;
        Ok(lesson)
    }

    /// Finds an exercise by id, by its `eNN` prefix, or by its number (`e04_then`, `e04`, `4`).
    pub fn exercise(&self, arg: &str) -> Result<&Exercise> {
        let by_number = arg.trim_start_matches('e').parse::<u32>().ok();
        let found = self.exercises.iter().find(|e| e.id == arg).or_else(|| {
            self.exercises.iter().find(|e| {
                let num =
                    e.id.trim_start_matches('e')
                        .split('_')
                        .next()
                        .and_then(|n| n.parse::<u32>().ok());
                by_number.is_some() && num == by_number
            })
        });
        found.ok_or_else(|| {
            let ids: Vec<&str> = self.exercises.iter().map(|e| e.id.as_str()).collect();
            UserError::new(
                format!("{} has no exercise `{arg}`", self.name),
                if ids.is_empty() {
                    "this lesson has no exercises yet".to_string()
                } else {
                    format!("use one of: {}", ids.join(", "))
                },
            )
        })
    }

    /// Absolute path of a file given relative to the lesson directory.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.join(rel)
    }

    /// The learner-facing path of an exercise's file, e.g. `lesson-02/src/e01_countdown.rs`.
    pub fn display_path(&self, rel: impl AsRef<Path>) -> String {
        format!("{}/{}", self.name, rel.as_ref().display())
    }

    /// Cheap checks every verb relies on: ids unique and well-formed, the learner's files exist.
    ///
    /// The full manifest-versus-files proof (solutions, test modules, hints, README) is
    /// [`crate::course::manifest_check`]; this is only what `check` needs not to misreport.
    pub fn check_files(&self) -> Result<()> {
        for ex in &self.exercises {
            if !self.path(&ex.file).is_file() {
                return Err(UserError::new(
                    format!(
                        "{}/lesson.toml lists `{}` but {} does not exist",
                        self.name,
                        ex.id,
                        self.display_path(&ex.file)
                    ),
                    "restore the file (e.g. `git checkout` it) or fix `file` in lesson.toml",
                ));
            }
        }
        Ok(())
    }

    fn check_ids(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for ex in &self.exercises {
            let ok_ident = !ex.id.is_empty()
                && ex.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !ex.id.starts_with(|c: char| c.is_ascii_digit());
            if !ok_ident {
                return Err(UserError::new(
                    format!(
                        "{}/lesson.toml: exercise id `{}` is not a Rust identifier",
                        self.name, ex.id
                    ),
                    "use the file stem, e.g. id = \"e01_countdown\"",
                ));
            }
            if !seen.insert(ex.id.as_str()) {
                return Err(UserError::new(
                    format!(
                        "{}/lesson.toml: exercise id `{}` appears twice",
                        self.name, ex.id
                    ),
                    "give every [[exercise]] its own id",
                ));
            }
        }
        Ok(())
    }
}

fn parse_manifest(display: &str, text: &str) -> Result<ManifestToml> {
    toml::from_str::<ManifestToml>(text).map_err(|err| {
        let msg = err.message().trim().to_string();
        let (line, key) = match err.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                let line_text = text.lines().nth(line - 1).unwrap_or("");
                let key = line_text
                    .split_once('=')
                    .map(|(k, _)| k.trim().trim_matches('"').to_string())
                    .filter(|k| !k.is_empty() && !k.starts_with('['));
                (Some(line), key)
            }
            None => (None, None),
        };
        // serde names the key itself for missing/unknown fields; otherwise take it from the line.
        let key = key.or_else(|| {
            msg.split('`').nth(1).map(str::to_string)
        });
        let mut what = display.to_string();
        if let Some(line) = line {
            what.push_str(&format!(" line {line}"));
        }
        if let Some(key) = key {
            what.push_str(&format!(", key `{key}`"));
        }
        what.push_str(&format!(": {msg}"));
        UserError::new(
            what,
            "fix the manifest (fields: title, summary, [[exercise]] id/title/file/points/hints/timeout_secs)",
        )
    })
}

fn package_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    Some(value.get("package")?.get("name")?.as_str()?.to_string())
}

fn is_course_root(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        return false;
    }
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .any(|e| e.path().is_dir() && lesson_number(&e.path()).is_some())
        })
        .unwrap_or(false)
}

fn dir_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `lesson-02` → `Some(2)`; anything else → `None`.
pub fn lesson_number(p: &Path) -> Option<u32> {
    dir_name(p).strip_prefix("lesson-")?.parse().ok()
}

fn parse_lesson_arg(arg: &str) -> Option<u32> {
    arg.strip_prefix("lesson-").unwrap_or(arg).parse().ok()
}

/// Test helper: loads a throw-away lesson `name` with the given exercise ids (10 points each).
#[cfg(test)]
pub fn test_lesson(name: &str, ids: &[&str]) -> Lesson {
    let dir = std::env::temp_dir().join(format!("gears-test-{}-{name}", std::process::id()));
    let lesson_dir = dir.join(name);
    std::fs::create_dir_all(&lesson_dir).unwrap();
    let mut toml = String::from("title = \"T\"\nsummary = \"S\"\n");
    for id in ids {
        toml.push_str(&format!(
            "\n[[exercise]]\nid = \"{id}\"\ntitle = \"The \\\"{id}\\\"\"\nfile = \"src/{id}.rs\"\npoints = 10\nhints = [\"a\", \"b\"]\n"
        ));
    }
    std::fs::write(lesson_dir.join("lesson.toml"), toml).unwrap();
    std::fs::write(
        lesson_dir.join("Cargo.toml"),
        format!("[package]\nname = \"{name}\"\n"),
    )
    .unwrap();
    let lesson = Lesson::load(&lesson_dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    lesson
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_manifest_names_line_and_key() {
        let text = "title = \"T\"\nsummary = \"S\"\n\n[[exercise]]\nid = \"e01_a\"\ntitle = \"A\"\nfile = \"src/e01_a.rs\"\npoints = \"ten\"\nhints = [\"a\", \"b\"]\n";
        let err = parse_manifest("lesson-09/lesson.toml", text).unwrap_err();
        assert!(err.what.contains("line 8"), "{err}");
        assert!(err.what.contains("`points`"), "{err}");
    }

    #[test]
    fn unknown_key_is_named() {
        let text = "title = \"T\"\nsummary = \"S\"\n[[exercise]]\nid = \"e01_a\"\ntitle = \"A\"\nfile = \"f\"\npoints = 1\nhint = [\"a\"]\n";
        let err = parse_manifest("l/lesson.toml", text).unwrap_err();
        assert!(err.what.contains("hint"), "{err}");
        assert!(err.what.contains("line"), "{err}");
    }

    #[test]
    fn lesson_args() {
        assert_eq!(parse_lesson_arg("lesson-02"), Some(2));
        assert_eq!(parse_lesson_arg("02"), Some(2));
        assert_eq!(parse_lesson_arg("2"), Some(2));
        assert_eq!(parse_lesson_arg("two"), None);
    }
}
