//! `cargo xtask grade LESSON --submissions DIR --out DIR`: batch grading that cannot be gamed.
//!
//! Why this file exists: an instructor collects one folder per student and wants points, a
//! gradebook and feedback — fast, fair, and without trusting the submitted code. The steps:
//!
//! 1. [`collect`]: read only the exercise files `lesson.toml` names from each student folder
//!    (bad files score 0 with a reason; the folder is never written to).
//! 2. [`police`]: refuse files that reach for files, processes, the network, `unsafe` or
//!    compile-time includes ([`crate::instructor::policy`]), or nest deeper than any honest
//!    file; they are replaced by the stub and score 0, with the rule in plain words. Then
//!    [`police::dedupe`]: one member per *distinct* set of effective files (everyone who
//!    handed in nothing shares one build).
//! 3. [`build`]: one generated cargo [`workspace`], tests armed by [`rewrite`] with the verdict
//!    guard, built with `--keep-going` in a loop that ends only when every member is built or
//!    blamed: a file that does not compile is swapped for its stub, a member that crashes or
//!    stalls the compiler is built alone under the per-member time and memory budget.
//! 4. [`schedule`] + [`run`]: every test of every member in its own sandboxed process, all
//!    cores busy, a pass only with the per-process secret token.
//! 5. [`score`] (a pure function: partial credit per passing test) and [`gradebook`]: the
//!    files handed back.

pub mod build;
pub mod build_sandbox;
pub mod collect;
pub mod formats;
pub mod gradebook;
pub mod police;
pub mod rewrite;
pub mod run;
pub mod schedule;
pub mod score;
pub mod workspace;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::course::{Course, Lesson};
use crate::error::{Outcome, Result, UserError};
use crate::instructor::sandbox::Sandbox;
use gradebook::StudentGrade;

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
    /// The isolation the compiler ran under (see [`build_sandbox`]).
    pub build_isolation: &'static str,
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
             isolation: {}, build: {}); gradebook: {}",
            batch.students.len(),
            batch.builds,
            started.elapsed().as_secs_f64(),
            batch.build_time.as_secs_f64(),
            batch.test_time.as_secs_f64(),
            batch.isolation,
            batch.build_isolation,
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
    let policed: Vec<police::Policed> = subs
        .iter()
        .map(|sub| {
            let exempt = args.skip_policy.contains(&sub.name);
            police::police(&lesson, sub, &stubs, &allow, exempt)
        })
        .collect();

    // 2b. One member per distinct set of effective files.
    let effective: Vec<BTreeMap<String, String>> =
        policed.iter().map(|p| p.effective.clone()).collect();
    let (members, member_of) = police::dedupe(&effective);
    let root = course.state_dir().join("grade").join(&lesson.name);
    let _lock = workspace::lock(&root)?;
    let mut specs: Vec<workspace::MemberSpec> = members
        .iter()
        .enumerate()
        .map(|(i, m)| workspace::MemberSpec {
            name: format!("g{:03}", i + 1),
            files: lesson
                .exercises
                .iter()
                .map(|ex| (ex.file.clone(), m[&ex.id].clone()))
                .collect(),
        })
        .collect();

    // 3. Build every member, or blame it (stub fallback per file, suspects alone).
    let progress = Progress::new(args.quiet);
    progress.message(&format!("building {} distinct submissions", specs.len()));
    let build_start = Instant::now();
    let inputs = build::Inputs {
        course,
        lesson: &lesson,
        root: &root,
        stubs: &stubs,
        budget: workspace::Budget::default(),
    };
    let built = build::build_all(&inputs, &mut specs, &|m| progress.message(m))?;

    // 4. List the tests of every member; queue those some student is graded on.
    let scratch_root = root.join("scratch");
    let scratch = |i: usize| {
        let d = scratch_root.join(format!("g{:03}", i + 1));
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::create_dir_all(&d);
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777));
        d
    };
    let graded_on_own_code = |m: usize, id: &str| {
        !built.compile_errors[m].contains_key(id)
            && member_of
                .iter()
                .zip(&policed)
                .any(|(of, p)| *of == m && !p.blockers.contains_key(id))
    };
    let plan = schedule::schedule(
        &lesson,
        &sandbox,
        &built.binaries,
        &graded_on_own_code,
        args.timeout_secs.map(Duration::from_secs),
        &scratch,
    )?;
    let build_time = build_start.elapsed();
    let test_start = Instant::now();
    progress.start(plan.jobs.len() as u64, "running tests");
    let parallelism = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let results = run::run_all(&sandbox, plan.jobs.clone(), &scratch, parallelism, &|| {
        progress.tick()
    });
    progress.finish();
    let _ = std::fs::remove_dir_all(&scratch_root);
    let test_time = test_start.elapsed();

    // 5. Score and write.
    let mut verdicts: Vec<score::Verdicts> = vec![BTreeMap::new(); members.len()];
    for r in results {
        verdicts[r.job.member].insert(
            (r.job.target.clone(), r.job.short.clone()),
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
        let failed = built.failed[m].as_deref().or(plan.failed[m].as_deref());
        let facts = score::MemberFacts {
            listed: plan.listed[m].clone(),
            compile_errors: Some(&built.compile_errors[m]),
            build_failed: failed,
            verdicts: Some(&verdicts[m]),
        };
        let exercises = lesson
            .exercises
            .iter()
            .map(|ex| score::score_exercise(ex, policed[s].blockers.get(&ex.id), &facts))
            .collect();
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
        builds: members.len(),
        build_time,
        test_time,
        isolation: sandbox.mode.name(),
        build_isolation: build_sandbox::BuildSandbox::name(&build_sandbox::BuildSandbox::detect(
            &course.target_dir(),
            &root,
        )),
    })
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
