//! Where each exercise's tests sit inside a shared test file.
//!
//! Why this file exists: `tests/check.rs` and `grading/hidden.rs` hold one `mod <id> { ... }`
//! per exercise. Two questions need those regions: the manifest check ("does every exercise
//! have its module?", a course-format question) and compile-error attribution ("which
//! exercise's module holds this error?", a pipeline question). The scan lives here, in the
//! lesson model, so the pipeline can use it without the lesson model reaching up into the
//! pipeline.

/// A top-level `mod name { ... }` and the lines it spans (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModRegion {
    /// Module name.
    pub name: String,
    /// First line (the `mod` line; attributes above it belong to the previous region).
    pub start: usize,
    /// Last line.
    pub end: usize,
}

/// Finds top-level inline modules by a line scan (not a parser, so a half-written test file still
/// gets attributed): a region starts at a column-0 `mod x {` / `pub mod x {` and runs until the
/// next one starts.
pub fn module_regions(text: &str) -> Vec<ModRegion> {
    let mut out: Vec<ModRegion> = Vec::new();
    let total = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = line.strip_prefix("pub ").unwrap_or(line);
        let Some(rest) = rest.strip_prefix("mod ") else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || !rest.contains('{') {
            continue;
        }
        if let Some(prev) = out.last_mut() {
            prev.end = i; // line i is 0-based, so the previous region ends on line i (1-based)
        }
        out.push(ModRegion {
            name,
            start: i + 1,
            end: total,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        let text = "//! doc\nuse x;\n\nmod e01_a {\n    fn t() {}\n}\n\n#[cfg(test)]\npub mod e02_b {\n    mod inner {}\n}\n";
        let r = module_regions(text);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            ModRegion {
                name: "e01_a".into(),
                start: 4,
                end: 8
            }
        );
        assert_eq!(r[1].name, "e02_b");
        assert_eq!(r[1].start, 9);
        assert_eq!(r[1].end, 11);
    }
}
