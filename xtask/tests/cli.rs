//! xtask driven as a user drives it, on a tiny fixture course copied to a temp dir.
//!
//! Why this file exists: the CLI contract (exit codes, the JSON shape, one-line errors,
//! compile-error attribution, time limits, "never writes a learner's file") is what learners,
//! CI and the grader rely on; these tests hold the binary to it. The fixture
//! (`tests/fixtures/course`) has no dependencies, so each build takes a second or two, and its
//! target dir lives in the temp dir.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod support;

use support::{
    json, learner_course as course, one_line_error, snapshot as snapshot_in, xtask_in as xtask,
};

/// Every file of a fixture course outside its `target/` (where the tool keeps its state).
fn snapshot(root: &Path) -> std::collections::BTreeMap<std::path::PathBuf, String> {
    snapshot_in(root, &["target"])
}

#[test]
fn stubs_fail_with_a_verdict_per_exercise_and_the_hang_times_out() {
    let c = course();
    let before = snapshot(c.path());
    let run = xtask(c.path(), &["check", "lesson-01", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    // The shape docs/FORMAT.md fixes, exactly.
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["exercises", "lesson", "passed", "total"]);
    assert_eq!(v["lesson"], "lesson-01");
    assert_eq!(v["passed"], 0);
    assert_eq!(v["total"], 3);
    let ex = v["exercises"].as_array().unwrap();
    let mut ex_keys: Vec<&str> = ex[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    ex_keys.sort();
    assert_eq!(ex_keys, ["id", "points", "status", "tests", "title"]);
    assert_eq!(ex[0]["id"], "e01_add");
    assert_eq!(ex[0]["status"], "fail");
    assert_eq!(ex[0]["points"], 10);
    let t = &ex[0]["tests"][0];
    let mut t_keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
    t_keys.sort();
    assert_eq!(t_keys, ["message", "name", "status"]);
    assert_eq!(t["name"], "e01_add::adds");
    assert!(
        t["message"]
            .as_str()
            .unwrap()
            .contains("not yet implemented: add them")
    );
    // The stub of e02 loops forever; its timeout_secs = 1 stops it.
    assert_eq!(ex[1]["status"], "timeout");
    assert_eq!(ex[2]["status"], "fail");

    // The human report: a verdict per exercise, progress and one next step.
    let human = xtask(c.path(), &["check", "1"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("0/3"), "{}", human.stdout);
    assert!(human.stdout.contains("✗ e01_add"), "{}", human.stdout);
    assert!(human.stdout.contains("ran out of time"), "{}", human.stdout);
    let last = human.stdout.trim_end().lines().last().unwrap();
    assert_eq!(last, "next: cargo xtask hint lesson-01 e01_add");
    assert!(!human.stdout.contains('\u{1b}'), "no colour when piped");

    // Progress shows up in `list` without a build.
    let list = xtask(c.path(), &["list"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.contains("✗ e01_add"), "{}", list.stdout);

    assert_eq!(before, snapshot(c.path()), "no learner file may change");
}

#[test]
fn a_first_failure_sends_the_learner_to_the_section_the_manifest_names() {
    let c = course();
    let run = xtask(c.path(), &["check", "lesson-01"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let next = run
        .stdout
        .lines()
        .find(|l| l.starts_with("next: "))
        .unwrap_or_else(|| panic!("a failing check must end with a next step:\n{}", run.stdout));
    assert_eq!(
        next,
        "next: open lesson-01/src/e01_add.rs and read the task in its doc comment and \
         \"Adding numbers\" in lesson-01/README.md;",
        "the `readme` key of lesson.toml names the section to read (without its backticks), \
         even though \"How your work is checked\" mentions the id first"
    );
}

#[test]
fn solutions_pass_and_verify_proves_the_fixture() {
    let c = course();
    let before = snapshot(c.path());
    let run = xtask(c.path(), &["check", "01", "--solution", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = json(&run);
    assert_eq!(v["passed"], 3);
    assert!(v["exercises"][0]["tests"][0]["message"].is_null());

    // Proofs 1-4 are this tool's; the grading module's proofs need a course built on `shared`.
    let verify = xtask(c.path(), &["verify", "lesson-01", "--proof", "1,2,3,4"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    // Proofs 1-4, and whatever per-lesson proofs the grading module adds: one line each.
    for n in 1..=4 {
        let line = format!("lesson-01  proof {n}");
        assert!(verify.stdout.contains(&line), "{}", verify.stdout);
    }
    let proofs = verify
        .stdout
        .lines()
        .filter(|l| l.contains(" proof "))
        .count();
    assert_eq!(
        verify.stdout.trim_end().lines().last().unwrap(),
        format!("{proofs} passed, 0 failed")
    );

    assert_eq!(before, snapshot(c.path()), "no learner file may change");
}

#[test]
fn verify_rejects_a_mistake_that_passes() {
    let c = course();
    let lesson = c.path().join("lesson-01");
    let mut good = String::from("// Not a mistake at all.\n");
    good.push_str(&std::fs::read_to_string(lesson.join("solutions/e03_greet.rs")).unwrap());
    std::fs::write(lesson.join("mistakes/e03_greet/polite.rs"), good).unwrap();
    let verify = xtask(c.path(), &["verify", "1", "--proof", "4"]);
    assert_eq!(verify.code, 1, "{}", verify.stdout);
    assert!(
        verify
            .stdout
            .contains("mistakes/e03_greet/polite.rs: passes"),
        "{}",
        verify.stdout
    );
    assert!(
        verify.stdout.contains("✗ lesson-01  proof 4"),
        "{}",
        verify.stdout
    );
    let last = verify.stdout.trim_end().lines().last().unwrap();
    assert!(last.ends_with(" passed, 1 failed"), "{last}");
}

#[test]
fn a_compile_error_is_the_exercise_s_own_and_the_others_are_not_run() {
    let c = course();
    let file = c.path().join("lesson-01/src/e03_greet.rs");
    std::fs::write(
        &file,
        "pub fn greet(name: &str) -> String {\n    name.len()\n}\n",
    )
    .unwrap();
    let run = xtask(c.path(), &["check", "lesson-01", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    let status: Vec<&str> = v["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["not_run", "not_run", "compile_error"]);
    let msg = v["exercises"][2]["tests"][0]["message"].as_str().unwrap();
    assert!(msg.contains("mismatched types"), "{msg}");

    // The learner sees rustc's own diagnostic, pointing at their file.
    let human = xtask(c.path(), &["check", "lesson-01"]);
    assert!(human.stdout.contains("✗ e03_greet"), "{}", human.stdout);
    assert!(human.stdout.contains("error[E0308]"), "{}", human.stdout);
    assert!(
        human.stdout.contains("src/e03_greet.rs:2"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("· e01_add"), "{}", human.stdout);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let c = course();
    one_line_error(&xtask(c.path(), &["check", "lesson-99"]));
    one_line_error(&xtask(c.path(), &["check", "1", "e09_nope"]));
    one_line_error(&xtask(c.path(), &["hint", "7", "e01"]));

    let outside = tempfile::tempdir().unwrap();
    let run = xtask(outside.path(), &["list"]);
    one_line_error(&run);
    assert!(run.stderr.contains("not inside an Async Gears course"));

    // The env override finds the course from anywhere.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    let out = cmd
        .arg("list")
        .current_dir(outside.path())
        .env("GEARS_COURSE_ROOT", c.path())
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(out.status.success());

    let manifest = c.path().join("lesson-01/lesson.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("points = 5\n", "points = \"five\"\n"),
    )
    .unwrap();
    let run = xtask(c.path(), &["check", "1"]);
    one_line_error(&run);
    assert!(
        run.stderr
            .contains("lesson-01/lesson.toml line 17, key `points`"),
        "{}",
        run.stderr
    );

    std::fs::write(
        &manifest,
        text.replace("file = \"src/e03_greet.rs\"", "file = \"src/gone.rs\""),
    )
    .unwrap();
    let run = xtask(c.path(), &["check", "1"]);
    one_line_error(&run);
    assert!(
        run.stderr.contains("src/gone.rs does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn hints_step_up_and_the_solution_waits() {
    let c = course();
    let before = snapshot(c.path());
    let h1 = xtask(c.path(), &["hint", "1", "e01_add"]);
    assert_eq!(h1.code, 0);
    assert!(h1.stdout.contains("hint 1/2: Think of +."), "{}", h1.stdout);
    let h2 = xtask(c.path(), &["hint", "1", "e01"]);
    assert!(
        h2.stdout.contains("hint 2/2: Return a + b."),
        "{}",
        h2.stdout
    );
    let h3 = xtask(c.path(), &["hint", "1", "1"]);
    assert!(
        h3.stdout.contains("hint 1/2") && h3.stdout.contains("hint 2/2"),
        "{}",
        h3.stdout
    );

    let s = xtask(c.path(), &["solution", "1", "e01_add"]);
    assert_eq!(s.code, 1, "{}", s.stdout);
    assert!(!s.stdout.contains("a + b"), "must not leak: {}", s.stdout);
    // --give-up without a terminal needs --yes.
    one_line_error(&xtask(c.path(), &["solution", "1", "e01_add", "--give-up"]));
    let s = xtask(
        c.path(),
        &["solution", "1", "e01_add", "--give-up", "--yes"],
    );
    assert_eq!(s.code, 0);
    assert!(s.stdout.contains("a + b"), "{}", s.stdout);
    assert_eq!(before, snapshot(c.path()), "no learner file may change");
}

#[test]
fn watch_rechecks_on_save_and_survives_a_half_written_file() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Instant;

    let c = course();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["watch", "1"])
        .current_dir(c.path())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("GEARS_COURSE_ROOT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| -> bool {
        let deadline = Instant::now() + Duration::from_secs(90);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    let ok_first = wait_for("0/3") && wait_for("stop with Ctrl-C");
    let file = c.path().join("lesson-01/src/e01_add.rs");
    // Half-written: a compile error, shown as such; watching goes on.
    std::fs::write(&file, "pub fn add(a: u32, b: u32) -> u32 {\n    a +\n").unwrap();
    let ok_half = wait_for("does not compile");
    std::fs::write(&file, "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n").unwrap();
    let ok_fixed = wait_for("1/3");
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok_first, "first report");
    assert!(
        ok_half,
        "the half-written file is reported as a compile error"
    );
    assert!(ok_fixed, "the fixed file is re-checked");
}
