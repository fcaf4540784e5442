//! The verdict vocabulary shared by the runner, the reports, the progress cache and grading.
//!
//! Why this file exists: docs/FORMAT.md fixes five statuses and their JSON spelling; every part of
//! the tool (and the instructor's gradebook) must use exactly those words.

use serde::{Deserialize, Serialize};

/// Outcome of one test, or of one exercise (the worst of its tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Compiled and every test passed within its time limit.
    Pass,
    /// A test failed (assertion, panic, harness diagnosis, crash).
    Fail,
    /// The exercise's code does not compile.
    CompileError,
    /// A test was killed at its time limit.
    Timeout,
    #[default]
    /// Not run: another exercise's compile error stopped the build, or no test exists.
    NotRun,
}

impl Status {
    /// The JSON spelling (`compile_error`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::CompileError => "compile_error",
            Status::Timeout => "timeout",
            Status::NotRun => "not_run",
        }
    }

    /// A calm human phrase for the report.
    pub fn phrase(self) -> &'static str {
        match self {
            Status::Pass => "passes",
            Status::Fail => "a test fails",
            Status::CompileError => "does not compile",
            Status::Timeout => "a test ran out of time",
            Status::NotRun => "not run",
        }
    }

    /// True only for [`Status::Pass`].
    pub fn is_pass(self) -> bool {
        self == Status::Pass
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
