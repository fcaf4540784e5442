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
//! bubblewrap (and root for the fork bomb); without it they are skipped with a note. The `ct_*`
//! attacks also skip the policy, to show a compile-time wall on its own (the clean build
//! environment); they need nothing. So do `output_flood`, `fake_libtest` and `fake_verdict`,
//! which write to the real stdout through `std::io` (refused by the policy since `io` is a
//! banned name) to test the output cap and the verdict token. The `honest_*` folders are not attacks: an honest answer
//! the policy once refused, which must score full marks.

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
        // These write to the real stdout (`std::io`, which the policy now refuses); their
        // point is the run-time walls (output cap, verdict token), so the policy is off.
        let runtime_only = ["output_flood", "fake_libtest", "fake_verdict"];
        if name.starts_with("ct_") || runtime_only.contains(&name.as_str()) {
            skip_policy.push(name.clone());
        }
        // Only the build sandbox (bubblewrap) keeps the machine's files from the compiler.
        if name == "ct_host_file" && !bwrap {
            eprintln!("note: skipping {name} (needs bubblewrap)");
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
    // Folder names: hidden, not UTF-8 (two that read the same once converted), escape codes.
    copy_dir(&sol, &subs.join(".hidden student/src"));
    use std::os::unix::ffi::OsStrExt;
    copy_dir(
        &sol,
        &subs
            .join(std::ffi::OsStr::from_bytes(b"lossy \xff"))
            .join("src"),
    );
    std::fs::create_dir_all(subs.join(std::ffi::OsStr::from_bytes(b"lossy \xfe"))).unwrap();
    let escape_name = "esc \u{1b}[2J\u{1b}]0;pwned\u{7}\r";
    copy_dir(&sol, &subs.join(escape_name).join("src"));

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
            // What `ct_compile_env` looks for at compile time: the build must not see it.
            ("GEARS_GRADER_SECRET", "do-not-leak".to_string()),
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
        if a.starts_with("honest_") {
            assert_eq!(
                score(a, "e01_add"),
                10.0,
                "the honest `{a}` lost points (the policy must judge names, not lifetimes):\n{}",
                std::fs::read_to_string(out.join(a).join("feedback.md")).unwrap_or_default()
            );
            continue;
        }
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
        "sink_static_1gib",
    ] {
        assert_eq!(
            score(s, "e02_greet"),
            5.0,
            "`{s}` broke only e01; its correct e02 must keep its points:\n{stdout}\n{}",
            feedback(s)
        );
    }

    // Folder names: a hidden folder is skipped and said so; two names that read the same get
    // two rows and two out folders; escape codes never reach the terminal raw.
    assert!(
        !book.contains_key(".hidden student"),
        "a `.` folder was graded"
    );
    assert!(
        stderr.contains("skipping `.hidden student`"),
        "skipping a `.` folder must be said:\n{stderr}"
    );
    // `lossy \xfe` (nothing handed in) sorts before `lossy \xff` (the reference solution).
    let mut lossy = [
        score("lossy \u{fffd}", "total"),
        score("lossy \u{fffd} (2)", "total"),
    ];
    lossy.sort_by(f64::total_cmp);
    assert_eq!(
        lossy,
        [0.0, 15.0],
        "two folders whose names read the same must keep their own grades"
    );
    let fb =
        |dir: &str| std::fs::read_to_string(out.join(dir).join("feedback.md")).unwrap_or_default();
    let totals = [fb("lossy \u{fffd}"), fb("lossy \u{fffd} (2)")];
    assert!(
        totals.iter().any(|t| t.contains("Total: 15 / 15"))
            && totals.iter().any(|t| t.contains("Total: 0 / 15")),
        "two students shared an out folder"
    );
    assert_eq!(
        score(escape_name, "total"),
        15.0,
        "the CSV must keep a name with control characters exactly"
    );
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "a folder name's escape codes reached the terminal raw:\n{stdout:?}"
    );
    assert!(
        stdout.contains("esc \\u{1b}[2J"),
        "escaped name missing:\n{stdout}"
    );

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
    assert!(feedback("unlexable_bypass").contains("`#!`"));
    assert!(feedback("shebang_raw_string").contains("`#!`"));
    assert!(feedback("deep_nesting").contains("nested more than"));
    assert!(feedback("debugger_visualizer").contains("`debugger_visualizer`"));
    assert!(feedback("path_read_dir").contains("`read_dir`"));
    assert!(feedback("unsound_25860").contains("rust-lang/rust#25860"));
    assert!(feedback("unsound_25860_struct").contains("rust-lang/rust#25860"));
    // A submission whose API breaks only the hidden tests: told so, shown none of their code.
    for file in ["feedback.md", "results.json", "junit.xml"] {
        let text = std::fs::read_to_string(out.join("hidden_api_mismatch").join(file)).unwrap();
        assert!(
            text.contains("a hidden test does not compile against your API"),
            "{file} of hidden_api_mismatch does not say a hidden test does not compile:\n{text}"
        );
        for secret in ["1 << 40", "1 &lt;&lt; 40", "u64::MAX, 1", "hidden.rs"] {
            assert!(
                !text.contains(secret),
                "{file} of hidden_api_mismatch leaks hidden-test source ({secret}):\n{text}"
            );
        }
    }
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
    let oom = feedback("sink_static_1gib");
    assert!(
        oom.contains("the compiler crashed on this file") || oom.contains("pinned on this file"),
        "a compiler crash must be pinned on the file that caused it:\n{}",
        feedback("sink_static_1gib")
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

    // An out folder that does not exist yet, inside the submissions folder, is refused too.
    let subs = work.path().join("subs");
    std::fs::create_dir_all(subs.join("ada")).unwrap();
    let out_inside = subs.join("out");
    let run = xtask(
        course.path(),
        &[
            "grade",
            "lesson-90",
            "--submissions",
            subs.to_str().unwrap(),
            "--out",
            out_inside.to_str().unwrap(),
        ],
    );
    assert_eq!(
        run.code,
        2,
        "--out inside the submissions folder must be refused: {}",
        run.output()
    );
    assert!(
        run.stderr.contains("inside the submissions folder"),
        "{}",
        run.stderr
    );
    assert!(
        !out_inside.exists(),
        "the refused out folder was created anyway"
    );

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
