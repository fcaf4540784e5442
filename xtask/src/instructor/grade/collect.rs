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
///
/// Names are the folder names as text. Two folders whose names are not UTF-8 can read the same
/// once converted (`\xff` and `\xfe` both read `\u{fffd}`); the second one gets ` (2)`, so
/// every folder has its own gradebook row.
pub fn student_dirs(submissions: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(submissions)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // A symlinked student folder is followed only if it stays inside the submissions folder.
        let path = entry.path();
        if !path.is_dir() || !inside(&path, submissions) {
            continue;
        }
        raw.push((name, path));
    }
    raw.sort();
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    for (name, path) in raw {
        let base = name.to_string_lossy().into_owned();
        let mut shown = base.clone();
        let mut n = 2;
        while out.iter().any(|(s, _)| *s == shown) {
            shown = format!("{base} ({n})");
            n += 1;
        }
        out.push((shown, path));
    }
    out.sort();
    Ok(out)
}

/// The folders [`student_dirs`] leaves out because their name starts with `.` (`.git`,
/// `.DS_Store` folders, a student who named their folder `.ada`): the caller says so, since a
/// student silently missing from the gradebook is worse than a line of output.
pub fn skipped_dirs(submissions: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(submissions) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    out.sort();
    out
}

/// One out-folder name per student name, all distinct, each safe as a single path component
/// next to `gradebook.csv`.
///
/// Control characters and path separators become `_`, names that cannot be a folder there
/// (`.`, `..`, empty, `gradebook.csv`) gain a leading `_`, and when two names map to the same
/// folder — compared without case, for file systems that ignore it — the later one gets `-2`,
/// `-3`, ... The gradebook keeps the exact name; only folders are renamed.
pub fn out_folder_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let cleaned: String = name
            .chars()
            .map(|c| {
                if c.is_control() || c == '/' || c == '\\' {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let base = match cleaned.as_str() {
            "." | ".." | "" | "gradebook.csv" => format!("_{cleaned}"),
            n => n.to_string(),
        };
        let taken = |c: &str| out.iter().any(|o| o.to_lowercase() == c.to_lowercase());
        let mut folder = base.clone();
        let mut n = 2;
        while taken(&folder) {
            folder = format!("{base}-{n}");
            n += 1;
        }
        out.push(folder);
    }
    out
}

/// A student-chosen name as it may be printed on the instructor's terminal: control characters
/// (escape sequences, carriage returns, C1 controls) and the Unicode direction overrides are
/// written as `\u{..}` so a folder name cannot move the cursor, recolour the screen or reorder
/// what is shown. Files (the CSV, feedback) keep the exact name.
pub fn terminal_safe(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        if c.is_control() || bidi {
            s.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            s.push(c);
        }
    }
    s
}

/// True when `out` is, or would be once created, inside `submissions`. `out` may not exist yet
/// (`--out subs/out`): its nearest existing ancestor is resolved (links and all) and the rest
/// of the path appended, so neither a missing folder nor a link hides where it points.
pub fn out_inside_submissions(out: &Path, submissions: &Path) -> bool {
    let Ok(subs) = submissions.canonicalize() else {
        return false;
    };
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut existing = out.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut full = c;
            for part in rest.iter().rev() {
                match *part {
                    p if p == ".." => {
                        full.pop();
                    }
                    p if p == "." => {}
                    p => full.push(p),
                }
            }
            return full.starts_with(&subs);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            (Some(parent), None) => {
                // `..` or `.` as the last component: keep it for the walk back.
                rest.push(
                    existing
                        .components()
                        .next_back()
                        .map(|c| c.as_os_str())
                        .unwrap_or_default(),
                );
                existing = parent;
            }
            _ => return false,
        }
    }
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
    fn folder_names_stay_distinct_safe_and_printable() {
        let names: Vec<String> = [
            "ada",
            "Ada",
            "gradebook.csv",
            "_gradebook.csv",
            "a/b",
            "a_b",
            "x\u{1b}[2J",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let folders = out_folder_names(&names);
        let mut unique = folders.iter().map(|f| f.to_lowercase()).collect::<Vec<_>>();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            names.len(),
            "two students share an out folder: {folders:?}"
        );
        assert!(
            folders
                .iter()
                .all(|f| !f.contains('/') && !f.chars().any(char::is_control))
        );
        assert_eq!(
            terminal_safe("x\u{1b}[2J\r\u{202e}"),
            "x\\u{1b}[2J\\u{d}\\u{202e}"
        );
        assert_eq!(terminal_safe("Zoë Ünal"), "Zoë Ünal");
    }

    #[test]
    fn dot_folders_are_reported_and_lossy_names_stay_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
        std::fs::create_dir_all(tmp.path().join("ada")).unwrap();
        std::fs::create_dir_all(tmp.path().join(std::ffi::OsStr::from_bytes(b"\xff"))).unwrap();
        std::fs::create_dir_all(tmp.path().join(std::ffi::OsStr::from_bytes(b"\xfe"))).unwrap();
        let dirs = student_dirs(tmp.path()).unwrap();
        assert_eq!(dirs.len(), 3, "{dirs:?}");
        let mut shown: Vec<&String> = dirs.iter().map(|d| &d.0).collect();
        shown.dedup();
        assert_eq!(
            shown.len(),
            3,
            "two folders got one gradebook row: {dirs:?}"
        );
        assert_eq!(skipped_dirs(tmp.path()), vec![".git".to_string()]);
    }

    #[test]
    fn out_folder_not_yet_created_inside_submissions_is_caught() {
        let tmp = tempfile::tempdir().unwrap();
        let subs = tmp.path().join("subs");
        std::fs::create_dir_all(&subs).unwrap();
        assert!(out_inside_submissions(&subs.join("out"), &subs));
        assert!(out_inside_submissions(&subs.join("a/b/../c"), &subs));
        assert!(out_inside_submissions(&subs, &subs));
        assert!(!out_inside_submissions(&tmp.path().join("out"), &subs));
        assert!(!out_inside_submissions(&subs.join("../out"), &subs));
        std::os::unix::fs::symlink(&subs, tmp.path().join("link")).unwrap();
        assert!(out_inside_submissions(
            &tmp.path().join("link/new/out"),
            &subs
        ));
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
