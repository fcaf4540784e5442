//! Terminal facts: whether to use colour, whether a human is on the other end.
//!
//! Why this file exists: the report is calm by design, and colour is part of that — but only on
//! a terminal, and never when `NO_COLOR` is set (<https://no-color.org>). Piped output (CI logs,
//! `--json`, an editor's task runner) stays plain text. Every printer asks here instead of
//! deciding on its own. [`raw`] holds the rest of what the tool asks of a terminal: raw mode,
//! key presses and the window's width.

pub mod raw;

use std::io::IsTerminal;

/// Colour on or off, decided once per output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    /// Colour for stdout: a terminal, `NO_COLOR` unset or empty, `TERM` not `dumb`.
    pub fn stdout() -> Style {
        Style {
            color: std::io::stdout().is_terminal() && color_allowed(),
        }
    }

    /// No colour at all.
    #[cfg(test)]
    pub fn plain() -> Style {
        Style { color: false }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    }

    /// Green (passes).
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    /// Red (failures) — used sparingly.
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    /// Yellow (attention, not alarm).
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    /// Dim (secondary text).
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Bold (headings, the next step).
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// False when `NO_COLOR` is set to anything non-empty or `TERM=dumb`.
pub fn color_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !no_color && !dumb
}

/// True when stdin and stdout are both terminals (a person can answer a question).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
