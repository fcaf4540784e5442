//! `cargo xtask export` on a small fixture course: what is left out, what is rewritten, that the
//! student edition still checks, and that grading there says it needs the instructor edition.

use std::path::Path;

mod support;

use support::*;

#[test]
fn student_edition_has_no_spoilers_and_still_checks() {
    let course = fixture_course();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("student");
    let run = xtask(course.path(), &["export", "--out", out.to_str().unwrap()]);
    let stdout = &run.stdout;
    assert_eq!(run.code, 0, "{stdout}{}", run.stderr);
    assert!(stdout.contains("leak check: no file"), "{stdout}");

    let lesson = out.join("lesson-90");
    for gone in ["solutions", "grading", "mistakes"] {
        assert!(!lesson.join(gone).exists(), "{gone} was exported");
    }
    for kept in [
        "lesson.toml",
        "src/e01_add.rs",
        "tests/check.rs",
        "src/lib.rs",
    ] {
        assert!(lesson.join(kept).is_file(), "{kept} is missing");
    }
    assert!(out.join("Cargo.lock").is_file());
    let manifest = std::fs::read_to_string(lesson.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("solution"), "{manifest}");
    assert!(!manifest.contains("grading"), "{manifest}");
    let lib = std::fs::read_to_string(lesson.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("solutions/"), "{lib}");
    assert!(lib.contains("pub mod e01_add;"));
    let toml = std::fs::read_to_string(lesson.join("lesson.toml")).unwrap();
    assert!(toml.contains("hints"), "hints stay in the student edition");

    // A second export into the same folder is refused, --force replaces it.
    let again = xtask(course.path(), &["export", "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    let err = &again.stderr;
    assert!(
        err.contains("not empty") && err.trim().lines().count() == 1,
        "{err}"
    );
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    let forced = xtask(
        course.path(),
        &["export", "--out", out.to_str().unwrap(), "--force"],
    );
    assert_eq!(forced.code, 0);
    assert!(!out.join("stale.txt").exists());

    // The student edition checks: the stubs fail (exit 1), nothing is a usage error (exit 2).
    std::os::unix::fs::symlink(
        std::fs::read_link(course.path().join("shared")).unwrap(),
        out.join("shared"),
    )
    .unwrap();
    let check = xtask(&out, &["check", "lesson-90"]);
    let text = &check.stdout;
    assert_eq!(check.code, 1, "{text}{}", check.stderr);
    assert!(text.contains("Add two numbers"), "{text}");

    // Grading there needs the instructor edition: exit 2, one line.
    let subs = work.path().join("subs/ada");
    std::fs::create_dir_all(&subs).unwrap();
    let grade = xtask(
        &out,
        &[
            "grade",
            "lesson-90",
            "--submissions",
            subs.parent().unwrap().to_str().unwrap(),
            "--out",
            work.path().join("g").to_str().unwrap(),
        ],
    );
    assert_eq!(grade.code, 2);
    let err = &grade.stderr;
    assert!(err.contains("instructor edition"), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn export_refuses_the_course_itself() {
    let course = fixture_course();
    let run = xtask(
        course.path(),
        &[
            "export",
            "--out",
            course.path().join("lesson-90").to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(Path::new(&course.path().join("lesson-90/solutions")).is_dir());
}

#[test]
fn autograder_packages_for_gradescope_and_classroom() {
    let course = fixture_course();
    let work = tempfile::tempdir().unwrap();
    let zip = work.path().join("ag.zip");
    let run = xtask(
        course.path(),
        &[
            "autograder",
            "gradescope",
            "90",
            "--out",
            zip.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(&zip).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("setup.sh") && has("run_autograder"));
    assert!(
        has("course/lesson-90/grading/hidden.rs"),
        "hidden tests are needed to grade"
    );
    assert!(!has("course/lesson-90/solutions/"), "solutions stay home");

    let run = xtask(course.path(), &["autograder", "classroom", "lesson-90"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let yaml =
        std::fs::read_to_string(course.path().join(".github/workflows/classroom.yml")).unwrap();
    assert!(yaml.contains("command: cargo xtask check lesson-90 e01_add"));
    assert!(yaml.contains("max-score: 10") && yaml.contains("max-score: 5"));
    assert!(yaml.contains("runners: e01-add,e02-greet"));
}
