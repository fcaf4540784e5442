//! The sandbox the compiler runs in while a batch is built.
//!
//! Why this file exists: the source policy ([`crate::instructor::policy`]) refuses every way a
//! submission could make rustc read a file (`include_str!`, `#[path]`, `env!`, …), and that is
//! one wall. This is the second: the whole `cargo build` of the grading workspace runs inside
//! bubblewrap, where the course itself does not exist. Inside there is only what a build needs:
//!
//! - `/usr` (and the `/lib*`, `/bin` links into it) and `/etc/alternatives` (where Debian keeps
//!   the `cc` the linker step calls), read-only;
//! - the toolchain (the sysroot of the `cargo` running us) and cargo's registry of downloaded
//!   crates, read-only, at their own paths; the rest of the home folder is an empty tmpfs (no
//!   `credentials.toml`, no shell history, no keys);
//! - the target folder, writable (the artifacts tokio and friends are reused from, and where the
//!   members' artifacts go), with its `xtask/` part hidden under an empty tmpfs except for the
//!   grading workspace of this lesson: verify's overlay trees there hold copies of lessons,
//!   solutions included;
//! - no network, fresh pid/ipc/uts namespaces, a private `/tmp`, and a clean environment.
//!
//! So a `#[path]` or `include_str!` that somehow got past the policy finds neither `solutions/`
//! nor `grading/` of the course: only the hidden tests the member is built with anyway, whose
//! diagnostics the feedback already redacts.
//!
//! No `--new-session`: rustc runs no submitted code, and keeping bubblewrap's process group
//! lets the build's watchdog see which member's compiler is running and kill the whole group.
//! Where bubblewrap is missing or cannot run cargo (some containers forbid namespaces), the
//! build runs as before, outside, and the grade summary says so.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::instructor::sandbox::{Mode, Sandbox};
use crate::pipeline::cargo_build;

/// How one grading build reaches cargo: inside bubblewrap, or (when that cannot work here)
/// directly.
#[derive(Debug, Clone)]
pub struct BuildSandbox {
    bwrap: PathBuf,
    sysroot: PathBuf,
    registry: Vec<PathBuf>,
    home: Option<PathBuf>,
}

impl BuildSandbox {
    /// The build sandbox for a workspace at `ws_root` with target folder `target`, probed once
    /// per process (`None`: build outside, see the module docs). `GEARS_SANDBOX=unshare|none`
    /// turns it off along with the test sandbox.
    pub fn detect(target: &Path, ws_root: &Path) -> Option<BuildSandbox> {
        static DETECTED: OnceLock<Option<BuildSandbox>> = OnceLock::new();
        DETECTED
            .get_or_init(|| {
                let sb = Sandbox::detect();
                if sb.mode != Mode::Bwrap {
                    return None;
                }
                let candidate = BuildSandbox {
                    bwrap: crate::pipeline::process::which("bwrap")?,
                    sysroot: sysroot()?,
                    registry: registry_dirs(),
                    home: std::env::var_os("HOME").map(PathBuf::from),
                };
                candidate.works(target, ws_root).then_some(candidate)
            })
            .clone()
    }

    /// What the grade summary says about the build.
    pub fn name(sandbox: &Option<BuildSandbox>) -> &'static str {
        match sandbox {
            Some(_) => "bubblewrap",
            None => "none",
        }
    }

    /// The program and arguments that start cargo in the sandbox, in `ws_root`, with `target` as
    /// its target folder; cargo's own arguments go after them. Start it with an empty
    /// environment: what cargo needs is set inside (`--clearenv`, then `--setenv`).
    pub fn argv(&self, target: &Path, ws_root: &Path) -> Vec<OsString> {
        let mut argv = vec![self.bwrap.clone().into_os_string()];
        argv.extend(self.bwrap_args(target, ws_root));
        argv.push(self.sysroot.join("bin").join("cargo").into_os_string());
        argv
    }

    fn bwrap_args(&self, target: &Path, ws_root: &Path) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let mut push = |items: &[&dyn AsRef<std::ffi::OsStr>]| {
            for i in items {
                a.push(i.as_ref().to_owned());
            }
        };
        push(&[
            &"--unshare-all",
            &"--die-with-parent",
            &"--clearenv",
            &"--ro-bind",
            &"/usr",
            &"/usr",
            &"--dev",
            &"/dev",
            &"--proc",
            &"/proc",
            &"--tmpfs",
            &"/tmp",
        ]);
        for arg in crate::instructor::sandbox::system_dir_args() {
            push(&[&arg]);
        }
        if Path::new("/etc/alternatives").is_dir() {
            push(&[&"--ro-bind", &"/etc/alternatives", &"/etc/alternatives"]);
        }
        // The home folder first (an empty tmpfs), then what is bound inside it.
        if let Some(home) = self.home.as_ref().filter(|h| h.is_absolute() && h.is_dir()) {
            push(&[&"--tmpfs", home]);
            push(&[&"--setenv", &"HOME", home]);
        }
        push(&[&"--ro-bind", &self.sysroot, &self.sysroot]);
        for dir in &self.registry {
            push(&[&"--ro-bind", dir, dir]);
        }
        push(&[&"--bind", &target, &target]);
        let xtask = target.join("xtask");
        if ws_root.starts_with(&xtask) {
            push(&[&"--tmpfs", &xtask]);
        }
        push(&[&"--bind", &ws_root, &ws_root]);
        let mut path = OsString::from(self.sysroot.join("bin"));
        path.push(":/usr/bin:/bin");
        push(&[&"--setenv", &"PATH", &path]);
        push(&[&"--setenv", &"CARGO_TARGET_DIR", &target]);
        if let Some(home) = cargo_home() {
            push(&[&"--setenv", &"CARGO_HOME", &home]);
        }
        for key in ["CARGO_BUILD_JOBS"] {
            if let Some(v) = std::env::var_os(key) {
                push(&[&"--setenv", &key, &v]);
            }
        }
        push(&[&"--chdir", &ws_root]);
        a
    }

    /// Can cargo, inside, see the workspace and every dependency's source? (`cargo metadata
    /// --offline` reads the manifests, the lock file and each dependency's manifest where the
    /// build will look for it; a course whose crates come from somewhere else, vendored sources
    /// set up in a cargo config outside, say, fails here and is built outside instead.)
    fn works(&self, target: &Path, ws_root: &Path) -> bool {
        let argv = self.argv(target, ws_root);
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .args(["metadata", "--offline", "--format-version", "1"])
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let Ok(mut child) = cmd.spawn() else {
            return false;
        };
        match wait_timeout::ChildExt::wait_timeout(&mut child, Duration::from_secs(30)) {
            Ok(Some(status)) => status.success(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                false
            }
        }
    }
}

/// The toolchain of the cargo that runs us: `$CARGO` is `<sysroot>/bin/cargo` under `cargo run`;
/// otherwise rustc says where its sysroot is.
fn sysroot() -> Option<PathBuf> {
    let from_cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|c| Some(c.parent()?.parent()?.to_path_buf()));
    let root = match from_cargo {
        Some(root) if root.join("bin").join("rustc").is_file() => root,
        _ => {
            let mut rustc = Command::new("rustc");
            cargo_build::clean_env(&mut rustc);
            let out = rustc.args(["--print", "sysroot"]).output().ok()?;
            PathBuf::from(String::from_utf8(out.stdout).ok()?.trim())
        }
    };
    (root.join("bin").join("cargo").is_file() && root.join("bin").join("rustc").is_file())
        .then_some(root)
}

/// cargo's home: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The parts of cargo's home a build reads: downloaded crates (`registry/`) and git
/// dependencies (`git/`). Not `bin/`, `config.toml` or `credentials.toml`.
fn registry_dirs() -> Vec<PathBuf> {
    let Some(home) = cargo_home() else {
        return Vec::new();
    };
    ["registry", "git"]
        .iter()
        .map(|d| home.join(d))
        .filter(|d| d.is_dir())
        .collect()
}
