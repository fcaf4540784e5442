//! Visible tests.
