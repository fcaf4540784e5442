//! `cargo xtask grade` against submissions that try to cheat or to hurt the machine.
//!
//! Every folder under `tests/fixtures/attacks/` (except `_course`) is one "student" whose
//! `e01_add` attacks the grader. They are all graded in ONE batch, next to a student who hands
//! in the reference solution and a few students with awkward input (binary files, links out of
//! the folder, a 50 MB file, a name with spaces and non-ASCII letters, a compile error). The
//! attacked exercise must score 0, the reference full points, the submissions folder must not
//! change, and nothing may be written outside the grader's scratch space.
//!
//! The course graded here is a tiny fixture lesson (`_course/lesson-90`, std only) placed in a
//! temporary workspace shaped like the real one, so its dependencies come from the target dir
//! this test binary was built into and only the fixture crates compile.
//!
//! The `rt_*` attacks are graded with the source policy switched off (`--skip-policy`), to show
//! that the run-time walls (verdict token, sandbox, limits) hold on their own. They need
//! bubblewrap (and root for the fork bomb); without it they are skipped with a note.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod support;

use support::*;

fn gradebook(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(out.join("gradebook.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let row = header
                .iter()
                .zip(&cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect::<BTreeMap<_, _>>();
            (cells[0].trim_matches('"').to_string(), row)
        })
        .collect()
}

fn bwrap_and_root() -> (bool, bool) {
    let bwrap = Command::new("bwrap")
        .args(["--ro-bind", "/", "/", "true"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let root = std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false);
    (bwrap, root)
}

#[test]
fn attacks_score_zero_and_the_reference_scores_full() {
    let course = fixture_course();
    let work = tempfile::tempdir().unwrap();
    let subs = work.path().join("submissions");
    let out = work.path().join("out");
    let (bwrap, root) = bwrap_and_root();

    // The attackers.
    let mut attacks = Vec::new();
    let mut skip_policy = Vec::new();
    for e in std::fs::read_dir(attack_fixtures()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with('_') {
            continue;
        }
        if name.starts_with("rt_") {
            if !bwrap || (name == "rt_fork_bomb" && !root) {
                eprintln!(
                    "note: skipping {name} (needs bubblewrap{})",
                    if root { "" } else { " and root" }
                );
                continue;
            }
            skip_policy.push(name.clone());
        }
        copy_dir(&attack_fixtures().join(&name), &subs.join(&name));
        attacks.push(name);
    }
    attacks.sort();

    // The honest students and the awkward input.
    let sol = attack_fixtures().join("_course/lesson-90/solutions");
    let reference = subs.join("reference/lesson-90/src");
    copy_dir(&sol, &reference);
    let partial = subs.join("partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::copy(sol.join("e01_add.rs"), partial.join("e01_add.rs")).unwrap();
    std::fs::write(
        partial.join("e02_greet.rs"),
        "pub fn greet(name: &str) -> String { format!(\"Hi {name}\") }\n",
    )
    .unwrap();
    let broken = subs.join("does not compile/src");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("e01_add.rs"),
        "pub fn add(a: u64, b: u64) -> u64 { a + }\n",
    )
    .unwrap();
    std::fs::copy(sol.join("e02_greet.rs"), broken.join("e02_greet.rs")).unwrap();
    let odd = subs.join("Zoë Ünal (bad files)/lesson-90/src");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("e01_add.rs"), [0xffu8, 0xfe, 0x00, 0x41]).unwrap();
    std::os::unix::fs::symlink(
        course.path().join("lesson-90/solutions/e02_greet.rs"),
        odd.join("e02_greet.rs"),
    )
    .unwrap();
    let big = subs.join("big file");
    std::fs::create_dir_all(&big).unwrap();
    std::fs::File::create(big.join("e01_add.rs"))
        .unwrap()
        .set_len(50 << 20)
        .unwrap();
    std::fs::create_dir_all(subs.join("nothing here")).unwrap();
    // Honest students graded in the same batch as the `sink_*` students, who try to take the
    // whole batch down (30 compile errors, a 1 GiB static, deep nesting, endless const eval).
    // Each hands in the reference with a small edit, so each is a build of its own.
    let honest: Vec<String> = (1..=3).map(|i| format!("honest {i}")).collect();
    for (i, h) in honest.iter().enumerate() {
        let d = subs.join(h).join("src");
        copy_dir(&sol, &d);
        let add = std::fs::read_to_string(d.join("e01_add.rs")).unwrap();
        std::fs::write(
            d.join("e01_add.rs"),
            format!("{add}// honest student {i}\n"),
        )
        .unwrap();
    }
    std::fs::write(subs.join("nothing here/notes.txt"), "I forgot").unwrap();

    let _ = std::fs::remove_file("/var/tmp/gears-PWNED");
    let _ = std::fs::remove_file("/var/tmp/gears-PWNED-build");
    let before = snapshot(&subs, &[]);
    let mut args = vec![
        "grade".to_string(),
        "lesson-90".into(),
        "--submissions".into(),
        subs.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    for s in &skip_policy {
        args.push("--skip-policy".into());
        args.push(s.clone());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    // A service on the grading machine that the network attacks try to reach.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    // A per-member build budget well inside the test's own limit: a member that held the
    // compiler longer would be stopped and blamed, not the batch.
    let run = xtask_env(
        course.path(),
        &args,
        &[
            ("GEARS_ATTACK_PORT", port),
            ("GEARS_GRADE_BUILD_SECS", "300".to_string()),
        ],
    );
    let stdout = &run.stdout;
    let stderr = &run.stderr;
    eprintln!("{stdout}\n{stderr}\n(graded in {:?})", started.elapsed());
    assert_eq!(run.code, 0, "grade failed:\n{stdout}\n{stderr}");

    let book = gradebook(&out);
    let score = |student: &str, col: &str| -> f64 {
        book.get(student)
            .unwrap_or_else(|| panic!("{student} missing from the gradebook: {book:?}"))[col]
            .parse()
            .unwrap()
    };
    let feedback = |s: &str| std::fs::read_to_string(out.join(s).join("feedback.md")).unwrap();
    assert_eq!(
        score("reference", "total"),
        15.0,
        "the reference solution must get full marks:\n{}",
        feedback("reference")
    );
    assert_eq!(
        score("partial", "e01_add"),
        10.0,
        "a correct e01 next to a wrong e02 must keep its points:\n{}",
        feedback("partial")
    );
    assert_eq!(score("partial", "e02_greet"), 0.0);
    assert_eq!(score("does not compile", "e01_add"), 0.0);
    assert_eq!(
        score("does not compile", "e02_greet"),
        5.0,
        "one broken file costs only its own points"
    );
    assert_eq!(score("Zoë Ünal (bad files)", "total"), 0.0);
    assert_eq!(score("big file", "total"), 0.0);
    assert_eq!(score("nothing here", "total"), 0.0);
    for a in &attacks {
        assert_eq!(
            score(a, "e01_add"),
            0.0,
            "attack `{a}` scored points:\n{stdout}"
        );
    }
    // One student cannot sink the batch: every honest student keeps full marks, and a broken
    // e01 costs its author only e01 where the compiler could say which file broke.
    for h in &honest {
        assert_eq!(
            score(h, "total"),
            15.0,
            "honest student `{h}` lost points next to the sink_* students:\n{}",
            feedback(h)
        );
    }
    for s in [
        "sink_compile_errors",
        "sink_const_eval",
        "sink_deep_nesting",
    ] {
        assert_eq!(
            score(s, "e02_greet"),
            5.0,
            "`{s}` broke only e01; its correct e02 must keep its points:\n{stdout}"
        );
    }

    // Plain-words reasons reach the student.
    assert!(feedback("exit_zero").contains("`process` is not allowed"));
    assert!(feedback("include_hidden").contains("include_str"));
    assert!(feedback("include_solution").contains("`path`"));
    assert!(feedback("macro_smuggle").contains("`process` is not allowed"));
    assert!(feedback("does not compile").contains("error: expected expression"));
    assert!(feedback("Zoë Ünal (bad files)").contains("UTF-8"));
    assert!(feedback("Zoë Ünal (bad files)").contains("outside your submission"));
    assert!(feedback("big file").contains("1 MiB"));
    assert!(feedback("nothing here").contains("No exercise file"));
    assert!(feedback("infinite_loop").contains("still running"));
    assert!(feedback("compile_memory_bomb").contains("more memory than available"));
    assert!(feedback("output_flood").contains("cut off"));
    assert!(
        feedback("sink_deep_nesting").contains("nested more than"),
        "deep nesting must be refused with the rule named"
    );
    assert!(
        feedback("sink_const_eval").contains("long_running_const_eval"),
        "the forbidden lint must be named in the feedback"
    );
    assert!(
        feedback("sink_compile_errors").contains("mismatched types"),
        "the compile errors must reach their author"
    );
    if skip_policy.contains(&"rt_exit_zero".to_string()) {
        assert!(feedback("rt_exit_zero").contains("without the grader's verdict"));
    }
    // Hidden tests are named, their messages are not shown.
    let p = feedback("partial");
    assert!(p.contains("hidden test `e02_greet::greets_unicode_names`"));
    assert!(!p.contains("Hello, Zoë!"));
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("reference/results.json")).unwrap())
            .unwrap();
    assert_eq!(results["score"], 15.0);
    assert!(
        results["tests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["visibility"] == "after_due_date")
    );
    assert!(out.join("reference/junit.xml").is_file());

    // Nothing changed in the submissions, nothing escaped.
    assert!(
        listener.accept().is_err(),
        "a submission reached the host's network"
    );
    assert_eq!(
        snapshot(&subs, &[]),
        before,
        "the submissions folder was modified"
    );
    assert!(!Path::new("/var/tmp/gears-PWNED").exists());
    assert!(!Path::new("/var/tmp/gears-PWNED-build").exists());
    let grade_root = target_dir().join("xtask/grade/lesson-90");
    assert!(!grade_root.join("PWNED").exists());
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let course = fixture_course();
    let work = tempfile::tempdir().unwrap();
    let grade = |lesson: &str, submissions: &Path| {
        let subs = submissions.to_str().unwrap();
        xtask(
            course.path(),
            &["grade", lesson, "--submissions", subs, "--out", "o"],
        )
    };
    let run = grade("lesson-90", &work.path().join("nope"));
    assert_eq!(run.code, 2, "a missing submissions folder is a usage error");
    let err = &run.stderr;
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("does not exist"), "{err}");

    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = grade("90", &empty);
    assert_eq!(run.code, 2, "an empty submissions folder is a usage error");
    assert!(run.stderr.contains("no student folders"), "{}", run.stderr);

    // The student edition has no hidden tests: grading says it needs the instructor's.
    std::fs::remove_dir_all(course.path().join("lesson-90/grading")).unwrap();
    std::fs::create_dir_all(empty.join("ada")).unwrap();
    let run = grade("90", &empty);
    assert_eq!(run.code, 2, "grading a student edition is a usage error");
    let err = &run.stderr;
    assert!(err.contains("instructor edition"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
