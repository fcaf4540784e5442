//! Remembered progress and hint levels, under `target/xtask/`.
//!
//! Why this file exists: `cargo xtask list` and bare `cargo xtask` should answer "where am I?"
//! instantly, without building anything. So every `check` (of the learner's files, never of
//! `--solution`) records each exercise's status together with a *content key*: a hash of
//! the exercise file, the visible tests, the lesson manifest and the lesson's Cargo.toml. A
//! status is shown only while its key still matches, so after a `git pull` that changes a test
//! (or an edit to the exercise) the old verdict simply disappears — stale progress is never
//! shown. The cache is a convenience: deleting `target/` costs one re-check, nothing else.
//!
//! Hint levels live next to it (`hints.json`): how many hints of each exercise were shown; and
//! so do attempts (`attempts.json`): how many checks of each exercise failed, which decides
//! whether the next step is "read the lesson" or "take a hint".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use std::hash::Hasher;

use crate::course::status::Status;
use crate::course::{Course, Exercise, Lesson};
use crate::error::{Result, UserError};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Entry {
    key: String,
    status: Status,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ProgressFile {
    /// lesson → exercise id → entry
    lessons: BTreeMap<String, BTreeMap<String, Entry>>,
}

/// The progress cache.
#[derive(Debug, Clone)]
pub struct ProgressCache {
    path: PathBuf,
    data: ProgressFile,
}

impl ProgressCache {
    /// Loads `target/xtask/progress.json`; a missing or unreadable file is an empty cache.
    pub fn load(course: &Course) -> ProgressCache {
        let path = course.state_dir().join("progress.json");
        let data = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        ProgressCache { path, data }
    }

    /// The last known status of `ex`, if it was checked with the current files.
    pub fn status(&self, lesson: &Lesson, ex: &Exercise, keys: &ContentKeys) -> Option<Status> {
        let e = self.data.lessons.get(&lesson.name)?.get(&ex.id)?;
        (Some(&e.key) == keys.get(&ex.id)).then_some(e.status)
    }

    /// Whether `ex` was ever checked (with any version of its files).
    pub fn ever_checked(&self, lesson: &Lesson, ex: &Exercise) -> bool {
        self.data
            .lessons
            .get(&lesson.name)
            .is_some_and(|m| m.contains_key(&ex.id))
    }

    /// Records the verdicts of a learner check: `(exercise id, status)` pairs. `not_run`
    /// verdicts are skipped — they say nothing about the learner's work — and so are exercises
    /// without a content key. The caller passes nothing for a `--solution` check (see
    /// `LessonReport::learner_verdicts`).
    pub fn record<'a>(
        &mut self,
        lesson: &Lesson,
        verdicts: impl IntoIterator<Item = (&'a str, Status)>,
        keys: &ContentKeys,
    ) {
        let map = self.data.lessons.entry(lesson.name.clone()).or_default();
        for (id, status) in verdicts {
            if status == Status::NotRun {
                continue;
            }
            if let Some(key) = keys.get(id) {
                map.insert(
                    id.to_string(),
                    Entry {
                        key: key.clone(),
                        status,
                    },
                );
            }
        }
    }

    /// Writes the cache (atomically: a temp file renamed into place).
    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.data).unwrap_or_default();
        write_atomic(&self.path, &bytes)
    }
}

/// Content keys of a lesson's exercises (exercise id → hex hash).
///
/// The hash is two 64-bit FNV-1a runs with different seeds over lengths and bytes: a cache key,
/// not a secret, so a cryptographic hash (and the crates it costs on a newcomer's first build)
/// would buy nothing. A collision could at worst show a stale verdict until the next check.
#[derive(Debug, Clone, Default)]
pub struct ContentKeys(BTreeMap<String, String>);

impl ContentKeys {
    /// Hashes the files each exercise's verdict depends on. Cheap: a few small files.
    pub fn of(lesson: &Lesson) -> ContentKeys {
        let mut common = Key::default();
        for rel in ["lesson.toml", "Cargo.toml", "tests/check.rs", "src/lib.rs"] {
            feed(&mut common, &lesson.dir.join(rel));
        }
        let mut map = BTreeMap::new();
        for ex in &lesson.exercises {
            let mut h = common.clone();
            h.write(ex.id.as_bytes());
            feed(&mut h, &lesson.dir.join(&ex.file));
            map.insert(ex.id.clone(), h.hex());
        }
        ContentKeys(map)
    }

    /// The key of one exercise.
    pub fn get(&self, id: &str) -> Option<&String> {
        self.0.get(id)
    }
}

fn feed(h: &mut Key, path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_default();
    h.write(&(bytes.len() as u64).to_le_bytes());
    h.write(&bytes);
}

/// A 128-bit FNV-1a state (two independent 64-bit lanes); see [`ContentKeys`].
#[derive(Clone)]
struct Key([u64; 2]);

impl Default for Key {
    fn default() -> Self {
        // The standard FNV-1a offset basis, and a second one for the other lane.
        Key([0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142])
    }
}

impl Hasher for Key {
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u64 = 0x0100_0000_01b3;
        for b in bytes {
            for lane in &mut self.0 {
                *lane ^= u64::from(*b);
                *lane = lane.wrapping_mul(PRIME);
            }
            // Decorrelate the lanes: the second also sees the byte's position in its state.
            self.0[1] = self.0[1].rotate_left(5);
        }
    }

    fn finish(&self) -> u64 {
        self.0[0]
    }
}

impl Key {
    fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.0[0], self.0[1])
    }
}

/// How many hints of each exercise the learner has seen.
#[derive(Debug, Clone)]
pub struct HintLevels {
    path: PathBuf,
    levels: BTreeMap<String, usize>,
}

impl HintLevels {
    /// Loads `target/xtask/hints.json`.
    pub fn load(course: &Course) -> HintLevels {
        let path = course.state_dir().join("hints.json");
        let levels = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        HintLevels { path, levels }
    }

    /// Hints of `ex` already shown.
    pub fn seen(&self, lesson: &Lesson, ex: &Exercise) -> usize {
        self.levels
            .get(&format!("{}/{}", lesson.name, ex.id))
            .copied()
            .unwrap_or(0)
    }

    /// Sets the number of hints shown.
    pub fn set_seen(&mut self, lesson: &Lesson, ex: &Exercise, n: usize) {
        self.levels.insert(format!("{}/{}", lesson.name, ex.id), n);
    }

    /// Writes the file.
    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.levels).unwrap_or_default();
        write_atomic(&self.path, &bytes)
    }
}

/// How often each exercise failed a check, so the next step fits where the learner is: someone
/// who has not tried yet is sent to the file and the lesson text, someone who has is offered a
/// hint. Derived state like the rest of `target/xtask/`: deleting it only repeats the first
/// "read this" advice once.
#[derive(Debug, Clone)]
pub struct Attempts {
    path: PathBuf,
    /// `lesson/exercise` → failing checks.
    failed: BTreeMap<String, usize>,
}

impl Attempts {
    /// Loads `target/xtask/attempts.json`; missing or unreadable is "no attempts yet".
    pub fn load(course: &Course) -> Attempts {
        let path = course.state_dir().join("attempts.json");
        let failed = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Attempts { path, failed }
    }

    /// Failing checks of `id` so far.
    pub fn failed(&self, lesson: &Lesson, id: &str) -> usize {
        self.failed
            .get(&format!("{}/{id}", lesson.name))
            .copied()
            .unwrap_or(0)
    }

    /// Counts one more failing check for each `(exercise, status)` given that did not pass
    /// (and was run or failed to compile).
    pub fn record<'a>(
        &mut self,
        lesson: &Lesson,
        verdicts: impl IntoIterator<Item = (&'a str, Status)>,
    ) {
        for (id, status) in verdicts {
            if status != Status::Pass && status != Status::NotRun {
                *self
                    .failed
                    .entry(format!("{}/{id}", lesson.name))
                    .or_default() += 1;
            }
        }
    }

    /// Writes the file.
    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.failed).unwrap_or_default();
        write_atomic(&self.path, &bytes)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e| UserError::io(format!("cannot write {}", path.display()), e);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
