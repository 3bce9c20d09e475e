//! Watching and stopping a long computation from outside (progress bars,
//! `AbortSignal`s). The core polls; it never blocks on the observer.

/// Receives progress and may ask the computation to stop.
///
/// Both methods are called from worker threads, possibly at a high rate: keep
/// them cheap (an atomic load, a time check).
pub trait Observer: Sync {
    /// Polled before each seed's climb (before each query when seeds climb in
    /// lock-step, and per row of a bandwidth estimate):
    /// returning `true` stops the work with [`crate::MeanShiftError::Aborted`].
    fn is_aborted(&self) -> bool {
        false
    }

    /// `done` of `total` seeds have finished climbing. `done` may arrive out
    /// of order across threads; a final call has `done == total`. Seeds that
    /// climb in lock-step (2-D, many seeds) finish late and together.
    fn on_progress(&self, _done: usize, _total: usize) {}
}

/// The observer that never stops and ignores progress.
pub struct Unobserved;

impl Observer for Unobserved {}
