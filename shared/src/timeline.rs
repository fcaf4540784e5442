//! The timeline of polls and wakes (contract skeleton).
use std::fmt;

/// Events recorded while a future is driven, with their time offsets.
#[derive(Debug, Clone, Default)]
pub struct Timeline {}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!()
    }
}
