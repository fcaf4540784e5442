//! `cargo xtask autograder gradescope|classroom LESSON`: grading on platforms built for scale.
//!
//! Why this file exists: an instructor with 300 students does not want to collect folders by
//! hand. Two platforms run graders for them:
//!
//! * **Gradescope** runs an "autograder" zip: `setup.sh` once per assignment (we install a Rust
//!   toolchain and bubblewrap, build this tool and warm the dependency cache), then
//!   `run_autograder` per submission. Ours grades `/autograder/submission` with the very same
//!   `grade` pipeline — policy, sandbox, secret verdict token, hidden tests — and copies the
//!   student's `results.json` (already in Gradescope's schema) to `/autograder/results/`.
//!   The zip carries the instructor edition minus `solutions/` and `mistakes/`: hidden tests are
//!   needed to grade, reference solutions are not.
//! * **GitHub Classroom** runs a workflow in each student's repository. We write
//!   `.github/workflows/classroom.yml` with one `autograding-command-grader` step per exercise
//!   (`cargo xtask check LESSON EXERCISE`, worth that exercise's points) and the reporter step.
//!   That runs in the *student's* repository, on the student edition: visible tests only, and a
//!   student who edits the tests or the workflow can fake it. It is feedback at scale, not a
//!   grade to trust; use `grade` or Gradescope for marks that count.
//!
//! The zip is written by a tiny stored (uncompressed) zip writer below rather than a new
//! dependency: the archive is a few hundred kilobytes of text, compression buys nothing.

use std::path::{Path, PathBuf};

use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result, UserError};
use crate::instructor::export;
use crate::instructor::grade;

/// The arguments of `cargo xtask autograder`: which platform to package for.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub platform: Platform,
}

/// The platforms `autograder` can package for.
#[derive(clap::Subcommand, Debug)]
pub enum Platform {
    /// Write a Gradescope autograder zip (setup.sh + run_autograder) for a lesson.
    Gradescope {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// The zip file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write .github/workflows/classroom.yml (GitHub Classroom autograding) for a lesson.
    Classroom {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
    },
}

/// The `autograder` verb.
pub fn run(args: Args) -> Result<Outcome> {
    match args.platform {
        Platform::Gradescope { lesson, out } => gradescope(&lesson, &out),
        Platform::Classroom { lesson } => classroom(&lesson),
    }
}

/// `cargo xtask autograder gradescope LESSON --out FILE.zip`.
fn gradescope(lesson: &str, out: &Path) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    if !grade::is_instructor_edition(&lesson) {
        return Err(grade::needs_instructor_edition(&lesson));
    }
    let entries = gradescope_entries(&course, &lesson)?;
    let n = entries.len();
    let bytes = zip_stored(&entries);
    if let Some(p) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(p)
            .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
    }
    std::fs::write(out, &bytes)
        .map_err(|e| UserError::io(format!("cannot write {}", out.display()), e))?;
    println!(
        "Gradescope autograder for {} written to {} ({n} files, {} KiB). Upload it as the \
         assignment's autograder (Ubuntu base image).",
        lesson.name,
        out.display(),
        bytes.len() / 1024
    );
    Ok(Outcome::Success)
}

/// `cargo xtask autograder classroom LESSON`.
fn classroom(lesson: &str) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    let path = course.root.join(".github/workflows/classroom.yml");
    let yaml = classroom_workflow(&lesson);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)
            .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
    }
    std::fs::write(&path, yaml)
        .map_err(|e| UserError::io(format!("cannot write {}", path.display()), e))?;
    println!(
        "GitHub Classroom workflow for {} written to {} ({} exercises, {} points). Commit it to the \
         assignment's template repository (the student edition).",
        lesson.name,
        path.display(),
        lesson.exercises.len(),
        lesson.exercises.iter().map(|e| e.points).sum::<u32>()
    );
    Ok(Outcome::Success)
}

/// The toolchain to install on Gradescope: the one building this tool right now.
fn toolchain() -> String {
    std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_string))
        .filter(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .unwrap_or_else(|| "stable".to_string())
}

fn gradescope_entries(course: &Course, lesson: &Lesson) -> Result<Vec<(String, Vec<u8>, u32)>> {
    let mut entries: Vec<(String, Vec<u8>, u32)> = Vec::new();
    let setup = SETUP_SH
        .replace("@TOOLCHAIN@", &toolchain())
        .replace("@LESSON@", &lesson.name);
    let run = RUN_AUTOGRADER.replace("@LESSON@", &lesson.name);
    entries.push(("setup.sh".into(), setup.into_bytes(), 0o755));
    entries.push(("run_autograder".into(), run.into_bytes(), 0o755));
    for rel in export::course_files(&course.root)? {
        let is_private_spoiler = export::is_spoiler(&rel)
            && rel
                .components()
                .nth(1)
                .is_some_and(|c| c.as_os_str() != "grading");
        if is_private_spoiler || rel.starts_with(".ci") || rel.starts_with(".github") {
            continue;
        }
        let src = course.root.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let bytes = std::fs::read(&src)
            .map_err(|e| UserError::io(format!("cannot read {}", src.display()), e))?;
        use std::os::unix::fs::PermissionsExt;
        let mode = if meta.permissions().mode() & 0o111 != 0 {
            0o755
        } else {
            0o644
        };
        let name = PathBuf::from("course").join(&rel);
        entries.push((name.to_string_lossy().replace('\\', "/"), bytes, mode));
    }
    Ok(entries)
}

const SETUP_SH: &str = r#"#!/usr/bin/env bash
# Gradescope runs this once when the autograder image is built (as root, Ubuntu).
# Generated by `cargo xtask autograder gradescope`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q curl ca-certificates build-essential bubblewrap
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
  | sh -s -- -y --profile minimal --default-toolchain @TOOLCHAIN@
source "$HOME/.cargo/env"
cd /autograder/source/course
# Build the grader and warm the dependency cache, so each submission compiles only itself.
cargo build -p xtask
cargo test -p @LESSON@ --no-run
"#;

const RUN_AUTOGRADER: &str = r#"#!/usr/bin/env bash
# Gradescope runs this once per submission. Generated by `cargo xtask autograder gradescope`.
set -uo pipefail
source "$HOME/.cargo/env"
cd /autograder/source/course
# `grade` expects one folder per student: copy (never link) the submission into one.
rm -rf /tmp/gears-subs /tmp/gears-out
mkdir -p /tmp/gears-subs /autograder/results
cp -r /autograder/submission /tmp/gears-subs/submission
if ./target/debug/xtask grade @LESSON@ --submissions /tmp/gears-subs --out /tmp/gears-out \
     > /tmp/gears-grade.log 2>&1 \
   && [ -f /tmp/gears-out/submission/results.json ]; then
  cp /tmp/gears-out/submission/results.json /autograder/results/results.json
else
  msg=$(tail -n 5 /tmp/gears-grade.log | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n' ' ')
  printf '{"score": 0, "output": "The grader could not grade this submission: %s"}\n' "$msg" \
    > /autograder/results/results.json
fi
"#;

/// The GitHub Classroom workflow for one lesson.
pub fn classroom_workflow(lesson: &Lesson) -> String {
    let mut y = String::new();
    y.push_str(&format!(
        "# GitHub Classroom autograding for {} (generated by `cargo xtask autograder classroom`).\n\
         # One step per exercise, worth its points in lesson.toml; visible tests only.\n\
         name: Autograding Tests\n\
         'on':\n  - push\n  - repository_dispatch\n\
         permissions:\n  checks: write\n  actions: read\n  contents: read\n\
         jobs:\n  run-autograding-tests:\n    runs-on: ubuntu-latest\n\
         \x20   if: github.actor != 'github-classroom[bot]'\n    steps:\n\
         \x20     - name: Checkout code\n        uses: actions/checkout@v4\n",
        lesson.name
    ));
    let mut ids = Vec::new();
    for (i, ex) in lesson.exercises.iter().enumerate() {
        let step_id = ex.id.replace('_', "-");
        let minutes = ex.timeout().as_secs().div_ceil(60).max(1) + if i == 0 { 10 } else { 2 };
        y.push_str(&format!(
            "      - name: {id}\n        id: {step_id}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: \"{id}: {title}\"\n          setup-command: \"\"\n          command: cargo xtask check {lesson} {id}\n          timeout: {minutes}\n          max-score: {points}\n",
            id = ex.id,
            title = ex.title.replace('"', "'"),
            lesson = lesson.name,
            points = ex.points,
        ));
        ids.push(step_id);
    }
    y.push_str("      - name: Autograding Reporter\n        uses: classroom-resources/autograding-grading-reporter@v1\n        env:\n");
    for id in &ids {
        y.push_str(&format!(
            "          {}_RESULTS: \"${{{{steps.{id}.outputs.result}}}}\"\n",
            id.to_uppercase()
        ));
    }
    y.push_str(&format!(
        "        with:\n          runners: {}\n",
        ids.join(",")
    ));
    y
}

/// A zip archive with every entry stored (no compression): name, bytes, unix mode.
pub fn zip_stored(entries: &[(String, Vec<u8>, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    // 1980-01-01 00:00: fixed, so the same course gives the same archive.
    let (time, date) = (0u16, (1u16 << 5) | 1);
    for (name, data, mode) in entries {
        let crc = crc32(data);
        let offset = out.len() as u32;
        le32(&mut out, 0x0403_4b50);
        le16(&mut out, 20);
        le16(&mut out, 1 << 11); // names are UTF-8
        le16(&mut out, 0); // stored
        le16(&mut out, time);
        le16(&mut out, date);
        le32(&mut out, crc);
        le32(&mut out, data.len() as u32);
        le32(&mut out, data.len() as u32);
        le16(&mut out, name.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        le32(&mut central, 0x0201_4b50);
        le16(&mut central, (3 << 8) | 20); // made by: unix
        le16(&mut central, 20);
        le16(&mut central, 1 << 11);
        le16(&mut central, 0);
        le16(&mut central, time);
        le16(&mut central, date);
        le32(&mut central, crc);
        le32(&mut central, data.len() as u32);
        le32(&mut central, data.len() as u32);
        le16(&mut central, name.len() as u16);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le32(&mut central, (0o100_000 | mode) << 16);
        le32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, entries.len() as u16);
    le16(&mut out, entries.len() as u16);
    le32(&mut out, cd_len);
    le32(&mut out, cd_offset);
    le16(&mut out, 0);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn zip_is_readable_by_unzip() {
        let Some(unzip) = crate::pipeline::process::which("unzip") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("a.zip");
        let bytes = zip_stored(&[
            (
                "run_autograder".into(),
                b"#!/bin/sh\necho hi\n".to_vec(),
                0o755,
            ),
            ("course/Cargo.toml".into(), b"[workspace]\n".to_vec(), 0o644),
        ]);
        std::fs::write(&zip, bytes).unwrap();
        let out = std::process::Command::new(unzip)
            .args([
                "-q",
                zip.to_str().unwrap(),
                "-d",
                dir.path().join("x").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run = dir.path().join("x/run_autograder");
        assert_eq!(
            std::fs::read_to_string(&run).unwrap(),
            "#!/bin/sh\necho hi\n"
        );
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(run).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }

    #[test]
    fn classroom_has_one_step_per_exercise() {
        let lesson = crate::course::test_lesson("lesson-02", &["e01_ratchet", "e02_bell"]);
        let y = classroom_workflow(&lesson);
        assert_eq!(y.matches("autograding-command-grader@v1").count(), 2);
        assert!(y.contains("command: cargo xtask check lesson-02 e02_bell"));
        assert!(y.contains("E01-RATCHET_RESULTS: \"${{steps.e01-ratchet.outputs.result}}\""));
        assert!(y.contains("runners: e01-ratchet,e02-bell"));
        assert!(y.contains("max-score: 10"));
    }
}
