//! Arms the grader's own copy of the tests with the verdict guard.
//!
//! Why this file exists: a test process's exit code can be forged by the code under test (see
//! `shared::verdict`). The grader therefore rewrites its *pristine* copies of `tests/check.rs`
//! and `grading/hidden.rs` — never the learner's files, never the course's — so that every test
//! function starts with
//!
//! ```text
//! let __gears_verdict = ::shared::verdict::arm();
//! ```
//!
//! The statement is spliced into the source text right after the body's opening brace, on the
//! same line, instead of re-printing the syntax tree: line numbers in assertion messages stay
//! those of the file a learner can read, and comments survive.
//!
//! A test is any `fn` carrying an attribute whose last path segment is `test` — `#[test]`,
//! `#[tokio::test]`, `#[tokio::test(start_paused = true)]`. For `#[should_panic]` tests a panic
//! is the passing outcome, so they get `arm_should_panic()` instead.

use syn::visit::Visit;

/// Returns `source` with the guard inserted into every test function, and how many were armed.
pub fn arm_tests(source: &str) -> Result<(String, usize), String> {
    let file = syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!("cannot parse the test file (line {}): {e}", at.line)
    })?;
    let mut finder = Finder::default();
    finder.visit_file(&file);

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    for (line, column, should_panic) in finder.braces {
        let Some(&start) = line_starts.get(line.saturating_sub(1)) else {
            return Err(format!("test body at line {line} is outside the file"));
        };
        // `column` counts characters, not bytes.
        let offset = source[start..]
            .char_indices()
            .nth(column)
            .map(|(i, _)| start + i)
            .ok_or_else(|| format!("test body at line {line} is outside the file"))?;
        if source.as_bytes().get(offset) != Some(&b'{') {
            return Err(format!("cannot find the body of the test at line {line}"));
        }
        let stmt = if should_panic {
            " let __gears_verdict = ::shared::verdict::arm_should_panic();"
        } else {
            " let __gears_verdict = ::shared::verdict::arm();"
        };
        inserts.push((offset + 1, stmt));
    }
    let count = inserts.len();
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut out = source.to_string();
    for (at, stmt) in inserts {
        out.insert_str(at, stmt);
    }
    Ok((out, count))
}

#[derive(Default)]
struct Finder {
    /// (line, column, should_panic) of each test body's opening brace.
    braces: Vec<(usize, usize, bool)>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let is_test = f
            .attrs
            .iter()
            .any(|a| a.path().segments.last().is_some_and(|s| s.ident == "test"));
        if is_test {
            let should_panic = f.attrs.iter().any(|a| a.path().is_ident("should_panic"));
            let at = f.block.brace_token.span.open().start();
            self.braces.push((at.line, at.column, should_panic));
        }
        syn::visit::visit_item_fn(self, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arms_every_kind_of_test_and_keeps_lines() {
        let src = "//! Tests.\nmod e01_x {\n    use super::*;\n    #[test]\n    fn plain() {\n        assert!(true);\n    }\n\n    #[tokio::test(start_paused = true)]\n    async fn paused() { let s = \"é{\"; assert!(!s.is_empty()); }\n\n    #[test]\n    #[should_panic(expected = \"boom\")]\n    fn panics() { panic!(\"boom\") }\n\n    fn helper() {}\n}\n";
        let (out, n) = arm_tests(src).unwrap();
        assert_eq!(n, 3);
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("fn plain() { let __gears_verdict = ::shared::verdict::arm();\n"));
        assert!(
            out.contains(
                "async fn paused() { let __gears_verdict = ::shared::verdict::arm(); let s"
            )
        );
        assert!(out.contains(
            "fn panics() { let __gears_verdict = ::shared::verdict::arm_should_panic(); panic!"
        ));
        assert!(out.contains("fn helper() {}"));
        syn::parse_file(&out).expect("still valid Rust");
    }

    #[test]
    fn unparsable_file_is_an_error() {
        assert!(arm_tests("fn (").is_err());
    }
}
