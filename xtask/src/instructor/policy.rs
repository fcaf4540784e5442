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
//! - the identifiers `fs`, `env`, `process`, `net`, `os`, `io` anywhere — as a path segment
//!   (`std::fs`, `tokio::process`), in a `use` list or rename, or as a macro argument. This
//!   costs a learner the names `env`, `os`, `process`... for their own variables; the message
//!   says to rename them. We prefer a rule a learner can read in one line over a clever one with
//!   holes. Lifetimes and labels (`'env`) are not names and pass;
//! - names that reach the disk or the network without naming a module: the `Path` methods
//!   `read_dir`, `read_link`, `metadata`, `symlink_metadata`, `canonicalize`, `try_exists`,
//!   `exists`, `is_file`, `is_dir`, `is_symlink`, and the types `File`, `OpenOptions`,
//!   `DirBuilder`, `TcpStream`, `TcpListener`, `UdpSocket`, `Unix*`;
//! - the macros `include!`, `include_str!`, `include_bytes!`, `env!`, `option_env!`, `asm!`,
//!   `global_asm!`, `naked_asm!` (as identifiers anywhere, so `core::include_str!` and macro
//!   indirection are caught too);
//! - inside any attribute `#[...]` / `#![...]` (including `cfg_attr` and attributes written in a
//!   macro body): `path`, `no_mangle`, `export_name`, `link_section`, `link`, `link_name`,
//!   `link_ordinal`, `used`, `naked`, `debugger_visualizer` (reads a file at compile time),
//!   and the names that lift the compiler's own limits or change the crate (`recursion_limit`,
//!   `type_length_limit`, `long_running_const_eval`, `no_std`, `no_core`, `no_main`,
//!   `crate_type`, `crate_name`);
//! - the shapes of known soundness holes of rustc reachable from safe code (see
//!   [`soundness`]): `&'a &'b T`, a `&&T` static, function pointer types that name a
//!   lifetime, infer a parameter or return a reference, `for<'a, 'b>`.
//!
//! ## Fail closed
//!
//! Whatever the policy cannot read in full is a violation, never a pass: a file that does not
//! split into Rust tokens (an unclosed string or bracket — rustc would read it differently), a
//! first line starting with `#!` that rustc drops as a script line, brackets nested more than
//! [`MAX_NESTING`] deep (checked before any recursive step, so 100,000 `(` cost a violation,
//! not the grader's stack). A file that lexes but does not parse is left to the compiler,
//! whose message is better than ours.
//!
//! A lesson that teaches one of these (say `unsafe`) lifts that rule in
//! `lesson-NN/grading/policy.toml`: `allow = ["unsafe"]` (rule names: `unsafe`, `extern`, the
//! module and macro identifiers, the attribute names). The file lives in `grading/`, so it is
//! instructor-only like the hidden tests.
//!
//! What the policy does not try to stop: code that is merely slow or hungry (infinite loops,
//! allocations, thread bombs). The sandbox's time, memory and process limits handle those.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

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
const BANNED_MODULES: &[&str] = &["fs", "env", "process", "net", "os", "io"];

/// Names that reach the file system or the network without naming a banned module:
/// `std::path::Path` methods that read the disk, and the types behind `std::fs` / `std::net`
/// (in case a dependency re-exports them under another path).
const BANNED_NAMES: &[&str] = &[
    "read_dir",
    "read_link",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "try_exists",
    "exists",
    "is_file",
    "is_dir",
    "is_symlink",
    "File",
    "OpenOptions",
    "DirBuilder",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "UnixListener",
    "UnixDatagram",
];

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

/// Attribute names that change which file is compiled, read a file at compile time, change how
/// symbols are linked, or lift the compiler's own limits (only an attacker needs those).
const BANNED_ATTRS: &[&str] = &[
    "path",
    "no_mangle",
    "export_name",
    "link_section",
    "link",
    "link_name",
    "link_ordinal",
    "used",
    "naked",
    "debugger_visualizer",
    "recursion_limit",
    "type_length_limit",
    "long_running_const_eval",
    "no_std",
    "no_core",
    "no_main",
    "crate_type",
    "crate_name",
];

/// How deeply brackets may nest. Real exercise code stays under 20; the cap keeps the walk
/// (and everything after it) from running out of stack on a file of 100,000 `(`.
pub const MAX_NESTING: usize = 128;

/// Checks one exercise file; returns every violation (empty when the file is acceptable).
///
/// `allow` lists rule names a lesson may lift (`"unsafe"` for a lesson that teaches it).
///
/// Fail closed: anything the policy cannot read in full is itself a violation — a file that
/// does not split into Rust tokens, a first line rustc would drop as a `#!` script line, or
/// brackets nested deeper than [`MAX_NESTING`]. Otherwise a file could hide code from the
/// policy that the compiler still compiles.
pub fn check_source(source: &str, allow: &[String]) -> Vec<Violation> {
    let allowed = |rule: &str| allow.iter().any(|a| a == rule);
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if let Some(v) = shebang_line(source) {
        return vec![v];
    }
    if let Some(v) = too_deep(source) {
        return vec![v];
    }
    let tokens = match source.parse::<TokenStream>() {
        Ok(tokens) => tokens,
        Err(e) => {
            return vec![Violation {
                line: e.span().start().line.max(1),
                message: "the grader cannot read this file as Rust (an unclosed bracket, string \
                          or comment?), and it only compiles files it can read in full: run \
                          `cargo xtask check` on it and fix the first error"
                    .into(),
            }];
        }
    };
    let mut out = Vec::new();
    walk(tokens, false, &allowed, &mut out);
    out.extend(soundness::holes(source));
    out.sort_by_key(|v| v.line);
    out.dedup();
    out
}

/// rustc drops a first line starting with `#!` (a script's interpreter line) unless what
/// follows is `[` (an inner attribute). The policy would still read that line — so a line such
/// as `#! r#"` could make it skip the code that rustc compiles. An exercise never needs one.
fn shebang_line(source: &str) -> Option<Violation> {
    let rest = source.strip_prefix("#!")?;
    let first = rest.lines().next().unwrap_or("");
    if first.trim_start().starts_with('[') {
        return None;
    }
    Some(Violation {
        line: 1,
        message: "a first line starting with `#!` is not allowed in exercise files: rustc skips \
                  it as a script line; delete it (an inner attribute is written `#![...]`)"
            .into(),
    })
}

/// A cheap pre-scan of bracket depth (strings and comments included, so it can only
/// over-count), so no recursive step ever sees a deeper file.
fn too_deep(source: &str) -> Option<Violation> {
    let mut depth = 0usize;
    let mut line = 1;
    for c in source.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Violation {
                        line,
                        message: format!(
                            "brackets are nested more than {MAX_NESTING} levels deep: no \
                             exercise needs that, and it only makes the compiler work hard; \
                             flatten the code"
                        ),
                    });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => line += 1,
            _ => {}
        }
    }
    None
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
                // `'env` is a lifetime (or a label), not the name `env`: the rules judge names.
                if is_lifetime_tick(trees.get(i.wrapping_sub(1)).filter(|_| i > 0)) {
                    continue;
                }
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

/// True for the `'` of a lifetime: proc-macro2 lexes `'env` as a joint `'` and the ident `env`.
fn is_lifetime_tick(prev: Option<&TokenTree>) -> bool {
    matches!(prev, Some(TokenTree::Punct(p)) if p.as_char() == '\'' && p.spacing() == Spacing::Joint)
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
    if BANNED_NAMES.contains(&name) && !allowed(name) {
        return Some(format!(
            "`{name}` is not allowed in exercise files: it reaches the file system or the \
             network, which no exercise touches; if it is your own name, rename it"
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
             compiled, reads files at compile time, changes how symbols are linked or lifts the \
             compiler's limits"
        ));
    }
    None
}

/// Known soundness holes of rustc that safe code can reach, refused by their shape.
///
/// Why this module exists: the verdict token is a secret in the test process's memory. Safe
/// Rust cannot read arbitrary memory — except through open compiler bugs (the `I-unsound`
/// label of rust-lang/rust), which turn a lifetime or a type into a lie and so give a safe
/// transmute. We cannot recognise every such bug; we refuse the shapes of the known ones that
/// have short, copyable exploits, each of which an async exercise has no use for:
///
/// * rust-lang/rust#25860 (implied bounds of nested references): a `&'a &'b T` type, a
///   `&&` static or constant (the `'static` witness the exploit passes), and a function
///   pointer type that names a lifetime, infers a parameter or returns a reference
///   (`fn(_, &'x T) -> &'b T`: the coercion where the implied bound is lost — also reached
///   through a struct with a lifetime instead of a nested reference);
/// * the same hole through higher-ranked bounds with two or more lifetimes
///   (`for<'a, 'b>`; rust-lang/rust#84591, #100051 are variants).
///
/// A learner who trips one gets a message saying what to write instead. What remains (bugs not
/// known yet, or spelled differently) is stated in the README's "What we cannot stop".
mod soundness {
    use super::Violation;

    /// The tokens of a line-aware, comment- and string-free view of the source, as proc-macro2
    /// lexes them; walked flat, with brackets as their own tokens.
    fn flat(source: &str) -> Vec<(String, usize, bool)> {
        use proc_macro2::{Delimiter, TokenStream, TokenTree};
        let Ok(ts) = source.parse::<TokenStream>() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // An explicit stack: nesting was capped before, but this walk needs no recursion.
        let mut stack: Vec<std::vec::IntoIter<TokenTree>> =
            vec![ts.into_iter().collect::<Vec<_>>().into_iter()];
        let mut closers: Vec<Option<(&'static str, usize)>> = vec![None];
        while let Some(top) = stack.last_mut() {
            let Some(tree) = top.next() else {
                stack.pop();
                if let Some(Some((c, line))) = closers.pop() {
                    out.push((c.to_string(), line, false));
                }
                continue;
            };
            let line = tree.span().start().line;
            match tree {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    if !open.is_empty() {
                        out.push((open.to_string(), line, false));
                    }
                    let end = g.span_close().start().line;
                    stack.push(g.stream().into_iter().collect::<Vec<_>>().into_iter());
                    closers.push((!close.is_empty()).then_some((close, end)));
                }
                TokenTree::Ident(i) => out.push((i.to_string(), line, false)),
                TokenTree::Punct(p) => out.push((
                    p.as_char().to_string(),
                    line,
                    p.spacing() == proc_macro2::Spacing::Joint,
                )),
                TokenTree::Literal(l) => out.push((format!("lit:{l}"), line, false)),
            }
        }
        out
    }

    /// Every violation of the known-hole shapes in `source`.
    pub fn holes(source: &str) -> Vec<Violation> {
        let toks = flat(source);
        let at = |i: usize| toks.get(i).map(|t| t.0.as_str()).unwrap_or("");
        // A named lifetime at i (`'` then an ident): returns its name.
        let lifetime = |i: usize| -> Option<&str> {
            (at(i) == "'" && toks.get(i).is_some_and(|t| t.2)).then(|| at(i + 1))
        };
        let mut out = Vec::new();
        let msg_nested = "a reference to a reference with named lifetimes (`&'a &'b T`) is not \
            allowed in exercise files: it is the shape of a known compiler soundness bug \
            (rust-lang/rust#25860); no exercise needs it — take `&'b T` directly";
        for i in 0..toks.len() {
            let line = toks[i].1;
            // `&'a &'b` and `&'a mut &'b`.
            if at(i) == "&"
                && let Some(_a) = lifetime(i + 1)
            {
                let mut j = i + 3;
                if at(j) == "mut" {
                    j += 1;
                }
                if at(j) == "&" && lifetime(j + 1).is_some() {
                    out.push(Violation {
                        line,
                        message: msg_nested.into(),
                    });
                }
            }
            // `static X: &&T` / `const X: & &T` / `&'static &'static T` in a static or const.
            if matches!(at(i), "static" | "const") && at(i + 2) == ":" {
                let mut j = i + 3;
                let mut refs = 0;
                while at(j) == "&" || lifetime(j).is_some() || at(j) == "mut" {
                    if at(j) == "&" {
                        refs += 1;
                        j += 1;
                    } else if at(j) == "mut" {
                        j += 1;
                    } else {
                        j += 2;
                    }
                }
                if refs >= 2 {
                    out.push(Violation {
                        line,
                        message: "a `static` or `const` holding a reference to a reference \
                            (`&&T`) is not allowed in exercise files: it is the witness of a \
                            known compiler soundness bug (rust-lang/rust#25860); store the \
                            value, or one reference"
                            .into(),
                    });
                }
            }
            // A function pointer type that names a lifetime (`'static` too), infers a
            // parameter (`_`) or returns a reference: `fn(_, &'x T) -> &'b T`,
            // `fn(_, &T) -> &'static T`. Coercing a function with implied bounds to such a
            // type is how #25860 forgets the bound.
            if at(i) == "fn" && at(i + 1) == "(" {
                let mut depth = 0;
                let mut j = i + 1;
                let mut suspicious = false;
                loop {
                    match at(j) {
                        "(" => depth += 1,
                        ")" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        "_" => suspicious = true,
                        "" => break,
                        _ => {}
                    }
                    if lifetime(j).is_some_and(|name| name != "_") {
                        suspicious = true;
                    }
                    j += 1;
                }
                // The return type: `-> &T`, `-> &'b T`, `-> Wrap<'b>`.
                if at(j + 1) == "-" && at(j + 2) == ">" {
                    let mut k = j + 3;
                    while k < toks.len() && !matches!(at(k), ";" | "=" | "{" | ")" | ",") {
                        if at(k) == "&" || lifetime(k).is_some_and(|name| name != "_") {
                            suspicious = true;
                        }
                        k += 1;
                    }
                }
                if suspicious {
                    out.push(Violation {
                        line,
                        message: "a function pointer type that names a lifetime, infers a \
                            parameter (`_`) or returns a reference (`fn(_, &T) -> &'b T`) is \
                            not allowed in exercise files: it is how a known compiler \
                            soundness bug (rust-lang/rust#25860) is reached; use a closure, or \
                            a function pointer over owned values (`fn(u8) -> u8`)"
                            .into(),
                    });
                }
            }
            // `for<'a, 'b ...>`: higher-ranked over two or more lifetimes.
            if at(i) == "for" && at(i + 1) == "<" {
                let mut j = i + 2;
                let mut count = 0;
                while j < toks.len() && at(j) != ">" {
                    if lifetime(j).is_some() {
                        count += 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                if count >= 2 {
                    out.push(Violation {
                        line,
                        message: "a bound higher-ranked over two or more lifetimes \
                            (`for<'a, 'b>`) is not allowed in exercise files: it is how known \
                            compiler soundness bugs (rust-lang/rust#25860, #84591) are reached; \
                            one lifetime (`for<'a>`) is enough for every exercise"
                            .into(),
                    });
                }
            }
        }
        out
    }
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
    fn what_the_policy_cannot_read_is_a_violation() {
        // An unclosed delimiter or string: proc-macro2 cannot lex it.
        rejects("#!)\n#[path = \"x.rs\"] mod x;", "`#!`");
        rejects(
            "fn f() { let s = \"never closed; }",
            "cannot read this file",
        );
        rejects("fn f() { ( }", "cannot read this file");
        // A first line rustc drops as a script line hides what follows from a token reader.
        rejects(
            "#! r#\"\nconst S: &str = include_str!(\"x\");\n// \"#",
            "`#!`",
        );
        rejects("\u{feff}#!/usr/bin/env run-cargo-script\nfn f() {}", "`#!`");
        // An inner attribute is not a script line.
        assert!(rules("#![allow(dead_code)]\nfn f() {}").is_empty());
        assert!(rules("#! [allow(dead_code)]\nfn f() {}").is_empty());
    }

    #[test]
    fn deep_nesting_is_a_violation_not_a_crash() {
        let src = format!(
            "const X: () = {}{};",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let found = rules(&src);
        assert!(
            found.iter().any(|m| m.contains("nested more than")),
            "100,000 nested `(` must be refused by the depth cap, got {found:?}"
        );
        let ok = format!("const X: u8 = {}1{};", "(".repeat(40), ")".repeat(40));
        assert!(rules(&ok).is_empty(), "40 levels are fine");
    }

    #[test]
    fn lifetimes_are_not_names() {
        let src = "pub fn scope<'env, T>(x: &'env T) -> &'env T { 'env: loop { break 'env x; } }";
        assert_eq!(rules(src), Vec::<String>::new());
        rejects("fn f<'a>(env: &'a str) {}", "`env`");
    }

    #[test]
    fn file_system_without_naming_fs() {
        rejects(
            "fn f() { let _ = std::path::Path::new(\"/\").read_dir(); }",
            "read_dir",
        );
        rejects("fn f(p: &std::path::Path) -> bool { p.exists() }", "exists");
        rejects(
            "fn f(p: &std::path::Path) { let _ = p.metadata(); }",
            "metadata",
        );
        rejects(
            "fn f(p: &std::path::Path) { let _ = p.canonicalize(); }",
            "canonicalize",
        );
        rejects("use std::io::Read;", "`io`");
        rejects("fn f() -> Option<File> { None }", "`File`");
        rejects(
            "#![debugger_visualizer(gdb_script_file = \"../grading/hidden.rs\")]",
            "debugger_visualizer",
        );
        rejects(
            "#[allow(long_running_const_eval)] const X: u8 = 1;",
            "long_running_const_eval",
        );
    }

    #[test]
    fn known_soundness_holes() {
        // rust-lang/rust#25860, as published (the cve-rs shape).
        let exploit = "
            const UNIT: &&() = &&();
            fn translate<'a, 'b, T: ?Sized>(_: &'a &'b (), v: &'b T) -> &'a T { v }
            pub fn expand<'a, 'b, T: ?Sized>(x: &'a T) -> &'b T {
                let f: for<'x> fn(_, &'x T) -> &'b T = translate;
                f(UNIT, x)
            }";
        let found = rules(exploit);
        for needle in ["`&'a &'b T`", "`&&T`", "function pointer"] {
            assert!(
                found.iter().any(|m| m.contains(needle)),
                "the #25860 exploit must trip the {needle} rule, got {found:?}"
            );
        }
        rejects("static S: &'static &'static () = &&();", "`&&T`");
        // The same hole without nested references: a struct carries the implied bound.
        rejects(
            "struct W<'b>(&'b ());
             const C: &W<'static> = &W(&());
             fn t<'a, 'b, T: ?Sized>(_: &'a W<'b>, v: &'b T) -> &'a T { v }
             pub fn expand<T: ?Sized>(x: &T) -> &'static T {
                 let f: fn(_, &T) -> &'static T = t;
                 f(C, x)
             }",
            "function pointer",
        );
        rejects("fn f<'a, 'b>(x: &'a mut &'b u8) {}", "`&'a &'b T`");
        rejects(
            "fn f<F>(f: F) where F: for<'a, 'b> Fn(&'a u8, &'b u8) {}",
            "`for<'a, 'b>`",
        );
        // Ordinary lifetimes, references and fn pointers pass.
        let honest = "
            struct Guard<'a> { slot: &'a mut Option<u8> }
            fn first<'a>(xs: &'a [&'a str]) -> &'a str { xs[0] }
            fn pick(f: fn(u8) -> u8, g: fn(&str) -> usize) -> u8 { f(g(\"x\") as u8) }
            fn each<F>(f: F) where F: for<'a> Fn(&'a str) {}
            fn two(a: &&u8) -> u8 { **a }";
        assert_eq!(rules(honest), Vec::<String>::new());
    }

    #[test]
    fn reference_solutions_and_stubs_pass_the_policy() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for lesson in std::fs::read_dir(&root).unwrap().filter_map(|e| e.ok()) {
            let allow = lesson_allow_list(&lesson.path()).unwrap_or_default();
            let solutions = std::fs::read_dir(lesson.path().join("solutions"));
            let stubs = std::fs::read_dir(lesson.path().join("src"));
            let (Ok(solutions), Ok(stubs)) = (solutions, stubs) else {
                continue;
            };
            let files = solutions
                .chain(stubs)
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name() != "lib.rs");
            for f in files {
                let text = std::fs::read_to_string(f.path()).unwrap();
                let v = check_source(&text, &allow);
                assert!(
                    v.is_empty(),
                    "{} breaks the policy: {v:?}",
                    f.path().display()
                );
            }
        }
    }

    #[test]
    fn violations_carry_lines() {
        let v = check_source("fn a() {}\n\nfn f() { std::process::exit(0) }\n", &[]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].line, 3);
        assert!(describe(&v).contains("line 3"));
    }
}
