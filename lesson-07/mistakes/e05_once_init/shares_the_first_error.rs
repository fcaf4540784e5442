// A waiter receives somebody else's error: all callers share the first attempt's outcome instead of trying init themselves.
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

use std::sync::Mutex;
use tokio::sync::watch;

#[derive(Debug)]
pub struct Lazy<T> {
    value: tokio::sync::OnceCell<T>,
    attempt: Mutex<Option<watch::Receiver<Option<Result<T, InitError>>>>>,
}

impl<T: Clone> Lazy<T> {
    pub fn new() -> Self {
        Self {
            value: tokio::sync::OnceCell::new(),
            attempt: Mutex::new(None),
        }
    }

    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        if let Some(v) = self.value.get() {
            return Ok(v.clone());
        }
        let joined = {
            let mut attempt = self.attempt.lock().unwrap();
            match &*attempt {
                Some(rx) => Err(rx.clone()),
                None => {
                    let (tx, rx) = watch::channel(None);
                    *attempt = Some(rx);
                    Ok(tx)
                }
            }
        };
        match joined {
            Ok(tx) => {
                let made = init().await;
                if let Ok(v) = &made {
                    let _ = self.value.set(v.clone());
                }
                *self.attempt.lock().unwrap() = None;
                let _ = tx.send(Some(made.clone()));
                made
            }
            Err(mut rx) => {
                let outcome = rx.wait_for(Option::is_some).await;
                match outcome {
                    Ok(seen) => seen.clone().expect("checked"),
                    Err(_) => Err(InitError("the first attempt was dropped".into())),
                }
            }
        }
    }

    pub fn get(&self) -> Option<T> {
        self.value.get().cloned()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
