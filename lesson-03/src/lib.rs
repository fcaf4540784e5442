//! Lesson 03 (placeholder; filled in by the lesson's issue).
