//! A waker that tells us when it is cloned, woken and dropped.
//!
//! `std::task::Wake` is the safe, easy way to make a waker: put your state in an
//! `Arc`, implement `wake`, and `Waker::from(arc)` does the rest. But a `Wake`
//! waker cannot notice when it is *cloned* or *dropped*: cloning just bumps the
//! `Arc` count. (`futures-test`'s counting waker has the same limit: it counts
//! wakes only.) The course wants to tell a learner "your future never cloned
//! its waker", so this file builds wakers by hand from a [`RawWakerVTable`]:
//! four functions that a `Waker` calls for clone, wake, wake-by-reference and
//! drop.
//!
//! This is the only `unsafe` code in the crate. It is the textbook pattern: the
//! data pointer is an `Arc<H>` turned into a raw pointer, and each vtable function
//! turns it back with exactly the reference-count bookkeeping `Arc` expects.
use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// What a hooked waker reports to its owner. Every method may be called from any
/// thread, at any time, so implementations use atomics or a mutex.
pub trait WakeHooks: Send + Sync + 'static {
    /// `wake()` (`by_ref == false`, the handle is consumed) or `wake_by_ref()`.
    fn on_wake(&self, by_ref: bool);
    /// A handle was cloned.
    fn on_clone(&self) {}
    /// A handle went away: dropped, or consumed by `wake()`.
    fn on_drop(&self) {}
}

/// Builds a [`Waker`] that calls `hooks` for each clone, wake and drop.
///
/// The returned handle itself counts as one live handle: dropping it calls
/// [`WakeHooks::on_drop`].
pub fn hooked_waker<H: WakeHooks>(hooks: Arc<H>) -> Waker {
    let raw = RawWaker::new(Arc::into_raw(hooks).cast::<()>(), VTable::<H>::VTABLE);
    // SAFETY: the data pointer comes from `Arc::into_raw` of an `Arc<H>` and the
    // vtable functions below treat it as exactly that, keeping the strong count
    // equal to the number of live `Waker` handles. `H: Send + Sync`, so the
    // handles may move between threads as `Waker` allows.
    unsafe { Waker::from_raw(raw) }
}

struct VTable<H>(std::marker::PhantomData<H>);

impl<H: WakeHooks> VTable<H> {
    const VTABLE: &'static RawWakerVTable =
        &RawWakerVTable::new(Self::clone, Self::wake, Self::wake_by_ref, Self::drop);

    unsafe fn clone(data: *const ()) -> RawWaker {
        // SAFETY: `data` is a live `Arc<H>` pointer (see `hooked_waker`); we add
        // one strong count for the new handle.
        unsafe { Arc::increment_strong_count(data.cast::<H>()) };
        // SAFETY: the count we just added keeps the pointee alive while we look.
        let hooks = unsafe { &*data.cast::<H>() };
        hooks.on_clone();
        RawWaker::new(data, Self::VTABLE)
    }

    unsafe fn wake(data: *const ()) {
        // SAFETY: `wake` consumes the handle, so we take back its strong count.
        let hooks = unsafe { Arc::from_raw(data.cast::<H>()) };
        hooks.on_wake(false);
        hooks.on_drop();
    }

    unsafe fn wake_by_ref(data: *const ()) {
        // SAFETY: the handle is borrowed, so the `Arc` stays alive during the call.
        let hooks = unsafe { &*data.cast::<H>() };
        hooks.on_wake(true);
    }

    unsafe fn drop(data: *const ()) {
        // SAFETY: dropping the handle releases its strong count.
        let hooks = unsafe { Arc::from_raw(data.cast::<H>()) };
        hooks.on_drop();
    }
}
