//! Hidden tests.
