//! The source policy: what an exercise file may not contain when it is graded.
//!
//! Why this file exists: `cargo xtask grade` compiles and runs code it cannot trust. Some attacks
//! happen at *compile time*, before any sandbox exists: `include_str!("../grading/hidden.rs")`
//! pastes the hidden tests into the submission, `env!("HOME")` reads the grader's environment,
//! `#[path = "../solutions/e01.rs"] mod x;` compiles a reference solution as if it were the
//! student's. Others happen at run time and are *also* stopped by the sandbox, but a plain-words
//! rejection is kinder than a mysterious failure: `std::process::exit(0)`, `std::fs`, sockets.
//! None of these belongs in an async-Rust exercise, so we refuse them before building.
//!
//! ## The rules, and why they look at tokens
//!
//! A syntax-tree visitor misses whatever hides inside a macro call (`m!(fs)` where the macro
//! pastes `std::$x::read`), inside `cfg_attr`, or behind a `use` rename. So the policy works on
//! the token stream of the whole file, which contains macro bodies too:
//!
//! - the keyword `unsafe` anywhere;
//! - `extern` anywhere (`extern crate`, FFI blocks);
//! - `macro_rules` (a macro can hide a forbidden path from simpler checks, or expand
//!   exponentially and keep the compiler busy for hours — the build is not sandboxed);
//! - the identifiers `fs`, `env`, `process`, `net`, `os` anywhere — as a path segment
//!   (`std::fs`, `tokio::process`), in a `use` list or rename, or as a macro argument. This
//!   costs a learner the names `env`, `os`, `process`... for their own variables; the message
//!   says to rename them. We prefer a rule a learner can read in one line over a clever one with
//!   holes;
//! - the macros `include!`, `include_str!`, `include_bytes!`, `env!`, `option_env!`, `asm!`,
//!   `global_asm!`, `naked_asm!` (as identifiers anywhere, so `core::include_str!` and macro
//!   indirection are caught too);
//! - inside any attribute `#[...]` / `#![...]` (including `cfg_attr` and attributes written in a
//!   macro body): `path`, `no_mangle`, `export_name`, `link_section`, `link`, `link_name`,
//!   `used`, `naked`.
//!
//! The file must also parse as Rust (`syn`); a file that does not parse is left to the compiler,
//! whose message is better than ours.
//!
//! A lesson that teaches one of these (say `unsafe`) lifts that rule in
//! `lesson-NN/grading/policy.toml`: `allow = ["unsafe"]` (rule names: `unsafe`, `extern`, the
//! module and macro identifiers, the attribute names). The file lives in `grading/`, so it is
//! instructor-only like the hidden tests.
//!
//! What the policy does not try to stop: code that is merely slow or hungry (infinite loops,
//! allocations, thread bombs). The sandbox's time, memory and process limits handle those.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// One broken rule, in words a learner understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// 1-based line of the offending token.
    pub line: usize,
    /// What is not allowed and why, e.g. "`unsafe` is not allowed in exercise files".
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Identifiers that reach the file system, the environment, processes, the network or the OS.
const BANNED_MODULES: &[&str] = &["fs", "env", "process", "net", "os"];

/// Built-in macros that read files or the environment at compile time, or emit assembly.
const BANNED_MACROS: &[&str] = &[
    "include",
    "include_str",
    "include_bytes",
    "option_env",
    "asm",
    "global_asm",
    "naked_asm",
];

/// Attribute names that change which file is compiled or how symbols are linked.
const BANNED_ATTRS: &[&str] = &[
    "path",
    "no_mangle",
    "export_name",
    "link_section",
    "link",
    "link_name",
    "used",
    "naked",
];

/// Checks one exercise file; returns every violation (empty when the file is acceptable).
///
/// `allow` lists rule names a lesson may lift (`"unsafe"` for a lesson that teaches it).
pub fn check_source(source: &str, allow: &[String]) -> Vec<Violation> {
    let allowed = |rule: &str| allow.iter().any(|a| a == rule);
    // A file that does not lex is the compiler's business: it reports it far better.
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(tokens, false, &allowed, &mut out);
    out.sort_by_key(|v| v.line);
    out.dedup();
    out
}

fn walk(
    tokens: TokenStream,
    in_attr: bool,
    allowed: &dyn Fn(&str) -> bool,
    out: &mut Vec<Violation>,
) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => {
                // `#[...]` or `#![...]`: the bracket group right after `#` (and an optional `!`).
                let attr = group.delimiter() == Delimiter::Bracket && is_attr_start(&trees, i);
                walk(group.stream(), in_attr || attr, allowed, out);
            }
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let name = text.strip_prefix("r#").unwrap_or(&text);
                let line = ident.span().start().line;
                if let Some(message) = rule_for(name, in_attr, allowed) {
                    out.push(Violation { line, message });
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

fn is_attr_start(trees: &[TokenTree], i: usize) -> bool {
    let is_punct =
        |j: usize, c: char| matches!(trees.get(j), Some(TokenTree::Punct(p)) if p.as_char() == c);
    (i >= 1 && is_punct(i - 1, '#')) || (i >= 2 && is_punct(i - 1, '!') && is_punct(i - 2, '#'))
}

fn rule_for(name: &str, in_attr: bool, allowed: &dyn Fn(&str) -> bool) -> Option<String> {
    if name == "unsafe" && !allowed("unsafe") {
        return Some(
            "`unsafe` is not allowed in exercise files: every exercise can be solved in safe Rust"
                .into(),
        );
    }
    if name == "macro_rules" && !allowed("macro_rules") {
        return Some(
            "defining macros (`macro_rules!`) is not allowed in exercise files: no exercise \
             needs one, and a macro can make the compiler work forever"
                .into(),
        );
    }
    if name == "extern" && !allowed("extern") {
        return Some("`extern` (extern crate, FFI) is not allowed in exercise files".into());
    }
    if name == "env" && !allowed("env") {
        return Some(
            "`env` is not allowed in exercise files (no `std::env`, no `env!`): an exercise gets \
             everything it needs through its arguments; rename a variable called `env`"
                .into(),
        );
    }
    if BANNED_MODULES.contains(&name) && !allowed(name) {
        return Some(format!(
            "`{name}` is not allowed in exercise files (no `std::{name}`, `tokio::{name}`, ...): \
             exercises do not touch files, processes, the network or the OS; if it is your own \
             variable or function, rename it"
        ));
    }
    if BANNED_MACROS.contains(&name) && !allowed(name) {
        return Some(format!(
            "`{name}!` is not allowed in exercise files: it reads files or emits machine code at \
             compile time"
        ));
    }
    if in_attr && BANNED_ATTRS.contains(&name) && !allowed(name) {
        return Some(format!(
            "the attribute `{name}` is not allowed in exercise files: it changes which file is \
             compiled or how symbols are linked"
        ));
    }
    None
}

/// Reads the rules a lesson lifts from `<lesson>/grading/policy.toml` (`allow = [...]`); no file
/// means no exceptions.
pub fn lesson_allow_list(lesson_dir: &std::path::Path) -> crate::error::Result<Vec<String>> {
    use crate::error::UserError;
    let path = lesson_dir.join("grading/policy.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PolicyToml {
        #[serde(default)]
        allow: Vec<String>,
    }
    let parsed: PolicyToml = toml::from_str(&text).map_err(|e| {
        UserError::new(
            format!("{}: {}", path.display(), e.message()),
            "write it as `allow = [\"unsafe\"]` (the rules this lesson lifts)",
        )
    })?;
    Ok(parsed.allow)
}

/// Formats violations as one block of feedback for a learner.
pub fn describe(violations: &[Violation]) -> String {
    let mut s = String::from("This file breaks the grading policy, so it was not compiled:\n");
    for v in violations {
        s.push_str(&format!("  - {v}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(src: &str) -> Vec<String> {
        check_source(src, &[])
            .into_iter()
            .map(|v| v.message)
            .collect()
    }

    fn rejects(src: &str, needle: &str) {
        let found = rules(src);
        assert!(
            found.iter().any(|m| m.contains(needle)),
            "expected a violation mentioning {needle:?} for {src:?}, got {found:?}"
        );
    }

    #[test]
    fn ordinary_async_code_passes() {
        let src = r#"
            //! A countdown. Don't use std::fs here (comments are fine).
            use std::future::Future;
            use std::pin::Pin;
            use std::task::{Context, Poll};
            use std::sync::{Arc, Mutex};
            /// Counts down.
            #[derive(Debug)]
            pub struct Countdown(pub u32);
            impl Future for Countdown {
                type Output = &'static str;
                fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                    let path = "a path is fine as a name";
                    let _ = path;
                    if self.0 == 0 { Poll::Ready("done") } else { self.0 -= 1; cx.waker().wake_by_ref(); Poll::Pending }
                }
            }
            #[cfg(test)] mod t { #[test] fn x() { std::thread::sleep(std::time::Duration::from_millis(1)); } }
        "#;
        assert_eq!(rules(src), Vec::<String>::new());
    }

    #[test]
    fn unsafe_and_extern() {
        rejects("fn f() { unsafe { } }", "`unsafe`");
        rejects("unsafe fn f() {}", "`unsafe`");
        rejects("#[unsafe(no_mangle)] fn f() {}", "`unsafe`");
        rejects("extern crate std as s;", "`extern`");
    }

    #[test]
    fn std_modules_in_every_disguise() {
        rejects("fn f() { std::process::exit(0) }", "`process`");
        rejects("use std::{fs, io};", "`fs`");
        rejects("use std::fs as files;", "`fs`");
        rejects("use tokio::net::TcpStream;", "`net`");
        rejects("use std::os::unix::prelude::*;", "`os`");
        rejects("fn f() { let _ = std::env::var(\"X\"); }", "`env`");
        rejects("fn f() { let _ = r#fs::read(\"x\"); }", "`fs`");
        rejects(
            "macro_rules! m { ($a:ident) => { std::$a::exit(0) } } fn f() { m!(process) }",
            "`process`",
        );
    }

    #[test]
    fn compile_time_file_access() {
        rejects(
            "const S: &str = include_str!(\"../grading/hidden.rs\");",
            "include_str",
        );
        rejects(
            "const S: &[u8] = core::include_bytes!(\"x\");",
            "include_bytes",
        );
        rejects("include!(\"x\");", "`include!`");
        rejects("const S: &str = env!(\"HOME\");", "`env`");
        rejects(
            "const S: Option<&str> = option_env!(\"HOME\");",
            "option_env",
        );
        rejects("#[doc = include_str!(\"x\")] fn f() {}", "include_str");
    }

    #[test]
    fn attributes() {
        rejects("#[path = \"../solutions/e01.rs\"] mod x;", "`path`");
        rejects("#[cfg_attr(all(), path = \"x.rs\")] mod x;", "`path`");
        rejects("#[no_mangle] pub fn f() {}", "no_mangle");
        rejects("#[export_name = \"main\"] pub fn f() {}", "export_name");
        rejects(
            "#[link_section = \".init_array\"] static F: u8 = 0;",
            "link_section",
        );
        rejects(
            "macro_rules! m { () => { #[path = \"x.rs\"] mod x; } } m!();",
            "`path`",
        );
    }

    #[test]
    fn macro_definitions() {
        rejects(
            "macro_rules! twice { ($e:expr) => { $e; $e } }",
            "macro_rules",
        );
        assert!(rules("fn f() -> Vec<u8> { vec![1, 2] }").is_empty());
    }

    #[test]
    fn allow_list_lifts_a_rule() {
        assert!(check_source("fn f() { unsafe {} }", &["unsafe".to_string()]).is_empty());
    }

    #[test]
    fn lesson_allow_list_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(lesson_allow_list(dir.path()).unwrap().is_empty());
        std::fs::create_dir_all(dir.path().join("grading")).unwrap();
        std::fs::write(
            dir.path().join("grading/policy.toml"),
            "allow = [\"unsafe\"]\n",
        )
        .unwrap();
        assert_eq!(
            lesson_allow_list(dir.path()).unwrap(),
            vec!["unsafe".to_string()]
        );
        std::fs::write(dir.path().join("grading/policy.toml"), "allw = 1\n").unwrap();
        assert!(lesson_allow_list(dir.path()).is_err());
    }

    #[test]
    fn violations_carry_lines() {
        let v = check_source("fn a() {}\n\nfn f() { std::process::exit(0) }\n", &[]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].line, 3);
        assert!(describe(&v).contains("line 3"));
    }
}
