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
fn autograder_packages_for_gradescope_and_actions_feedback() {
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

    // GitHub Classroom is retired: a plain feedback workflow, named as such, remains.
    let run = xtask(course.path(), &["autograder", "classroom", "lesson-90"]);
    assert_eq!(
        run.code,
        2,
        "`autograder classroom` must be gone: {}",
        run.output()
    );
    let run = xtask(
        course.path(),
        &["autograder", "actions-feedback", "lesson-90"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let yaml =
        std::fs::read_to_string(course.path().join(".github/workflows/feedback.yml")).unwrap();
    assert!(
        yaml.contains("run: cargo xtask check lesson-90 e01_add"),
        "{yaml}"
    );
    assert!(yaml.contains("not a grade"), "{yaml}");
    assert!(!yaml.contains("classroom-resources"), "{yaml}");
}

/// A student's repository: e01 solved, e02 wrong (10 of 15 points).
fn student_repo(dir: &Path) {
    let src = dir.join("lesson-90/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(
        attack_fixtures().join("_course/lesson-90/solutions/e01_add.rs"),
        src.join("e01_add.rs"),
    )
    .unwrap();
    std::fs::write(
        src.join("e02_greet.rs"),
        "pub fn greet(name: &str) -> String { format!(\"Hi {name}\") }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
}

/// The fixture course links `shared` instead of holding it, so packages made from it do too.
fn link_shared(course: &Path, bundle_course: &Path) {
    std::os::unix::fs::symlink(
        std::fs::read_link(course.join("shared")).unwrap(),
        bundle_course.join("shared"),
    )
    .unwrap();
}

fn assert_schema(schema: &str, doc: &serde_json::Value, what: &str) {
    let problems = support::schema::check(&support::schema::load(schema), doc);
    assert!(
        problems.is_empty(),
        "{what} does not follow {schema}:\n{}\n{doc:#}",
        problems.join("\n")
    );
}

#[test]
fn schema_checker_rejects_what_the_platforms_would() {
    let schema = support::schema::load("classroom50-result-v1.schema.json");
    let bad = serde_json::json!({"schema": "classroom50/result/v2", "score": "10", "tests": [{"name": 1}]});
    let problems = support::schema::check(&schema, &bad);
    for needle in [
        "schema",
        "`max-score`",
        "$.score",
        "`test-name`",
        "`name` is not in",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "the checker must catch {needle}: {problems:?}"
        );
    }
    let pl = support::schema::load("prairielearn-results.schema.json");
    let over = serde_json::json!({"gradable": true, "score": 1.5, "message": "", "tests": []});
    assert!(
        !support::schema::check(&pl, &over).is_empty(),
        "a PrairieLearn score above 1 must be refused"
    );
}

#[test]
fn classroom50_and_prairielearn_packages_grade_through_their_scripts() {
    let course = fixture_course();
    let work = tempfile::tempdir().unwrap();

    // Classroom 50: autograder.py, run as the runner runs it, in the student's checkout.
    let c50 = work.path().join("c50");
    let run = xtask(
        course.path(),
        &[
            "autograder",
            "classroom50",
            "90",
            "--out",
            c50.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(c50.join("autograder.py").is_file());
    assert!(
        c50.join("course/lesson-90/grading/hidden.rs").is_file(),
        "hidden tests are needed"
    );
    assert!(
        !c50.join("course/lesson-90/solutions").exists(),
        "solutions stay home"
    );
    link_shared(course.path(), &c50.join("course"));
    let repo = work.path().join("student-repo");
    student_repo(&repo);
    let gh_output = work.path().join("github_output");
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(c50.join("autograder.py"))
        .current_dir(&repo)
        .env("GEARS_XTASK", XTASK)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("GITHUB_OUTPUT", &gh_output)
        .env("CLASSROOM", "rust-2026")
        .env("ASSIGNMENT", "lesson-90")
        .env("SUBMISSION_TAG", "submit/2026-12-01T10-00-00Z-abc1234")
        .env("COMMIT_URL", "https://github.com/o/r/commit/abc1234")
        .env(
            "RELEASE_URL",
            "https://github.com/o/r/releases/tag/submit%2F1",
        )
        .env_remove("REVIEW_URL");
    let run = run_limited(cmd, "autograder.py", GRADE_LIMIT);
    assert_eq!(
        run.code,
        0,
        "autograder.py must exit 0 when grading ran:\n{}",
        run.output()
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("result.json")).unwrap()).unwrap();
    assert_schema(
        "classroom50-result-v1.schema.json",
        &result,
        "Classroom 50 result.json",
    );
    assert_eq!(result["score"], 10.0, "e01 solved, e02 wrong: {result:#}");
    assert_eq!(result["max-score"], 15.0);
    assert_eq!(result["classroom"], "rust-2026");
    assert_eq!(result["submission"], "submit/2026-12-01T10-00-00Z-abc1234");
    assert_eq!(
        result["review"], "https://github.com/o/r/commit/abc1234",
        "without REVIEW_URL the commit view stands in"
    );
    let outputs = std::fs::read_to_string(&gh_output).unwrap();
    assert!(outputs.contains("status=failure\n"), "{outputs}");
    assert!(outputs.contains("summary=10 / 15 points"), "{outputs}");
    assert!(
        repo.join("release-body.md").is_file(),
        "the feedback becomes the release body"
    );

    // PrairieLearn: run.sh against a /grade folder, as the container would.
    let pl = work.path().join("pl");
    let run = xtask(
        course.path(),
        &[
            "autograder",
            "prairielearn",
            "90",
            "--out",
            pl.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let dockerfile = std::fs::read_to_string(pl.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("FROM rust:") && dockerfile.contains("COPY course /gears/course"));
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pl.join("info.json.example")).unwrap())
            .unwrap();
    assert_eq!(
        info["externalGradingOptions"]["entrypoint"],
        "/gears/run.sh"
    );
    link_shared(course.path(), &pl.join("course"));
    let grade_root = work.path().join("grade");
    student_repo(&grade_root.join("student"));
    let pl_run = |xtask_bin: &str| {
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(pl.join("run.sh"))
            .env("GEARS_PL_ROOT", &grade_root)
            .env("GEARS_COURSE", pl.join("course"))
            .env("GEARS_XTASK", xtask_bin)
            .env("CARGO_TARGET_DIR", target_dir());
        let run = run_limited(cmd, "run.sh", GRADE_LIMIT);
        assert_eq!(run.code, 0, "run.sh exits 0 either way:\n{}", run.output());
        let text = std::fs::read_to_string(grade_root.join("results/results.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("results.json is not JSON ({e}): {text}"))
    };
    let results = pl_run(XTASK);
    assert_schema(
        "prairielearn-results.schema.json",
        &results,
        "PrairieLearn results.json",
    );
    assert_eq!(results["gradable"], true);
    assert_eq!(
        results["score"], 0.6667,
        "the same 10 / 15 as a fraction: {results:#}"
    );
    let rows = results["tests"].as_array().unwrap();
    let points: f64 = rows.iter().map(|t| t["points"].as_f64().unwrap()).sum();
    assert!(
        (points - 10.0).abs() < 1e-3,
        "the rows add up to the graded total: {results:#}"
    );
    // A grader that cannot run still leaves a valid, ungradable result.
    let broken = pl_run("/nonexistent/xtask");
    assert_schema(
        "prairielearn-results.schema.json",
        &broken,
        "the failure results.json",
    );
    assert_eq!(broken["gradable"], false);
}
