// Waiters poll on a timer: init runs once, but every waiting caller wakes each millisecond to look again instead of sleeping until the value is there.
//! A state under a std Mutex; waiters look again every millisecond.
use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// Why an initialisation failed. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

#[derive(Debug)]
enum State<T> {
    Empty,
    Making,
    Made(T),
}

/// Lazy.
#[derive(Debug)]
pub struct Lazy<T> {
    state: Mutex<State<T>>,
}

struct Reset<'a, T> {
    state: &'a Mutex<State<T>>,
    armed: bool,
}

impl<T> Drop for Reset<'_, T> {
    fn drop(&mut self) {
        if self.armed {
            *self.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Empty;
        }
    }
}

impl<T: Clone> Lazy<T> {
    /// New.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State::Empty),
        }
    }

    /// Get or init.
    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        loop {
            let mine = {
                let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                match &*state {
                    State::Made(v) => return Ok(v.clone()),
                    State::Making => false,
                    State::Empty => {
                        *state = State::Making;
                        true
                    }
                }
            };
            if mine {
                let mut reset = Reset {
                    state: &self.state,
                    armed: true,
                };
                let v = init().await?;
                reset.armed = false;
                *self.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Made(v.clone());
                return Ok(v);
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }

    /// Get.
    pub fn get(&self) -> Option<T> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Made(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
