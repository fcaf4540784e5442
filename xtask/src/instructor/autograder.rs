//! `cargo xtask autograder gradescope|classroom50|prairielearn|actions-feedback LESSON`:
//! grading on the platforms instructors use in 2026.
//!
//! Why this file exists: an instructor with 300 students does not want to collect folders by
//! hand. Platforms run graders for them; each wants a different package, and every package
//! here runs the *same* `grade` pipeline — policy, sandbox, secret verdict token, hidden tests
//! — and hands back a view of the same graded result ([`crate::instructor::grade::formats`]):
//!
//! * **Gradescope** runs an "autograder" zip: `setup.sh` once per assignment (we install a Rust
//!   toolchain and bubblewrap, build this tool and warm the dependency cache), then
//!   `run_autograder` per submission, which grades `/autograder/submission` and copies the
//!   student's `results.json` (Gradescope's schema) to `/autograder/results/`.
//! * **Classroom 50** (foundation50/classroom50) runs a per-assignment `autograder.py` in the
//!   student's repository checkout. Ours copies the checkout into a one-student submissions
//!   folder, runs `grade --format classroom50`, and leaves `result.json`
//!   (`classroom50/result/v1`, with the runner's `CLASSROOM`, `ASSIGNMENT`, `SUBMISSION_TAG`,
//!   `COMMIT_URL`, `RELEASE_URL`, `REVIEW_URL`), `release-body.md` (the feedback) and
//!   `status=` / `summary=` in `$GITHUB_OUTPUT`; it exits 0 whenever grading ran.
//! * **PrairieLearn** external grading runs a Docker image: our `Dockerfile` bakes the course
//!   (no solutions, no mistakes), a built grader and a warm dependency cache into it (graders
//!   run without network), and `run.sh` grades `/grade/student` into
//!   `/grade/results/results.json` (`gradable`, `score` 0–1, `message`, `tests`).
//! * **GitHub Actions feedback** (`actions-feedback`) replaces the retired GitHub Classroom
//!   workflow: a plain workflow that runs `cargo xtask check` per exercise on every push. It
//!   runs in the student's repository on the student edition, so it is feedback, never a grade.
//!
//! Gradescope and PrairieLearn run the grader on the platform's machines, out of the student's
//! reach; Classroom 50 runs it in the student's own repository, where a determined student can
//! change what runs (the README's "What we cannot stop" says so plainly).
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
    /// Write a Classroom 50 per-assignment autograder (autograder.py + the course) for a lesson.
    Classroom50 {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// The folder to write (its contents become `autograders/<slug>/`).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a PrairieLearn external grader (Dockerfile + run.sh + the course) for a lesson.
    Prairielearn {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
        /// The folder to write (build the image from it).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write .github/workflows/feedback.yml: visible-test feedback on every push (not a grade).
    ActionsFeedback {
        /// Lesson: `lesson-02`, `02` or `2`.
        lesson: String,
    },
}

/// The `autograder` verb.
pub fn run(args: Args) -> Result<Outcome> {
    match args.platform {
        Platform::Gradescope { lesson, out } => gradescope(&lesson, &out),
        Platform::Classroom50 { lesson, out } => classroom50(&lesson, &out),
        Platform::Prairielearn { lesson, out } => prairielearn(&lesson, &out),
        Platform::ActionsFeedback { lesson } => actions_feedback(&lesson),
    }
}

/// The instructor-edition lesson, or the one-line error every grading verb gives.
fn instructor_lesson(course: &Course, lesson: &str) -> Result<Lesson> {
    let lesson = course.lesson(lesson)?;
    if !grade::is_instructor_edition(&lesson) {
        return Err(grade::needs_instructor_edition(&lesson));
    }
    Ok(lesson)
}

/// Writes `entries` (paths relative to `dir`) into a fresh `dir/course` and the rest of `dir`.
fn write_folder(dir: &Path, entries: &[(String, Vec<u8>, u32)]) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir.join("course"));
    for (name, bytes, mode) in entries {
        let path = dir.join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| UserError::io(format!("cannot write {}", path.display()), e))?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(*mode));
    }
    Ok(())
}

/// `cargo xtask autograder classroom50 LESSON --out DIR`.
fn classroom50(lesson: &str, out: &Path) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = instructor_lesson(&course, lesson)?;
    let mut entries = course_entries(&course, &lesson)?;
    entries.push((
        "autograder.py".into(),
        CLASSROOM50_AUTOGRADER
            .replace("@LESSON@", &lesson.name)
            .into_bytes(),
        0o755,
    ));
    write_folder(out, &entries)?;
    println!(
        "Classroom 50 autograder for {} written to {} ({} files). Copy the folder's contents to \
         <classroom>/autograders/<assignment>/ in your classroom50 repository, and give the \
         assignment a runtime with a Rust toolchain.",
        lesson.name,
        out.display(),
        entries.len()
    );
    Ok(Outcome::Success)
}

/// `cargo xtask autograder prairielearn LESSON --out DIR`.
fn prairielearn(lesson: &str, out: &Path) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = instructor_lesson(&course, lesson)?;
    let mut entries = course_entries(&course, &lesson)?;
    entries.push((
        "Dockerfile".into(),
        PRAIRIELEARN_DOCKERFILE
            .replace("@TOOLCHAIN@", &toolchain())
            .replace("@LESSON@", &lesson.name)
            .into_bytes(),
        0o644,
    ));
    entries.push((
        "run.sh".into(),
        PRAIRIELEARN_RUN
            .replace("@LESSON@", &lesson.name)
            .into_bytes(),
        0o755,
    ));
    entries.push((
        "info.json.example".into(),
        PRAIRIELEARN_INFO
            .replace("@LESSON@", &lesson.name)
            .into_bytes(),
        0o644,
    ));
    write_folder(out, &entries)?;
    println!(
        "PrairieLearn grader for {} written to {} ({} files). Build and push the image \
         (`docker build -t YOU/gears-{} {}`), then copy info.json.example's \
         externalGradingOptions into the question's info.json.",
        lesson.name,
        out.display(),
        entries.len(),
        lesson.name,
        out.display()
    );
    Ok(Outcome::Success)
}

/// `cargo xtask autograder gradescope LESSON --out FILE.zip`.
fn gradescope(lesson: &str, out: &Path) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = instructor_lesson(&course, lesson)?;
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

/// `cargo xtask autograder actions-feedback LESSON`.
fn actions_feedback(lesson: &str) -> Result<Outcome> {
    let course = Course::locate()?;
    let lesson = course.lesson(lesson)?;
    let path = course.root.join(".github/workflows/feedback.yml");
    let yaml = feedback_workflow(&lesson);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)
            .map_err(|e| UserError::io(format!("cannot create {}", p.display()), e))?;
    }
    std::fs::write(&path, yaml)
        .map_err(|e| UserError::io(format!("cannot write {}", path.display()), e))?;
    println!(
        "GitHub Actions feedback workflow for {} written to {} ({} exercises). Commit it to the \
         student edition's template repository: every push shows the visible tests' verdicts. \
         It is feedback, not a grade.",
        lesson.name,
        path.display(),
        lesson.exercises.len()
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
    entries.extend(course_entries(course, lesson)?);
    Ok(entries)
}

/// The course as every grader package carries it, under `course/`: the instructor edition
/// without reference solutions and mistakes (hidden tests are needed to grade, solutions are
/// not), and without CI files.
fn course_entries(course: &Course, _lesson: &Lesson) -> Result<Vec<(String, Vec<u8>, u32)>> {
    let mut entries: Vec<(String, Vec<u8>, u32)> = Vec::new();
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

const CLASSROOM50_AUTOGRADER: &str = r#"#!/usr/bin/env python3
"""Classroom 50 autograder for Async Gears @LESSON@.

Generated by `cargo xtask autograder classroom50`; the `course/` folder next to this file is
the course it grades with (hidden tests included, reference solutions left out).

The Classroom 50 runner starts this once per submission, in the student's repository
checkout. It copies the checkout into a one-student submissions folder, grades it with the
course's own grader (`cargo xtask grade @LESSON@ --format classroom50`: source policy, sandbox,
hidden tests), and hands the result back the way the runner reads it:

  result.json      classroom50/result/v1, written by the grader
  release-body.md  the student's feedback
  $GITHUB_OUTPUT   status=success|failure|error and summary=<one line>

It exits 0 whenever grading ran, whatever the score, and 2 when it could not grade at all.
This runs in the student's own repository: read "What we cannot stop" in the course README.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

LESSON = "@LESSON@"
HERE = pathlib.Path(__file__).resolve().parent
COURSE = pathlib.Path(os.environ.get("GEARS_COURSE") or HERE / "course")
GRADE_TIMEOUT_SECS = 45 * 60


def output(key, value):
    """Appends key=value to $GITHUB_OUTPUT (one line: newlines would start a new key)."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(key + "=" + " ".join(str(value).split()) + "\n")


def grader():
    """The grader binary: $GEARS_XTASK, or the course's xtask built now."""
    given = os.environ.get("GEARS_XTASK")
    if given:
        return given
    subprocess.run(["cargo", "build", "--quiet", "-p", "xtask"], cwd=COURSE, check=True)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or COURSE / "target")
    return str(target / "debug" / "xtask")


def infrastructure_failure(why):
    print("[INFRASTRUCTURE] the grader could not grade this submission: " + why, file=sys.stderr)
    output("status", "error")
    output("summary", "the grader could not run: " + why[:200])
    return 2


def main():
    repo = pathlib.Path.cwd()
    work = pathlib.Path(tempfile.mkdtemp(prefix="gears-classroom50-"))
    # `grade` wants one folder per student. Copy (links stay links; the grader refuses any
    # that lead out of the submission) and leave out what is not the student's work.
    skip = shutil.ignore_patterns(".git", "target", "result.json", "release-body.md")
    shutil.copytree(repo, work / "subs" / "submission", ignore=skip, symlinks=True)
    env = dict(os.environ, GEARS_COURSE_ROOT=str(COURSE))
    try:
        run = subprocess.run(
            [grader(), "grade", LESSON, "--submissions", str(work / "subs"),
             "--out", str(work / "out"), "--format", "classroom50"],
            cwd=COURSE, env=env, capture_output=True, text=True, timeout=GRADE_TIMEOUT_SECS,
        )
    except (OSError, subprocess.SubprocessError) as e:
        return infrastructure_failure(str(e))
    graded = work / "out" / "submission"
    if run.returncode != 0 or not (graded / "result.json").is_file():
        tail = " / ".join((run.stderr or run.stdout).strip().splitlines()[-3:])
        return infrastructure_failure(tail or "exit code %d" % run.returncode)
    shutil.copyfile(graded / "result.json", repo / "result.json")
    shutil.copyfile(graded / "feedback.md", repo / "release-body.md")
    result = json.loads((graded / "result.json").read_text(encoding="utf-8"))
    summary = (graded / "summary.txt").read_text(encoding="utf-8").strip()
    full = result["score"] >= result["max-score"]
    output("status", "success" if full else "failure")
    output("summary", summary)
    print("autograder: " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
"#;

const PRAIRIELEARN_DOCKERFILE: &str = r#"# PrairieLearn external-grading image for Async Gears @LESSON@.
# Generated by `cargo xtask autograder prairielearn`. Build it where there is network:
#   docker build -t YOU/gears-@LESSON@ .
# and push it to Docker Hub; PrairieLearn runs graders without network, so the grader and
# every dependency are built into the image here.
FROM rust:@TOOLCHAIN@-slim-bookworm
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends bubblewrap ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY course /gears/course
WORKDIR /gears/course
RUN cargo build -p xtask && cargo test -p @LESSON@ --no-run && cargo fetch
COPY run.sh /gears/run.sh
RUN chmod 0755 /gears/run.sh
"#;

const PRAIRIELEARN_RUN: &str = r#"#!/usr/bin/env bash
# PrairieLearn external grader for Async Gears @LESSON@ (generated by
# `cargo xtask autograder prairielearn`). PrairieLearn mounts the job at /grade: the
# submission in /grade/student, the result goes to /grade/results/results.json.
# GEARS_PL_ROOT, GEARS_COURSE and GEARS_XTASK override the paths (for testing the script).
set -uo pipefail
grade_root="${GEARS_PL_ROOT:-/grade}"
course="${GEARS_COURSE:-/gears/course}"
xtask="${GEARS_XTASK:-$course/target/debug/xtask}"
results="$grade_root/results/results.json"
mkdir -p "$grade_root/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/gears-pl-XXXXXX")
mkdir -p "$work/subs"
# `grade` wants one folder per student: copy (never follow links) the submission into one.
cp -R -P "$grade_root/student" "$work/subs/submission"
if (cd "$course" && GEARS_COURSE_ROOT="$course" "$xtask" grade @LESSON@ \
      --submissions "$work/subs" --out "$work/out" --format prairielearn) > "$work/log" 2>&1 \
   && [ -f "$work/out/submission/prairielearn.json" ]; then
  cp "$work/out/submission/prairielearn.json" "$results"
else
  msg=$(tail -n 5 "$work/log" | tr '\n\t' '  ' | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')
  printf '{"gradable": false, "score": 0, "message": "The grader could not grade this submission: %s", "tests": []}\n' \
    "$msg" > "$results"
fi
rm -rf "$work"
exit 0
"#;

const PRAIRIELEARN_INFO: &str = r#"{
  "externalGradingOptions": {
    "enabled": true,
    "image": "YOU/gears-@LESSON@",
    "entrypoint": "/gears/run.sh",
    "timeout": 600
  }
}
"#;

/// The plain GitHub Actions feedback workflow for one lesson: one step per exercise, each
/// running that exercise's visible tests; every step runs even when an earlier one fails.
pub fn feedback_workflow(lesson: &Lesson) -> String {
    let mut y = format!(
        "# Feedback for {lesson} on every push (generated by `cargo xtask autograder actions-feedback`).\n\
         # Visible tests only, in the student's own repository: feedback, not a grade. Grade with\n\
         # `cargo xtask grade`, Gradescope or PrairieLearn.\n\
         name: Feedback\n\
         'on':\n  - push\n  - workflow_dispatch\n\
         permissions:\n  contents: read\n\
         jobs:\n  feedback:\n    runs-on: ubuntu-latest\n    steps:\n\
         \x20     - name: Checkout code\n        uses: actions/checkout@v4\n",
        lesson = lesson.name
    );
    for (i, ex) in lesson.exercises.iter().enumerate() {
        let minutes = ex.timeout().as_secs().div_ceil(60).max(1) + if i == 0 { 10 } else { 2 };
        y.push_str(&format!(
            "      - name: \"{id}: {title}\"\n        if: ${{{{ !cancelled() }}}}\n        timeout-minutes: {minutes}\n        run: cargo xtask check {lesson} {id}\n",
            id = ex.id,
            title = ex.title.replace('"', "'"),
            lesson = lesson.name,
        ));
    }
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
    fn feedback_workflow_has_one_step_per_exercise_and_no_classroom_actions() {
        let lesson = crate::course::test_lesson("lesson-02", &["e01_ratchet", "e02_bell"]);
        let y = feedback_workflow(&lesson);
        assert_eq!(
            y.matches("run: cargo xtask check lesson-02 ").count(),
            2,
            "{y}"
        );
        assert!(
            y.contains("run: cargo xtask check lesson-02 e02_bell"),
            "{y}"
        );
        assert!(y.contains("if: ${{ !cancelled() }}"), "{y}");
        assert!(
            !y.contains("classroom-resources") && !y.contains("autograding"),
            "the retired GitHub Classroom actions must not appear: {y}"
        );
    }
}
