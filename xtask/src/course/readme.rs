//! The headings of a lesson README, as `lesson.toml`'s `readme` key names them.
//!
//! Why this file exists: an exercise may name the README section that teaches what it needs
//! (`readme = "Waking from another thread"`). Two places must agree on what counts as a heading
//! and when two headings are the same: the manifest check (verify proof 1), which refuses a key
//! that names no heading, and the learner's next-step line, which prints it. Keeping the rule
//! here means an author who passes verify never sends a learner to a section that is not there.
//!
//! The rule is forgiving about markup, not about words: leading `#`s, backticks and surrounding
//! spaces are ignored (`## The \`Waker\`` matches `readme = "The Waker"`), but the text must
//! otherwise be exact. Lines inside fenced code blocks are never headings, so a shell comment
//! (`# run this`) in an example cannot be mistaken for a section.

/// A heading (or a `readme` key) reduced to the text that is compared: no leading `#`s, no
/// backticks, no surrounding whitespace.
pub fn normalize(heading: &str) -> String {
    heading
        .trim()
        .trim_start_matches('#')
        .replace('`', "")
        .trim()
        .to_string()
}

/// Every ATX heading (`# ...` to `###### ...`) of `text` outside fenced code, normalized, in order.
pub fn headings(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        let rest = &trimmed[hashes..];
        if (1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            found.push(normalize(trimmed));
        }
    }
    found
}

/// The README heading `wanted` names, as the README spells it (normalized), if there is one.
pub fn find(text: &str, wanted: &str) -> Option<String> {
    let wanted = normalize(wanted);
    headings(text).into_iter().find(|h| *h == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_ignore_hashes_backticks_and_code() {
        let text = "# Lesson\n\n## The `Waker`\ntext\n```sh\n# not a heading\n```\n### Deep one \n#[derive(Debug)]\n";
        assert_eq!(
            headings(text),
            ["Lesson", "The Waker", "Deep one"],
            "headings lose their #s and backticks; code-block comments and attributes are not headings"
        );
        assert_eq!(
            find(text, "## The Waker").as_deref(),
            Some("The Waker"),
            "a key may carry #s and still match"
        );
        assert_eq!(
            find(text, "the waker"),
            None,
            "words must match exactly; only markup is forgiven"
        );
    }
}
