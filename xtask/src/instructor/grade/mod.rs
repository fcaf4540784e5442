//! `cargo xtask grade LESSON --submissions DIR --out DIR`: batch grading that cannot be gamed.
//!
//! Why this file exists: an instructor collects one folder per student and wants points, a
//! gradebook and feedback — fast, fair, and without trusting the submitted code. The steps:
//!
//! 1. [`collect`]: read only the exercise files `lesson.toml` names from each student folder
//!    (bad files score 0 with a reason; the folder is never written to).
//! 2. [`crate::instructor::policy`]: refuse files that reach for files, processes, the network, `unsafe` or
//!    compile-time includes; they are replaced by the stub and score 0, with the rule in plain
//!    words.
//! 3. [`workspace`]: one generated cargo workspace, one member per *distinct* submission
//!    (students whose effective files are identical — e.g. everyone who handed in nothing for
//!    the lesson — share one build), tests armed by [`rewrite`] with the verdict guard.
//!    One `cargo test --no-run --no-fail-fast` builds them all; a file that does not compile is
//!    swapped for its stub and the workspace rebuilt (again if that reveals the next broken
//!    file), so it costs only its own points.
//! 4. [`run`]: every test of every member in its own sandboxed process, all cores busy, a pass
//!    only with the per-process secret token.
//! 5. [`report`]: scores (partial credit per passing test) and the files handed back.

pub mod collect;
pub mod formats;
pub mod gradebook;
pub mod rewrite;
pub mod run;
pub mod workspace;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::course::status::Status;
use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result, UserError};
use crate::instructor::sandbox::Sandbox;
use collect::Found;
use gradebook::{Blocker, ExerciseGrade, StudentGrade, TestGrade};

/// What `grade` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct GradeArgs {
    /// Lesson argument (`lesson-02`, `02`, `2`).
    pub lesson: String,
    /// One subfolder per student.
    pub submissions: PathBuf,
    /// Where the gradebook and per-student files go.
    pub out: PathBuf,
    /// Test processes at once (default: the number of cores).
    pub jobs: Option<usize>,
    /// Overrides every test's time limit, in seconds.
    pub timeout_secs: Option<u64>,
    /// Students whose files skip the source policy (test-only: proves the run-time defences
    /// hold on their own).
    pub skip_policy: Vec<String>,
    /// Print nothing but errors (used by `verify` and the autograder).
    pub quiet: bool,
    /// Platform result files to write next to the Gradescope one.
    pub formats: Vec<formats::Format>,
}

/// The whole batch's grades, for callers such as `verify` and the autograder.
#[derive(Debug, Clone)]
pub struct BatchResult {
    /// Exercise ids in lesson order.
    pub ids: Vec<String>,
    /// One grade per student folder, sorted by name.
    pub students: Vec<StudentGrade>,
    /// Distinct builds (students with identical files share one).
    pub builds: usize,
    /// Time spent building, and running tests.
    pub build_time: Duration,
    /// Time spent running tests.
    pub test_time: Duration,
    /// The isolation every test ran under.
    pub isolation: &'static str,
}

/// True when this checkout is the instructor edition (the lesson still has its hidden tests).
pub fn is_instructor_edition(lesson: &Lesson) -> bool {
    lesson.dir.join("grading").is_dir()
}

/// The error every grading verb gives in the student edition.
pub fn needs_instructor_edition(lesson: &Lesson) -> UserError {
    UserError::new(
        format!(
            "grading needs the instructor edition, and this is the student edition ({} has no grading/ folder)",
            lesson.name
        ),
        "run it in the course repository you exported this copy from",
    )
}

/// The arguments of `cargo xtask grade`, as typed.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Lesson: `lesson-02`, `02` or `2`.
    pub lesson: String,
    /// Folder with one subfolder per student.
    #[arg(long)]
    pub submissions: PathBuf,
    /// Folder for gradebook.csv and one folder of feedback per student.
    #[arg(long)]
    pub out: PathBuf,
    /// Test processes at once (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Override every test's time limit (seconds).
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Test-only: let this student's files skip the source policy.
    #[arg(long, hide = true)]
    pub skip_policy: Vec<String>,
    /// Also write a platform's result file per student (repeatable): `classroom50` writes
    /// `result.json`, `prairielearn` writes `prairielearn.json`; Gradescope's `results.json`,
    /// `feedback.md` and `junit.xml` are always written.
    #[arg(long = "format", value_enum)]
    pub formats: Vec<formats::Format>,
}

/// The `grade` verb, from the command line.
pub fn run(args: Args) -> Result<Outcome> {
    let course = Course::locate()?;
    let args = GradeArgs {
        lesson: args.lesson,
        submissions: args.submissions,
        out: args.out,
        jobs: args.jobs,
        timeout_secs: args.timeout,
        skip_policy: args.skip_policy,
        quiet: false,
        formats: args.formats,
    };
    grade_and_summarise(&course, &args)
}

/// Grades the batch and prints the summary table (unless quiet).
fn grade_and_summarise(course: &Course, args: &GradeArgs) -> Result<Outcome> {
    let started = Instant::now();
    let batch = grade(course, args)?;
    if !args.quiet {
        print!("{}", gradebook::summary_table(&batch.ids, &batch.students));
        println!(
            "{} submissions ({} distinct builds) graded in {:.1} s (build {:.1} s, tests {:.1} s; \
             isolation: {}); gradebook: {}",
            batch.students.len(),
            batch.builds,
            started.elapsed().as_secs_f64(),
            batch.build_time.as_secs_f64(),
            batch.test_time.as_secs_f64(),
            batch.isolation,
            args.out.join("gradebook.csv").display()
        );
    }
    Ok(Outcome::Success)
}

/// Grades every submission and writes the out folder.
pub fn grade(course: &Course, args: &GradeArgs) -> Result<BatchResult> {
    let lesson = course.lesson(&args.lesson)?;
    if !is_instructor_edition(&lesson) {
        return Err(needs_instructor_edition(&lesson));
    }
    let subs_dir = &args.submissions;
    if !subs_dir.is_dir() {
        return Err(UserError::new(
            format!(
                "the submissions folder {} does not exist",
                subs_dir.display()
            ),
            "pass --submissions DIR with one subfolder per student",
        ));
    }
    let dirs = collect::student_dirs(subs_dir)
        .map_err(|e| UserError::io(format!("cannot list {}", subs_dir.display()), e))?;
    if dirs.is_empty() {
        return Err(UserError::new(
            format!(
                "the submissions folder {} has no student folders",
                subs_dir.display()
            ),
            "put each student's work in its own subfolder (e.g. submissions/ada/lesson-02/src/...)",
        ));
    }
    let out_dir = std::path::absolute(&args.out).unwrap_or_else(|_| args.out.clone());
    if collect::out_inside_submissions(&out_dir, subs_dir) {
        return Err(UserError::new(
            "the out folder is inside the submissions folder",
            "choose an out folder elsewhere: grading never writes into submissions",
        ));
    }
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| UserError::io(format!("cannot create {}", out_dir.display()), e))?;

    let sandbox = Sandbox::detect();
    if !args.quiet {
        sandbox.warn_once();
        for name in collect::skipped_dirs(subs_dir) {
            eprintln!(
                "note: skipping `{}`: folders whose name starts with `.` are not graded \
                 (rename it if it is a student's)",
                collect::terminal_safe(&name)
            );
        }
    }

    // 1–2. Read and police the submissions.
    let subs: Vec<collect::Submission> = dirs
        .iter()
        .map(|(name, dir)| collect::read_submission(&lesson, name, dir))
        .collect();
    let stubs: BTreeMap<String, String> = lesson
        .exercises
        .iter()
        .map(|ex| {
            let text = std::fs::read_to_string(lesson.path(&ex.file)).unwrap_or_default();
            (ex.id.clone(), text)
        })
        .collect();
    let allow = crate::instructor::policy::lesson_allow_list(&lesson.dir)?;
    let mut blockers: Vec<BTreeMap<String, Blocker>> = Vec::new();
    let mut effective: Vec<BTreeMap<String, String>> = Vec::new();
    for sub in &subs {
        let mut b = BTreeMap::new();
        let mut eff = BTreeMap::new();
        let exempt = args.skip_policy.contains(&sub.name);
        for ex in &lesson.exercises {
            let text = match &sub.files[&ex.id] {
                Found::File { text, .. } if text.trim_end() == stubs[&ex.id].trim_end() => {
                    b.insert(ex.id.clone(), Blocker::Unchanged);
                    None
                }
                Found::File { text, .. } => {
                    let violations = if exempt {
                        Vec::new()
                    } else {
                        crate::instructor::policy::check_source(text, &allow)
                    };
                    if violations.is_empty() {
                        Some(text.clone())
                    } else {
                        b.insert(
                            ex.id.clone(),
                            Blocker::Policy(crate::instructor::policy::describe(&violations)),
                        );
                        None
                    }
                }
                Found::Missing => {
                    b.insert(ex.id.clone(), Blocker::Missing);
                    None
                }
                Found::Rejected(why) => {
                    b.insert(ex.id.clone(), Blocker::BadFile(why.clone()));
                    None
                }
            };
            eff.insert(ex.id.clone(), text.unwrap_or_else(|| stubs[&ex.id].clone()));
        }
        blockers.push(b);
        effective.push(eff);
    }

    // 3. One member per distinct set of effective files.
    let mut member_of: Vec<usize> = Vec::new();
    let mut members: Vec<BTreeMap<String, String>> = Vec::new();
    for eff in &effective {
        match members.iter().position(|m| m == eff) {
            Some(i) => member_of.push(i),
            None => {
                members.push(eff.clone());
                member_of.push(members.len() - 1);
            }
        }
    }
    let names: Vec<String> = (0..members.len())
        .map(|i| format!("g{:03}", i + 1))
        .collect();
    let root = course.state_dir().join("grade").join(&lesson.name);
    let _lock = workspace::lock(&root)?;
    let spec = |files: &BTreeMap<String, String>, i: usize| workspace::MemberSpec {
        name: names[i].clone(),
        files: lesson
            .exercises
            .iter()
            .map(|ex| (ex.file.clone(), files[&ex.id].clone()))
            .collect(),
    };
    let mut specs: Vec<workspace::MemberSpec> = members
        .iter()
        .enumerate()
        .map(|(i, m)| spec(m, i))
        .collect();
    let build_timeout = Duration::from_secs(30 * 60);
    let progress = Progress::new(args.quiet);
    progress.message(&format!("building {} distinct submissions", specs.len()));
    let build_start = Instant::now();
    let ws = workspace::materialise(course, &lesson, &root, &specs)?;
    let mut builds = workspace::build(&ws, &names, build_timeout)?;

    // Compile errors: attribute each to its exercise, swap that file for its stub, rebuild.
    // rustc may only reveal a type error in one file once another file's syntax error is gone,
    // so this repeats (at most once per exercise) until no member has a new error to pin.
    let mut compile_errors: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); members.len()];
    // Each round swaps at least one file or stops, so exercises × members rounds always
    // suffice (cargo may stop at the first failed member, revealing one broken member a round).
    for _round in 0..lesson.exercises.len() * names.len() {
        let mut swapped = false;
        for (i, name) in names.iter().enumerate() {
            let b = &builds[name];
            if b.errors.is_empty() {
                continue;
            }
            let member_dir = root.join(name);
            let attr = crate::pipeline::attribution::attribute(&lesson, &member_dir, &b.errors);
            let still_own = |id: &str| {
                lesson
                    .exercises
                    .iter()
                    .any(|ex| ex.id == id && specs[i].files[&ex.file] != stubs[&ex.id])
            };
            let mut ids: Vec<String> = attr
                .by_exercise
                .keys()
                .filter(|id| still_own(id))
                .cloned()
                .collect();
            if ids.is_empty() {
                // An error we cannot pin on one file: every file that is not a stub is suspect.
                ids = lesson
                    .exercises
                    .iter()
                    .filter(|ex| still_own(&ex.id))
                    .map(|ex| ex.id.clone())
                    .collect();
            }
            for id in ids {
                let own = attr.by_exercise.get(&id).filter(|d| !d.is_empty());
                let diags = own.unwrap_or(&attr.unattributed);
                let mut text = diags
                    .iter()
                    .map(|d| crate::pipeline::process::strip_ansi(&d.rendered))
                    .collect::<Vec<_>>()
                    .join("\n");
                text = text.replace(&format!("{}/", member_dir.display()), "");
                text = text.replace(&format!("{name}/"), &format!("{}/", lesson.name));
                if let Some(ex) = lesson.exercises.iter().find(|e| e.id == id) {
                    specs[i].files.insert(ex.file.clone(), stubs[&id].clone());
                    compile_errors[i].insert(id.clone(), text);
                    swapped = true;
                }
            }
        }
        if !swapped {
            break;
        }
        progress.message("rebuilding with stubs in place of files that do not compile");
        workspace::materialise(course, &lesson, &root, &specs)?;
        builds = workspace::build(&ws, &names, build_timeout)?;
    }

    // 4. List and run the tests of every member, skipping exercises that are stubs anyway.
    let scratch_root = root.join("scratch");
    let scratch = |i: usize| {
        let d = scratch_root.join(format!("g{:03}", i + 1));
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::create_dir_all(&d);
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777));
        d
    };
    let stage = Stage::new(&sandbox)?;
    let mut jobs = Vec::new();
    let mut listed: Vec<BTreeMap<String, Vec<String>>> = vec![BTreeMap::new(); members.len()];
    let mut build_failed: Vec<Option<String>> = vec![None; members.len()];
    for (i, name) in names.iter().enumerate() {
        let b = &builds[name];
        let Some(bin) = b.executables.get(workspace::GRADE_TARGET) else {
            build_failed[i] = Some(if b.errors.is_empty() {
                "the tests were not built".to_string()
            } else {
                "the submission does not build even with stubs in place".to_string()
            });
            continue;
        };
        let bin = stage.place(bin, name)?;
        let tests = match run::list(&sandbox, &bin, i as u32, &scratch(i)) {
            Ok(t) => t,
            Err(e) => {
                build_failed[i] = Some(format!("the test binary did not list its tests: {e}"));
                continue;
            }
        };
        for full in &tests {
            // `check::e01_x::name` or `hidden::e01_x::name` (see workspace::GRADE_TARGET).
            let Some((target, short)) = full.split_once("::") else {
                continue;
            };
            if target != "check" && target != "hidden" {
                continue;
            }
            let Some(ex) = lesson.exercises.iter().find(|e| e.owns_test(short)) else {
                continue;
            };
            listed[i]
                .entry(target.to_string())
                .or_default()
                .push(short.to_string());
            // Run an exercise's tests only if some student of this member is graded on
            // their own file: where the stub was put in for everyone, the score is 0
            // anyway.
            let graded_on_own_code = !compile_errors[i].contains_key(&ex.id)
                && member_of
                    .iter()
                    .zip(&blockers)
                    .any(|(m, b)| *m == i && !b.contains_key(&ex.id));
            if graded_on_own_code {
                let timeout = args
                    .timeout_secs
                    .map(Duration::from_secs)
                    .unwrap_or_else(|| ex.timeout());
                jobs.push(run::Job {
                    member: i,
                    target: target.to_string(),
                    bin: bin.clone(),
                    test: full.clone(),
                    short: short.to_string(),
                    timeout,
                });
            }
        }
    }
    let build_time = build_start.elapsed();
    let test_start = Instant::now();
    progress.start(jobs.len() as u64, "running tests");
    let parallelism = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let results = run::run_all(&sandbox, jobs, &scratch, parallelism, &|| progress.tick());
    progress.finish();
    let _ = std::fs::remove_dir_all(&scratch_root);
    let test_time = test_start.elapsed();

    // 5. Score and write.
    let mut by_test: BTreeMap<(usize, String, String), (Status, Option<String>)> = BTreeMap::new();
    for r in results {
        by_test.insert(
            (r.job.member, r.job.target.clone(), r.job.short.clone()),
            (r.status, r.message),
        );
    }
    let files: Vec<(String, String)> = lesson
        .exercises
        .iter()
        .map(|ex| (ex.id.clone(), lesson.display_path(&ex.file)))
        .collect();
    let folders =
        collect::out_folder_names(&subs.iter().map(|s| s.name.clone()).collect::<Vec<_>>());
    let mut students = Vec::new();
    for (s, sub) in subs.iter().enumerate() {
        let m = member_of[s];
        let mut exercises = Vec::new();
        for ex in &lesson.exercises {
            let mut blocker = blockers[s].get(&ex.id).cloned();
            if blocker.is_none()
                && let Some(text) = compile_errors[m].get(&ex.id)
            {
                blocker = Some(Blocker::CompileError(text.clone()));
            }
            if blocker.is_none()
                && let Some(why) = &build_failed[m]
            {
                blocker = Some(Blocker::CompileError(why.clone()));
            }
            let points = f64::from(ex.points);
            let mut tests = Vec::new();
            for target in ["check", "hidden"] {
                for t in listed[m]
                    .get(target)
                    .into_iter()
                    .flatten()
                    .filter(|t| ex.owns_test(t))
                {
                    let (status, message) = if blocker.is_some() {
                        (Status::NotRun, None)
                    } else {
                        by_test
                            .get(&(m, target.to_string(), t.clone()))
                            .cloned()
                            .unwrap_or((Status::NotRun, Some("not run".into())))
                    };
                    tests.push(TestGrade {
                        name: t.clone(),
                        hidden: target == "hidden",
                        status,
                        message,
                        score: 0.0,
                        max: 0.0,
                    });
                }
            }
            let n = tests.len().max(1) as f64;
            for t in &mut tests {
                t.max = points / n;
                t.score = if t.status == Status::Pass {
                    points / n
                } else {
                    0.0
                };
            }
            let score = if blocker.is_some() {
                0.0
            } else {
                tests.iter().map(|t| t.score).sum()
            };
            exercises.push(ExerciseGrade {
                id: ex.id.clone(),
                title: ex.title.clone(),
                points,
                score,
                blocker,
                tests,
            });
        }
        let mut notes = Vec::new();
        if sub.is_empty() {
            notes.push(format!(
                "No exercise file of {} was found in this submission. Expected e.g. `{}`.",
                lesson.name,
                files.first().map(|f| f.1.as_str()).unwrap_or("")
            ));
        }
        let grade = StudentGrade {
            name: sub.name.clone(),
            exercises,
            notes,
        };
        gradebook::write_student(
            &out_dir.join(&folders[s]),
            &lesson.name,
            &grade,
            &files,
            &args.formats,
        )
        .map_err(|e| UserError::io(format!("cannot write feedback for {}", sub.name), e))?;
        students.push(grade);
    }
    let ids: Vec<String> = lesson.exercises.iter().map(|e| e.id.clone()).collect();
    std::fs::write(
        out_dir.join("gradebook.csv"),
        gradebook::gradebook_csv(&ids, &students),
    )
    .map_err(|e| UserError::io("cannot write gradebook.csv", e))?;
    Ok(BatchResult {
        ids,
        students,
        builds: names.len(),
        build_time,
        test_time,
        isolation: sandbox.mode.name(),
    })
}

/// Where test binaries are started from. When the sandbox runs them as another uid and the
/// target dir is not reachable by other users (e.g. under a private home folder), they are
/// copied to a world-readable temporary folder first.
struct Stage {
    dir: Option<tempfile::TempDir>,
}

impl Stage {
    fn new(sandbox: &Sandbox) -> Result<Stage> {
        Ok(Stage {
            dir: if sandbox.switches_uid() {
                let d = tempfile::Builder::new()
                    .prefix("gears-grade-")
                    .tempdir()
                    .map_err(|e| UserError::io("cannot create a temporary folder", e))?;
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755));
                Some(d)
            } else {
                None
            },
        })
    }

    fn place(&self, bin: &Path, name: &str) -> Result<PathBuf> {
        match &self.dir {
            Some(d) if !crate::instructor::sandbox::reachable_by_others(bin) => {
                let to = d.path().join(name);
                std::fs::copy(bin, &to)
                    .map_err(|e| UserError::io(format!("cannot copy {}", bin.display()), e))?;
                Ok(to)
            }
            _ => Ok(bin.to_path_buf()),
        }
    }
}

/// A progress bar on a terminal, silence elsewhere.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let on = !quiet && std::io::stderr().is_terminal();
        Progress {
            bar: on.then(|| {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            }),
        }
    }

    fn message(&self, msg: &str) {
        if let Some(b) = &self.bar {
            b.set_message(msg.to_string());
        }
    }

    fn start(&self, len: u64, msg: &str) {
        if let Some(b) = &self.bar {
            b.set_length(len);
            b.set_position(0);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            b.set_message(msg.to_string());
        }
    }

    fn tick(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
