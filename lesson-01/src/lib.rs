//! Lesson 01 (placeholder; filled in by the lesson's issue).
