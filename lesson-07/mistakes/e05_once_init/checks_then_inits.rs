// Two early callers both initialise: the check and the set are apart, with init awaited in between.
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

#[derive(Debug)]
pub struct Lazy<T> {
    cell: tokio::sync::OnceCell<T>,
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
        if let Some(v) = self.cell.get() {
            return Ok(v.clone());
        }
        let v = init().await?;
        // Whoever set it first wins; the others' values are thrown away.
        let _ = self.cell.set(v);
        Ok(self.cell.get().cloned().expect("just set"))
    }

    pub fn get(&self) -> Option<T> {
        self.cell.get().cloned()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
