//! Grading verdicts that a submission cannot forge (owned by the grading issue; placeholder).
