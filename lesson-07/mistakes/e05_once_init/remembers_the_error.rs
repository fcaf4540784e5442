// A failed init is stored: every later caller gets the old error instead of trying again.
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

#[derive(Debug)]
pub struct Lazy<T> {
    cell: tokio::sync::OnceCell<Result<T, InitError>>,
}

impl<T: Clone> Lazy<T> {
    pub fn new() -> Self {
        Self {
            cell: tokio::sync::OnceCell::new(),
        }
    }

    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        self.cell.get_or_init(init).await.clone()
    }

    pub fn get(&self) -> Option<T> {
        self.cell.get().and_then(|r| r.as_ref().ok().cloned())
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
