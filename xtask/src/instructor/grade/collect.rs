//! Reading a submissions folder: one subfolder per student, only the exercise files we asked for.
//!
//! Why this file exists: submissions arrive in every shape — a whole student-edition checkout, a
//! zip that unpacked into one extra folder, or just the few files that matter. Whatever the
//! shape, the grader takes *only* the exercise files named in `lesson.toml`, so nothing else a
//! student sends (a `build.rs`, `Cargo.toml`, `.cargo/config.toml`, edited tests, a toolchain
//! file) can ever reach the build. Every file is checked before it is read: a symbolic link that
//! leads out of the student's folder, a file over 1 MiB, a binary or non-UTF-8 file — each
//! scores 0 for that exercise with a reason the student can act on. Nothing here writes, so the
//! submissions folder is never modified.
//!
//! Where an exercise file `src/e01_x.rs` of `lesson-02` is looked for, first match wins:
//!
//! 1. `<student>/lesson-02/src/e01_x.rs` — a checkout, or the files at their relative paths;
//! 2. `<student>/src/e01_x.rs` — a folder that *is* the lesson crate;
//! 3. `<student>/e01_x.rs` — bare files;
//! 4. the same three inside `<student>/<single folder>/` when the student folder holds exactly
//!    one folder and nothing recognisable (an archive that unpacked into its own folder).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::course::Lesson;

/// Largest exercise file we accept.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// What a submission holds for one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A usable file: its text and where it was found (relative to the student folder).
    File {
        /// The file's content.
        text: String,
        /// Where it was, relative to the student's folder.
        rel: PathBuf,
    },
    /// No file for this exercise.
    Missing,
    /// A file was there but cannot be graded; the reason is for the student.
    Rejected(String),
}

/// One student's folder and what it holds for each exercise.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The folder name, shown in the gradebook (spaces and non-ASCII letters kept).
    pub name: String,
    /// Exercise id → what was found.
    pub files: BTreeMap<String, Found>,
}

impl Submission {
    /// True when not a single exercise file was found (usable or not).
    pub fn is_empty(&self) -> bool {
        self.files.values().all(|f| *f == Found::Missing)
    }
}

/// Lists the student folders (sorted by name); hidden folders and loose files are skipped.
pub fn student_dirs(submissions: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(submissions)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // A symlinked student folder is followed only if it stays inside the submissions folder.
        let path = entry.path();
        if !path.is_dir() || !inside(&path, submissions) {
            continue;
        }
        out.push((name, path));
    }
    out.sort();
    Ok(out)
}

/// Reads what one student folder holds for each exercise of `lesson`.
pub fn read_submission(lesson: &Lesson, name: &str, dir: &Path) -> Submission {
    let mut files = look_in(lesson, dir, dir);
    if files.values().all(|f| *f == Found::Missing)
        && let Some(inner) = single_subfolder(dir)
    {
        files = look_in(lesson, dir, &inner);
    }
    Submission {
        name: name.to_string(),
        files,
    }
}

fn look_in(lesson: &Lesson, student_root: &Path, base: &Path) -> BTreeMap<String, Found> {
    let mut files = BTreeMap::new();
    for ex in &lesson.exercises {
        let file_name = ex.file.file_name().map(PathBuf::from).unwrap_or_default();
        let candidates = [
            base.join(&lesson.name).join(&ex.file),
            base.join(&ex.file),
            base.join(&file_name),
        ];
        let found = candidates
            .iter()
            .find(|p| p.symlink_metadata().is_ok())
            .map(|p| read_checked(student_root, p))
            .unwrap_or(Found::Missing);
        files.insert(ex.id.clone(), found);
    }
    files
}

fn single_subfolder(dir: &Path) -> Option<PathBuf> {
    let entries: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    match entries.as_slice() {
        [only] if only.path().is_dir() && inside(&only.path(), dir) => Some(only.path()),
        _ => None,
    }
}

/// Checks and reads one candidate file, never following it out of the student's folder.
fn read_checked(student_root: &Path, path: &Path) -> Found {
    let rel = path
        .strip_prefix(student_root)
        .unwrap_or(path)
        .to_path_buf();
    let shown = rel.display().to_string();
    if !inside(path, student_root) {
        return Found::Rejected(format!(
            "`{shown}` is a link to a file outside your submission; submit the file itself"
        ));
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Found::Rejected(format!("`{shown}` cannot be read: {e}")),
    };
    if !meta.is_file() {
        return Found::Rejected(format!("`{shown}` is not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Found::Rejected(format!(
            "`{shown}` is {:.1} MiB; exercise files are limited to 1 MiB",
            meta.len() as f64 / (1 << 20) as f64
        ));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Found::Rejected(format!("`{shown}` cannot be read: {e}")),
    };
    match String::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => Found::Rejected(format!(
            "`{shown}` looks like a binary file, not Rust source"
        )),
        Ok(text) => Found::File { text, rel },
        Err(_) => Found::Rejected(format!(
            "`{shown}` is not UTF-8 text (a binary file, or saved in another encoding); save it as UTF-8"
        )),
    }
}

/// True when `path`, with every link resolved, lies inside `root` (also resolved).
fn inside(path: &Path, root: &Path) -> bool {
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(p), Ok(r)) => p.starts_with(r),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lesson loaded from a real manifest (so these tests follow the course model's shape).
    fn lesson() -> Lesson {
        crate::course::test_lesson("lesson-09", &["e01_a", "e02_b", "e03_c", "e04_d", "e05_e"])
    }

    #[test]
    fn layouts_and_bad_files() {
        let tmp = tempfile::tempdir().unwrap();
        let subs = tmp.path().join("subs");
        let s = subs.join("Zoë Ünal");
        std::fs::create_dir_all(s.join("lesson-09/src")).unwrap();
        std::fs::create_dir_all(s.join("src")).unwrap();
        std::fs::write(s.join("lesson-09/src/e01_a.rs"), "pub fn a() {}").unwrap();
        std::fs::write(s.join("src/e02_b.rs"), "pub fn b() {}").unwrap();
        std::fs::write(s.join("e03_c.rs"), [0xff, 0xfe, 0x00]).unwrap();
        std::fs::write(tmp.path().join("secret.rs"), "secret").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret.rs"), s.join("e04_d.rs")).unwrap();
        let big = std::fs::File::create(s.join("e05_e.rs")).unwrap();
        big.set_len(50 << 20).unwrap();

        let dirs = student_dirs(&subs).unwrap();
        assert_eq!(dirs.len(), 1);
        let sub = read_submission(&lesson(), &dirs[0].0, &dirs[0].1);
        assert_eq!(sub.name, "Zoë Ünal");
        assert!(matches!(&sub.files["e01_a"], Found::File { text, .. } if text == "pub fn a() {}"));
        assert!(matches!(&sub.files["e02_b"], Found::File { .. }));
        assert!(matches!(&sub.files["e03_c"], Found::Rejected(m) if m.contains("UTF-8")));
        assert!(matches!(&sub.files["e04_d"], Found::Rejected(m) if m.contains("outside")));
        assert!(matches!(&sub.files["e05_e"], Found::Rejected(m) if m.contains("1 MiB")));
    }

    #[test]
    fn archive_folder_is_entered() {
        let tmp = tempfile::tempdir().unwrap();
        let s = tmp.path().join("bob");
        std::fs::create_dir_all(s.join("course-main/lesson-09/src")).unwrap();
        std::fs::write(s.join("course-main/lesson-09/src/e02_b.rs"), "x").unwrap();
        let sub = read_submission(&lesson(), "bob", &s);
        assert!(matches!(&sub.files["e02_b"], Found::File { .. }));
        assert_eq!(sub.files["e01_a"], Found::Missing);
        assert!(!sub.is_empty());
    }
}
