//! Lesson 02 (placeholder; filled in by the lesson's issue).
