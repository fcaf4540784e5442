//! The layering rule of `main.rs`, checked: no module of a lower layer uses a higher one.
//!
//! Why this file exists: a layout only stays readable while its arrows point one way. The
//! compiler accepts any import between modules of one crate, cycles included, so this test
//! reads every file under `src/` and fails, naming the file and the path it wrote, when a
//! module reaches into a layer it may not. The layers and what each may use:
//!
//! | top-level module       | may use                                          |
//! |------------------------|--------------------------------------------------|
//! | `error`, `term`        | nothing of the crate                             |
//! | `course`               | `error`, `term`                                  |
//! | `pipeline`             | `course`, `error`, `term`                        |
//! | `learner`, `instructor`| `pipeline`, `course`, `error`, `term`            |
//! | `author`               | `instructor` and everything `instructor` may use |
//!
//! `main.rs` (which wires the verbs together) and this file are exempt. The scan is textual —
//! every `crate::name`, `crate::{a, b}` and `super::` chain outside `//` comments — so it also
//! sees fully qualified paths in expressions, not only `use` lines. Its own tests plant a
//! violation to show the check can fail.
//!
//! A second rule keeps the learner's first build small: the crates only grading needs (`syn`,
//! `proc-macro2`, and `quote`/`prettyplease` should they come back) are named only under
//! `instructor/`, which is what lets xtask's `grading` feature leave them out of the learner's
//! build with one `#[cfg]` on `instructor` and `author` (see main.rs).

use std::path::{Path, PathBuf};

/// What `module` may name besides itself.
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    const BASE: &[&str] = &["error", "term"];
    const COURSE: &[&str] = &["error", "term"];
    const PIPELINE: &[&str] = &["course", "error", "term"];
    const AUDIENCE: &[&str] = &["pipeline", "course", "error", "term"];
    const AUTHOR: &[&str] = &["instructor", "pipeline", "course", "error", "term"];
    Some(match module {
        "error" | "term" => BASE,
        "course" => COURSE,
        "pipeline" => PIPELINE,
        "learner" | "instructor" => AUDIENCE,
        "author" => AUTHOR,
        _ => return None,
    })
}

/// The module path of a file under `src/` (`author/verify/mod.rs` → `[author, verify]`).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// The top-level modules `text` (the source of the module at `path`) refers to.
fn references(path: &[String], text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut i = 0;
        while let Some(rest) = code.get(i..).filter(|r| !r.is_empty()) {
            let is_crate = rest.starts_with("crate::");
            if !is_crate && !rest.starts_with("super::") {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            // `my_crate::x` is not a path of this crate.
            let boundary = code[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let mut tail = &rest["crate::".len()..];
            let mut base: Vec<String> = Vec::new();
            if !is_crate {
                base = path.to_vec();
                base.pop();
                while let Some(t) = tail.strip_prefix("super::") {
                    base.pop();
                    tail = t;
                }
            }
            i = code.len() - tail.len();
            if !boundary {
                continue;
            }
            for first in first_segments(tail) {
                let top = base.first().cloned().unwrap_or(first);
                if !top.is_empty() && !out.contains(&top) {
                    out.push(top);
                }
            }
        }
    }
    out
}

/// The first path segment after `crate::`: `a` for `a::b`, `a` and `b` for `{a, b::c}`.
fn first_segments(tail: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    match tail.strip_prefix('{') {
        Some(group) => {
            let group = group.split('}').next().unwrap_or("");
            group
                .split(',')
                .map(ident)
                .filter(|s| !s.is_empty())
                .collect()
        }
        None => vec![ident(tail)],
    }
}

/// Every `(file, forbidden reference)` under `src`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect(src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file).to_path_buf();
        if rel == Path::new("main.rs") || rel == Path::new("cycle_check.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        out.extend(violations_in(&rel, &text));
    }
    out
}

/// The forbidden references of one file (`rel` is its path under `src/`).
fn violations_in(rel: &Path, text: &str) -> Vec<String> {
    let path = module_path(rel);
    let Some(own) = path.first() else {
        return Vec::new();
    };
    let Some(may) = allowed(own) else {
        return vec![format!(
            "{}: top-level module `{own}` has no layer; add it to cycle_check::allowed and to \
             the module map in main.rs",
            rel.display()
        )];
    };
    references(&path, text)
        .into_iter()
        .filter(|r| r != own && !may.contains(&r.as_str()) && allowed(r).is_some())
        .map(|r| {
            format!(
                "{}: `{own}` uses `{r}`, a layer it may not depend on (it may use: {})",
                rel.display(),
                may.join(", ")
            )
        })
        .collect()
}

/// Crates only the grader needs; see the module docs.
const GRADING_ONLY: &[&str] = &["syn", "proc_macro2", "quote", "prettyplease"];

/// The grading-only crates one file (path under `src/`) names, if it is not under `instructor/`.
fn grading_crates_in(rel: &Path, text: &str) -> Vec<String> {
    if rel.starts_with("instructor") || rel == Path::new("cycle_check.rs") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for krate in GRADING_ONLY {
            let named = code.match_indices(&format!("{krate}::")).any(|(i, _)| {
                code[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
            });
            if named
                && !found
                    .iter()
                    .any(|f: &String| f.ends_with(&format!("`{krate}`")))
            {
                found.push(format!("{}: names `{krate}`", rel.display()));
            }
        }
    }
    found
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_module_uses_a_higher_layer() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let found = violations(&src);
        assert!(
            found.is_empty(),
            "the layering of main.rs is broken — move the code down a layer or pass it in:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn grading_only_crates_stay_in_instructor() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        collect(&src, &mut files);
        let mut found = Vec::new();
        for file in files {
            let rel = file.strip_prefix(&src).unwrap_or(&file).to_path_buf();
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            found.extend(grading_crates_in(&rel, &text));
        }
        assert!(
            found.is_empty(),
            "syn, proc-macro2, quote and prettyplease belong to instructor/ only, so a learner's \
             build can leave them out — move this code there:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_grading_crate_check_sees_a_planted_use() {
        let text = "use syn::visit::Visit;\n// syn:: in a comment\nlet a = mysyn::x;\n";
        assert_eq!(
            grading_crates_in(Path::new("learner/check.rs"), text).len(),
            1,
            "`syn::` in learner code must be reported once, comments and other crates not"
        );
        assert!(
            grading_crates_in(Path::new("instructor/policy.rs"), text).is_empty(),
            "instructor/ may use syn"
        );
    }

    #[test]
    fn the_check_sees_a_planted_violation() {
        let text = "use crate::course::Lesson;\nfn f() { crate::learner::next_step(); }\n";
        let found = violations_in(Path::new("pipeline/plan.rs"), text);
        assert_eq!(
            found.len(),
            1,
            "a pipeline file naming `crate::learner` must be reported once: {found:?}"
        );
        let grouped = violations_in(
            Path::new("course/progress.rs"),
            "use crate::{error, pipeline::report};\n",
        );
        assert_eq!(
            grouped.len(),
            1,
            "a grouped `crate::{{..}}` import of the pipeline from course must be reported: {grouped:?}"
        );
        let up = violations_in(
            Path::new("instructor/export.rs"),
            "fn g() { super::super::author::verify::run(); }\n",
        );
        assert_eq!(
            up.len(),
            1,
            "a `super::super::author` path from instructor must be reported: {up:?}"
        );
    }

    #[test]
    fn allowed_arrows_and_comments_pass() {
        let ok = "use crate::instructor::export;\n// crate::learner in a comment\nuse super::VerifyCtx;\n";
        let found = violations_in(Path::new("author/verify/grading.rs"), ok);
        assert!(
            found.is_empty(),
            "author may use instructor, comments do not count, super:: stays inside: {found:?}"
        );
    }
}
