//! Overlay build trees: a copy of one lesson crate with some files swapped, built *as if* it
//! were the course workspace, without recompiling tokio and friends.
//!
//! Why this file exists: `verify` must prove that each known-wrong `mistakes/` variant is
//! rejected, and the grader must build a learner's files against pristine tests. Neither may
//! touch the learner's (or author's) files, so both build a *copy*: `target/xtask/trees/<name>/`.
//!
//! The copy is shaped so cargo reuses every dependency artifact already in the main target dir
//! (we verified it: an overlay build compiles only the lesson crate):
//!
//! * the tree's `Cargo.toml` is the course's own, with `members` rewritten to the one lesson
//!   copy — `[workspace.dependencies]` and `[profile]` must stay identical, because they decide
//!   the artifact hashes;
//! * `Cargo.lock` is the course's, and builds use `--offline`, so versions cannot drift;
//! * path dependencies of the workspace (`shared`) are symlinked at the same relative path, so
//!   cargo computes the same hash for them and finds them fresh;
//! * the lesson copy lives at `<name>/<lesson>` inside the tree, a relative path no other tree
//!   uses, so its artifacts never collide with the real lesson's or another tree's.
//!
//! Files are written only when their content differs, so rebuilding the same tree twice
//! compiles nothing. One tree name is one artifact slot: builds that run at the same time must
//! use different names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::course::{Course, Lesson};
use crate::error::{Result, UserError};

/// A materialised overlay tree.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The tree's workspace root (run cargo here).
    pub root: PathBuf,
    /// The lesson copy inside the tree (pass as `build_dir` for attribution).
    pub lesson_dir: PathBuf,
}

/// What to put in a tree.
#[derive(Debug, Clone)]
pub struct OverlaySpec<'a> {
    /// The course (for the workspace manifest, lock file and path dependencies).
    pub course: &'a Course,
    /// The lesson to copy.
    pub lesson: &'a Lesson,
    /// Tree name (a directory name: letters, digits, `-`, `_`).
    pub name: String,
    /// Files to replace or add, relative to the lesson directory, with their new content.
    pub replace: Vec<(PathBuf, Vec<u8>)>,
    /// Files of the lesson to leave out of the copy (relative to the lesson directory).
    pub omit: Vec<PathBuf>,
    /// Where trees live; default `<target>/xtask/trees`.
    pub parent: Option<PathBuf>,
}

impl<'a> OverlaySpec<'a> {
    /// A tree named `name` with nothing replaced yet.
    pub fn new(course: &'a Course, lesson: &'a Lesson, name: &str) -> Self {
        OverlaySpec {
            course,
            lesson,
            name: name.to_string(),
            replace: Vec::new(),
            omit: Vec::new(),
            parent: None,
        }
    }

    /// Replaces (or adds) `rel` with `content`.
    pub fn replace(mut self, rel: impl Into<PathBuf>, content: impl Into<Vec<u8>>) -> Self {
        self.replace.push((rel.into(), content.into()));
        self
    }
}

/// Creates or updates the tree and returns where it is.
pub fn materialise(spec: &OverlaySpec) -> Result<Overlay> {
    let ok_name = !spec.name.is_empty()
        && spec
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok_name {
        return Err(UserError::new(
            format!("bad overlay tree name `{}`", spec.name),
            "use letters, digits, '-' and '_' only",
        ));
    }
    let parent = spec
        .parent
        .clone()
        .unwrap_or_else(|| spec.course.state_dir().join("trees"));
    let root = parent.join(&spec.name);
    let lesson_dir = root.join(&spec.name).join(&spec.lesson.name);
    let io = |what: &str, p: &Path, e: std::io::Error| {
        UserError::io(format!("overlay tree: cannot {what} {}", p.display()), e)
    };
    std::fs::create_dir_all(&lesson_dir).map_err(|e| io("create", &lesson_dir, e))?;

    // 1. The workspace manifest, lock file and cargo config.
    let manifest = workspace_manifest(spec.course, &format!("{}/{}", spec.name, spec.lesson.name))?;
    write_if_changed(&root.join("Cargo.toml"), manifest.as_bytes())?;
    let lock = spec.course.root.join("Cargo.lock");
    if let Ok(bytes) = std::fs::read(&lock) {
        write_if_changed(&root.join("Cargo.lock"), &bytes)?;
    }
    let config = spec.course.root.join(".cargo/config.toml");
    if let Ok(bytes) = std::fs::read(&config) {
        write_if_changed(&root.join(".cargo/config.toml"), &bytes)?;
    }

    // 2. Path dependencies, symlinked at the same relative path.
    for rel in path_dependencies(spec.course) {
        let link = root.join(&rel);
        let target = spec.course.root.join(&rel);
        if std::fs::read_link(&link).ok().as_deref() != Some(target.as_path()) {
            let _ = std::fs::remove_file(&link);
            if let Some(p) = link.parent() {
                std::fs::create_dir_all(p).map_err(|e| io("create", p, e))?;
            }
            symlink_dir(&target, &link).map_err(|e| io("link", &link, e))?;
        }
    }

    // 3. The lesson copy: every file of the lesson, then the replacements; stale files removed.
    let mut wanted: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    collect_files(&spec.lesson.dir, Path::new(""), &mut wanted)?;
    for o in &spec.omit {
        wanted.remove(o);
    }
    for (rel, content) in &spec.replace {
        wanted.insert(rel.clone(), content.clone());
    }
    let mut present = BTreeMap::new();
    collect_files(&lesson_dir, Path::new(""), &mut present)?;
    for rel in present.keys() {
        if !wanted.contains_key(rel) {
            let _ = std::fs::remove_file(lesson_dir.join(rel));
        }
    }
    for (rel, content) in &wanted {
        if present.get(rel) != Some(content) {
            write_if_changed(&lesson_dir.join(rel), content)?;
        }
    }
    Ok(Overlay { root, lesson_dir })
}

/// The course's `Cargo.toml` with `members` = `[member]`, path dependencies left relative.
fn workspace_manifest(course: &Course, member: &str) -> Result<String> {
    let table = course_manifest_with_members(course, &[member.to_string()])?;
    let body = toml::to_string(&table).map_err(|e| UserError::io("cannot write Cargo.toml", e))?;
    Ok(format!(
        "# Generated by `cargo xtask` from the course's Cargo.toml: one lesson copy as the only\n\
         # member. Do not edit; it is rewritten on every build.\n{body}"
    ))
}

/// The course's root `Cargo.toml` with its members replaced by `members`.
///
/// Every generated build workspace (an overlay here, the grader's batch workspace) starts from
/// this: keeping the course's `[workspace.dependencies]` and `[profile]` sections unchanged is
/// what lets it reuse the dependency artifacts (tokio and friends) already in the target dir.
pub fn course_manifest_with_members(course: &Course, members: &[String]) -> Result<toml::Table> {
    let path = course.root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| UserError::io("cannot read Cargo.toml", e))?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| {
        UserError::new(
            format!("Cargo.toml does not parse: {}", e.message()),
            "fix the workspace manifest",
        )
    })?;
    let ws = table
        .entry("workspace")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let Some(ws) = ws.as_table_mut() {
        let list = members.iter().cloned().map(toml::Value::String).collect();
        ws.insert("members".into(), toml::Value::Array(list));
        ws.remove("default-members");
        ws.remove("exclude");
    }
    Ok(table)
}

/// First path components of the workspace's relative path dependencies (e.g. `shared`): the
/// folders a generated build workspace must link in beside its members.
pub fn path_dependencies(course: &Course) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(course.root.join("Cargo.toml")).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let mut out = Vec::new();
    let deps = table
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table());
    for dep in deps.into_iter().flat_map(|d| d.values()) {
        let Some(p) = dep.get("path").and_then(|p| p.as_str()) else {
            continue;
        };
        let p = Path::new(p);
        if p.is_relative()
            && let Some(first) = p.components().next()
        {
            let first = PathBuf::from(first.as_os_str());
            if first.as_os_str() != ".." && !out.contains(&first) {
                out.push(first);
            }
        }
    }
    out
}

fn collect_files(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> Result<()> {
    let Ok(rd) = std::fs::read_dir(dir.join(rel)) else {
        return Ok(());
    };
    for entry in rd.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let child = rel.join(&name);
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            if rel.as_os_str().is_empty() && name == "target" {
                continue;
            }
            collect_files(dir, &child, out)?;
        } else if ft.is_file() {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| UserError::io(format!("cannot read {}", entry.path().display()), e))?;
            out.insert(child, bytes);
        }
    }
    Ok(())
}

/// Writes `content` to `path` unless it already holds exactly that (keeps mtimes, so cargo
/// sees unchanged files as fresh).
pub fn write_if_changed(path: &Path, content: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(content) {
        return Ok(());
    }
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)
            .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
    }
    std::fs::write(path, content)
        .map_err(|e| UserError::io(format!("cannot write {}", path.display()), e))
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}
