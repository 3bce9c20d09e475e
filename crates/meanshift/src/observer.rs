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

    /// The climbs' work, in seeds: `total` is the number of seeds and `done`
    /// the share of the work done, in seeds, so that `done / total` follows
    /// the time the climbs take (not the seeds that finished: seeds climbing
    /// in lock-step all finish at the end).
    ///
    /// The work is counted in queries (one per seed and step, a step that
    /// seeds at the same position share counted once) of a total estimated
    /// as the climbs go: as seeds finish (those left climb as long as the
    /// finished ones on average), or, when seeds climb in lock-step (2-D, many
    /// seeds), after each round from how fast the moves shrink and how many
    /// climbs ended. In the first rounds of climbs that wander (e.g. on
    /// uniform data) the estimate is too small.
    ///
    /// Each call has a larger `done` than the one before; `done < total` but
    /// in the last call, where `done == total`. Calls come from worker
    /// threads, one at a time. Only the climbs report: a bandwidth estimate
    /// (`bandwidth: None`) comes before them and reports nothing.
    fn on_progress(&self, _done: usize, _total: usize) {}

    /// Whether progress reports are wanted: `false` lets the climbs skip the
    /// work of estimating how much is left (a few per cent of a small fit).
    /// `on_progress` may be called either way.
    fn watches_progress(&self) -> bool {
        true
    }
}

/// The observer that never stops and ignores progress.
pub struct Unobserved;

impl Observer for Unobserved {
    fn watches_progress(&self) -> bool {
        false
    }
}
