//! The terminal underneath `watch`: raw mode, single key presses, the window's width.
//!
//! Why this file exists: `watch` needs three small things from a Unix terminal — keys without
//! Enter (raw mode, restored however the tool ends), a way to wait for a key that can be
//! interrupted, and the number of columns. A full terminal crate brings in a dozen crates
//! (an event system, signal handling, its own syscall layer) that a newcomer compiles on their
//! first run before the lesson even starts; these three calls are a few lines of `libc`, which
//! the lessons compile anyway. The trade-off: only Unix terminals get keys; elsewhere
//! [`RawMode::enable`] says no and `watch` tells the learner to stop it with Ctrl-C.

#[cfg(unix)]
use std::sync::Mutex;
use std::time::Duration;

/// The terminal settings raw mode replaced, to put back on [`restore`].
#[cfg(unix)]
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Raw mode on stdin; restored when dropped (and by [`restore`], which the panic hook calls).
pub struct RawMode(());

impl RawMode {
    /// Switches stdin to raw mode: no echo, no line buffering, and no output processing either,
    /// so a newline must be written as `\r\n`. `None` when stdin is not a terminal or it
    /// refuses.
    #[cfg(unix)]
    pub fn enable() -> Option<RawMode> {
        // SAFETY: `termios` is a plain C struct for which all-zero bytes are a valid value;
        // tcgetattr fills it in before we read it.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 is valid for the life of the process and `t` is a valid out-pointer.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } != 0 {
            return None;
        }
        let saved = t;
        // SAFETY: `t` is an initialised termios; cfmakeraw only rewrites its flag fields.
        unsafe { libc::cfmakeraw(&mut t) };
        // SAFETY: as above; `t` is a valid termios for fd 0.
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) } != 0 {
            return None;
        }
        *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved);
        Some(RawMode(()))
    }

    /// Raw mode needs a Unix terminal.
    #[cfg(not(unix))]
    pub fn enable() -> Option<RawMode> {
        None
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts back the terminal settings raw mode replaced, if it is on; harmless otherwise.
pub fn restore() {
    #[cfg(unix)]
    if let Some(saved) = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        // SAFETY: `saved` is the termios tcgetattr returned for fd 0, so it is valid to set.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
    }
}

/// A key as `watch` understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character, lower-cased.
    Char(char),
    /// Ctrl-C, or Esc on its own.
    Quit,
}

/// Waits up to `limit` for input on stdin and returns the key pressed, if any. Escape
/// sequences (arrow keys and the like arrive as `Esc [ A`) are read whole and ignored; a lone
/// Esc is [`Key::Quit`].
#[cfg(unix)]
pub fn read_key(limit: Duration) -> Option<Key> {
    let mut fds = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = i32::try_from(limit.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: `fds` is one valid pollfd and we pass a count of 1.
    if unsafe { libc::poll(&mut fds, 1, ms) } <= 0 {
        return None;
    }
    let mut buf = [0u8; 16];
    // SAFETY: `buf` is writable for `buf.len()` bytes and fd 0 is open.
    let n = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
    let bytes = &buf[..usize::try_from(n).ok()?];
    decode(bytes)
}

/// Without a Unix terminal there are no keys; wait and report none.
#[cfg(not(unix))]
pub fn read_key(limit: Duration) -> Option<Key> {
    std::thread::sleep(limit);
    None
}

/// The key in one read's bytes.
fn decode(bytes: &[u8]) -> Option<Key> {
    match bytes {
        [3] | [27] => Some(Key::Quit),
        [27, ..] => None,
        [b, ..] if b.is_ascii_graphic() => Some(Key::Char(char::from(b.to_ascii_lowercase()))),
        _ => None,
    }
}

/// Columns of the terminal on stdout, if it is one.
#[cfg(unix)]
pub fn columns() -> Option<u16> {
    // SAFETY: `winsize` is a plain C struct; all-zero is a valid value that ioctl overwrites.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer we pass, which is valid.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col > 0).then_some(ws.ws_col)
}

/// Columns of the terminal; unknown here.
#[cfg(not(unix))]
pub fn columns() -> Option<u16> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_like_a_learner_presses_them() {
        let cases: [(&[u8], Option<Key>); 6] = [
            (b"h", Some(Key::Char('h'))),
            (b"N", Some(Key::Char('n'))),
            (&[3], Some(Key::Quit)),
            (&[27], Some(Key::Quit)),
            (b"\x1b[A", None),
            (b"\r", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                decode(bytes),
                want,
                "bytes {bytes:?}: letters are keys, Ctrl-C and a lone Esc quit, escape \
                 sequences (arrows) and Enter do nothing"
            );
        }
    }

    #[test]
    fn restore_without_raw_mode_is_harmless() {
        restore();
        assert!(
            SAVED.lock().unwrap().is_none(),
            "restore must leave nothing to restore twice"
        );
    }
}
