//! The sandbox each graded test process runs in.
//!
//! Why this file exists: grading runs code written by someone else, on the instructor's machine.
//! The source policy ([`crate::instructor::policy`]) refuses the obvious tools (files, processes, network),
//! but a grader must not rest on one wall. Every test process of a submission is started
//! inside the strongest isolation this machine offers, chosen once per run:
//!
//! 1. **bubblewrap** (`bwrap`): new user, pid, network, ipc and uts namespaces (no network at
//!    all), only `/usr` (and the `/lib*`, `/bin` links into it) mounted read-only, the test
//!    binary itself bound read-only at one fixed path ([`INSIDE_BIN`], so no host path shows
//!    inside), a small private `/tmp` as the only writable place, a fresh `/proc` of the
//!    sandbox's own pid namespace (the harness reads its threads' run-queue times and counts
//!    threads there; it shows only the sandbox's processes, and the verdict token is in none of
//!    their environments or command lines because it arrives through stdin, see
//!    `shared::verdict`), `--die-with-parent` and `--new-session` (no injecting keystrokes into
//!    the grader's terminal).
//! 2. **unshare** (util-linux): new user, pid, network, ipc and uts namespaces. The file system
//!    is *not* hidden in this mode: only the policy keeps a test away from other files.
//! 3. **none**: a loud warning, once per run, that grading is not isolated.
//!
//! On top of every mode, `prlimit` sets resource limits: address space (memory bombs), file size
//! (disk floods), CPU seconds (a spinning thread the wall-clock limit somehow missed), no core
//! dumps, and — when the grader runs as root — `setpriv` switches to a dedicated unprivileged
//! uid per submission, so the process-count limit (`RLIMIT_NPROC`, which counts every process of
//! a uid) contains a fork or thread bomb to that one submission instead of the whole machine.
//! Without root we cannot switch uid; then the process limit is left off (it would count the
//! instructor's own processes) and the pid namespace, memory limit and time limit contain a bomb.
//!
//! `GEARS_SANDBOX=bwrap|unshare|none` forces a mode (tests use it to exercise the fallbacks).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::pipeline::process::which;

/// Environment variable that forces an isolation mode.
pub const MODE_ENV: &str = "GEARS_SANDBOX";

/// Where bubblewrap shows the test binary inside the sandbox, whatever its host path (a target
/// dir under the host's `/tmp` must not make `/tmp` non-empty inside, nor tell a submission
/// where the course lives).
pub const INSIDE_BIN: &str = "/gears/test-binary";

/// How strongly test processes are isolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// bubblewrap: namespaces and a minimal read-only file system.
    Bwrap,
    /// `unshare`: namespaces, but the file system is shared.
    Unshare,
    /// No isolation beyond resource limits (if even `prlimit` is missing, none at all).
    None,
}

impl Mode {
    /// A short name for messages and reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Bwrap => "bubblewrap",
            Mode::Unshare => "unshare (namespaces, shared file system)",
            Mode::None => "none",
        }
    }
}

/// Resource limits applied to every test process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address-space limit in bytes (`RLIMIT_AS`).
    pub address_space: u64,
    /// Processes + threads of the sandbox uid (`RLIMIT_NPROC`), only applied with a private uid.
    pub processes: u64,
    /// Largest file the process may write, in bytes (`RLIMIT_FSIZE`).
    pub file_size: u64,
    /// CPU seconds (`RLIMIT_CPU`), a backstop behind the runner's wall-clock limit.
    pub cpu_secs: u64,
    /// Size of the private `/tmp` (bubblewrap only).
    pub tmp_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            address_space: 2 << 30,
            processes: 256,
            file_size: 16 << 20,
            cpu_secs: 60,
            tmp_size: 64 << 20,
        }
    }
}

/// Where the helper programs are and which mode works here.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// The isolation mode every test of this run gets.
    pub mode: Mode,
    /// Resource limits.
    pub limits: Limits,
    prlimit: Option<PathBuf>,
    setpriv: Option<PathBuf>,
    bwrap: Option<PathBuf>,
    unshare: Option<PathBuf>,
    env: Option<PathBuf>,
}

/// bubblewrap arguments for `/lib`, `/lib64`, `/lib32`, `/bin` and `/sbin` beside a read-only
/// `/usr`: on a Debian-style merged `/usr` they are links into it and are recreated as links;
/// elsewhere they are real directories and are bound read-only. Used by the test sandbox and
/// the build sandbox (`grade::build_sandbox`).
pub fn system_dir_args() -> Vec<OsString> {
    let mut argv: Vec<OsString> = Vec::new();
    for dir in ["/lib", "/lib64", "/lib32", "/bin", "/sbin"] {
        let p = Path::new(dir);
        match std::fs::read_link(p) {
            Ok(target) => argv.extend(["--symlink".into(), target.into(), dir.into()]),
            Err(_) if p.is_dir() => argv.extend(["--ro-bind".into(), dir.into(), dir.into()]),
            Err(_) => {}
        }
    }
    argv
}

/// First uid handed to submissions when running as root (`uid_base + submission index`).
const UID_BASE: u32 = 61_000;

impl Sandbox {
    /// Detects the strongest mode that actually works on this machine (probed once per process).
    pub fn detect() -> Sandbox {
        static DETECTED: OnceLock<Sandbox> = OnceLock::new();
        DETECTED.get_or_init(Sandbox::probe).clone()
    }

    fn probe() -> Sandbox {
        let mut sb = Sandbox {
            mode: Mode::None,
            limits: Limits::default(),
            prlimit: which("prlimit"),
            setpriv: if running_as_root() {
                which("setpriv")
            } else {
                None
            },
            bwrap: which("bwrap"),
            unshare: which("unshare"),
            env: which("env"),
        };
        let forced = std::env::var(MODE_ENV).ok();
        let candidates: &[Mode] = match forced.as_deref() {
            Some("bwrap") => &[Mode::Bwrap],
            Some("unshare") => &[Mode::Unshare],
            Some("none") => &[Mode::None],
            _ => &[Mode::Bwrap, Mode::Unshare, Mode::None],
        };
        let true_bin = which("true").unwrap_or_else(|| PathBuf::from("/bin/true"));
        // A uid switch can fail (e.g. in a container without the capability): try each mode
        // with it first, then without.
        let uid_options = match &sb.setpriv {
            Some(p) => vec![Some(p.clone()), None],
            None => vec![None],
        };
        for &mode in candidates {
            for setpriv in &uid_options {
                sb.mode = mode;
                sb.setpriv = setpriv.clone();
                if sb.works(&true_bin) {
                    return sb;
                }
            }
        }
        sb.mode = Mode::None;
        sb.setpriv = None;
        if !sb.works(&true_bin) {
            sb.prlimit = None;
        }
        sb
    }

    fn works(&self, probe_bin: &Path) -> bool {
        let argv = self.argv(probe_bin, &[], &[], 0);
        let Some((prog, args)) = argv.split_first() else {
            return false;
        };
        let child = Command::new(prog)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else { return false };
        match wait_timeout::ChildExt::wait_timeout(&mut child, Duration::from_secs(10)) {
            Ok(Some(status)) => status.success(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                false
            }
        }
    }

    /// Prints, once per process, a loud warning if grading is not isolated.
    pub fn warn_once(&self) {
        static WARNED: OnceLock<()> = OnceLock::new();
        if self.mode == Mode::None {
            WARNED.get_or_init(|| {
                eprintln!(
                    "WARNING: grading is NOT isolated on this machine (no working bubblewrap or \
                     unshare): submissions run with your user's rights, limited only by the source \
                     policy{}. Install bubblewrap (`apt-get install bubblewrap`) before grading \
                     untrusted work.",
                    if self.prlimit.is_some() {
                        " and resource limits"
                    } else {
                        ""
                    }
                );
            });
        }
    }

    /// The full command line that runs `program args...` inside the sandbox.
    pub fn argv(
        &self,
        program: &Path,
        args: &[OsString],
        env: &[(String, String)],
        slot: u32,
    ) -> Vec<OsString> {
        let mut argv = self.prefix(program, env, slot);
        argv.push(self.inside(program).into());
        argv.extend(args.iter().cloned());
        argv
    }

    /// The path at which the process started by [`Sandbox::prefix`] finds `program`: the caller
    /// appends this (not the host path) after the prefix.
    pub fn inside(&self, program: &Path) -> PathBuf {
        match self.mode {
            Mode::Bwrap => PathBuf::from(INSIDE_BIN),
            Mode::Unshare | Mode::None => program.to_path_buf(),
        }
    }

    /// The wrapper to put in front of [`Sandbox::inside`]`(program)` (which the caller appends,
    /// with its arguments).
    ///
    /// `env` is the complete environment the program sees: everything else is cleared
    /// (bubblewrap's `--clearenv`, or `env -i` in the other modes), so no secret of the grader's
    /// own environment reaches a submission. `slot` tells submissions apart: with root, slot *n*
    /// runs as uid `61000 + n`, so one submission's fork bomb only exhausts its own process
    /// budget. With bubblewrap, `program` is bound read-only at its own path.
    pub fn prefix(&self, program: &Path, env: &[(String, String)], slot: u32) -> Vec<OsString> {
        let mut argv: Vec<OsString> = Vec::new();
        // The wrappers themselves start from an empty environment: with a pid namespace,
        // bubblewrap's own process is pid 1 inside and its environment is readable at
        // /proc/1/environ, so none of the grader's variables may reach it.
        argv.push(self.env.clone().unwrap_or_else(|| "env".into()).into());
        argv.push("-i".into());
        argv.push("PATH=/usr/bin:/bin".into());
        let uid = UID_BASE + slot;
        if let Some(setpriv) = &self.setpriv {
            argv.push(setpriv.into());
            argv.push(format!("--reuid={uid}").into());
            argv.push(format!("--regid={uid}").into());
            argv.push("--clear-groups".into());
        }
        if let Some(prlimit) = &self.prlimit {
            let l = &self.limits;
            argv.push(prlimit.into());
            argv.push(format!("--as={}", l.address_space).into());
            argv.push(format!("--fsize={}", l.file_size).into());
            argv.push(format!("--cpu={}", l.cpu_secs).into());
            argv.push("--core=0".into());
            if self.setpriv.is_some() {
                argv.push(format!("--nproc={}", l.processes).into());
            }
            argv.push("--".into());
        }
        match self.mode {
            Mode::Bwrap => {
                let bwrap = self.bwrap.clone().unwrap_or_else(|| "bwrap".into());
                argv.push(bwrap.into());
                for a in [
                    "--unshare-all",
                    "--die-with-parent",
                    "--new-session",
                    "--clearenv",
                    "--ro-bind",
                    "/usr",
                    "/usr",
                    "--dev",
                    "/dev",
                    "--proc",
                    "/proc",
                ] {
                    argv.push(a.into());
                }
                argv.extend(system_dir_args());
                argv.push("--size".into());
                argv.push(self.limits.tmp_size.to_string().into());
                argv.push("--tmpfs".into());
                argv.push("/tmp".into());
                // One fixed path inside, whatever the host path (see INSIDE_BIN).
                argv.push("--ro-bind".into());
                argv.push(program.into());
                argv.push(INSIDE_BIN.into());
                argv.push("--chdir".into());
                argv.push("/tmp".into());
                for (k, v) in env {
                    argv.push("--setenv".into());
                    argv.push(k.into());
                    argv.push(v.into());
                }
                argv.push("--".into());
            }
            Mode::Unshare | Mode::None => {
                if self.mode == Mode::Unshare {
                    let unshare = self.unshare.clone().unwrap_or_else(|| "unshare".into());
                    argv.push(unshare.into());
                    for a in [
                        "--user",
                        "--map-root-user",
                        "--net",
                        "--ipc",
                        "--uts",
                        "--pid",
                        "--fork",
                        "--kill-child",
                        "--",
                    ] {
                        argv.push(a.into());
                    }
                }
                argv.push(self.env.clone().unwrap_or_else(|| "env".into()).into());
                argv.push("-i".into());
                for (k, v) in env {
                    argv.push(format!("{k}={v}").into());
                }
                // No `--` here: env would take it for the program. A program path never
                // contains `=`, so it cannot be mistaken for a variable.
            }
        }
        argv
    }
}

/// True when every directory above `path` can be entered, and `path` itself read and run, by
/// any user: the sandbox's private uid needs that to start a test binary.
pub fn reachable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.permissions().mode() & 0o005 != 0o005 {
        return false;
    }
    path.ancestors().skip(1).all(|dir| {
        std::fs::metadata(dir)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(false)
    })
}

impl Sandbox {
    /// Whether test processes run under a per-submission uid.
    pub fn switches_uid(&self) -> bool {
        self.setpriv.is_some()
    }
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // The owner of our own /proc entry is our effective uid; no libc needed.
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sb: &Sandbox, script: &str) -> (bool, String) {
        let sh = which("sh").expect("sh");
        let argv = sb.argv(
            &sh,
            &["-c".into(), script.into()],
            &[("PATH".into(), "/usr/bin:/bin".into())],
            7,
        );
        let out = Command::new(&argv[0])
            .args(&argv[1..])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .stdin(Stdio::null())
            .output()
            .expect("spawn");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .map(|l| format!("stderr: {l}\n"))
                    .collect::<String>()
            ),
        )
    }

    #[test]
    fn detected_mode_runs_a_program() {
        let sb = Sandbox::detect();
        let (ok, out) = run(&sb, "echo hello");
        assert!(ok, "mode {:?}", sb.mode);
        assert_eq!(out.trim(), "hello");
    }

    #[test]
    fn bubblewrap_hides_files_and_network() {
        let sb = Sandbox::detect();
        if sb.mode != Mode::Bwrap {
            eprintln!("bubblewrap not available here; skipping");
            return;
        }
        // The course checkout and /root are invisible; /usr is read-only; /tmp works and starts
        // empty; /proc is the sandbox's own (a handful of processes, no grader variable in pid
        // 1's environment).
        let here = std::env::current_dir().unwrap();
        let script = format!(
            "test -e {} && echo SEES_COURSE; test -r /proc/self/status && echo PROC_OK; \
             test $(ls /proc | grep -c '^[0-9]') -le 10 || echo SEES_HOST_PIDS; \
             tr '\\0' '\\n' < /proc/1/environ | grep -v '^PATH=' | grep . && echo LEAKS_ENV; \
             touch /usr/x 2>/dev/null && echo WROTE_USR; ls -A /tmp | grep . && echo TMP_NOT_EMPTY; \
             echo a > /tmp/ok && echo TMP_OK; \
             cat /sys/class/net/*/address 2>/dev/null | grep -v 00:00:00:00:00:00 && echo NET",
            here.display()
        );
        let (_, out) = run(&sb, &script);
        assert_eq!(
            out.trim(),
            "PROC_OK\nTMP_OK",
            "the sandbox must show its own /proc, an empty /tmp and nothing of the host: {out}"
        );
    }

    #[test]
    fn limits_are_applied() {
        let sb = Sandbox::detect();
        if sb.prlimit.is_none() {
            return;
        }
        let (_, out) = run(&sb, "ulimit -v; ulimit -c");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], (sb.limits.address_space / 1024).to_string());
        assert_eq!(lines[1], "0");
    }
}
