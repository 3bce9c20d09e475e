//! Progress as work done, reported to an [`Observer`] in seeds' worth: `total`
//! is the number of seeds, and `done` the share of the climbs' work done so
//! far, in seeds.
//!
//! Finished seeds are a poor measure: in lock-step rounds they all finish at
//! the end, and per seed the climbs differ in length. The work is counted in
//! queries (one per seed and step), which take about the same time each, of
//! an estimated total that the climbs refine as they go (see
//! [`crate::climb::climb_each`], [`crate::rounds`] and [`crate::lockstep`]).

use crate::observer::Observer;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

/// The queries done and the estimated total of one computation, and what was
/// last reported.
pub(crate) struct Progress<'a> {
    observer: &'a dyn Observer,
    seeds: usize,
    done: AtomicUsize,
    total: AtomicUsize,
    /// `done` as last reported, in seeds. The lock makes the calls one at a
    /// time, so that it only grows (whoever holds it reports).
    reported: Mutex<usize>,
}

impl<'a> Progress<'a> {
    pub fn new(observer: &'a dyn Observer, seeds: usize) -> Self {
        Self {
            observer,
            seeds,
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            reported: Mutex::new(0),
        }
    }

    /// Sets the estimated total of queries, those done included.
    pub fn estimate(&self, total: usize) {
        self.total.store(total, Relaxed);
    }

    /// The estimated total of queries, as last set.
    pub fn total(&self) -> usize {
        self.total.load(Relaxed)
    }

    pub fn done(&self) -> usize {
        self.done.load(Relaxed)
    }

    /// Counts `queries` more done and reports when that makes a seed's worth
    /// more, unless another thread is reporting (a later report includes
    /// them).
    pub fn add(&self, queries: usize) {
        self.done.fetch_add(queries, Relaxed);
        if let Ok(mut reported) = self.reported.try_lock() {
            let done = self.done.load(Relaxed);
            let total = self.total.load(Relaxed).max(done);
            // All the seeds only at the end, in `finish`.
            let worth = (self.seeds as u128 * done as u128 / total.max(1) as u128) as usize;
            let worth = worth.min(self.seeds.saturating_sub(1));
            if worth > *reported {
                *reported = worth;
                self.observer.on_progress(worth, self.seeds);
            }
        }
    }

    /// The last report, once every climb has ended: all the seeds.
    pub fn finish(&self) {
        let mut reported = self
            .reported
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *reported < self.seeds {
            *reported = self.seeds;
            self.observer.on_progress(self.seeds, self.seeds);
        }
    }
}

/// A worker's count of queries, added to [`Progress`] in batches (an atomic
/// addition per query would cost more than some queries) and when dropped.
/// Each query counts `weight` units (1 unless the caller prices queries
/// differently, as [`crate::lockstep`] does).
pub(crate) struct Tally<'p, 'a> {
    progress: &'p Progress<'a>,
    pending: usize,
    weight: usize,
}

/// Queries a [`Tally`] counts before adding them.
const BATCH: usize = 256;

impl<'p, 'a> Tally<'p, 'a> {
    pub fn new(progress: &'p Progress<'a>) -> Self {
        Self::weighted(progress, 1)
    }

    /// A tally whose queries count `weight` units each.
    pub fn weighted(progress: &'p Progress<'a>, weight: usize) -> Self {
        Self {
            progress,
            pending: 0,
            weight,
        }
    }

    #[inline]
    pub fn count(&mut self) {
        self.pending += self.weight;
        if self.pending >= BATCH * self.weight {
            self.progress.add(std::mem::take(&mut self.pending));
        }
    }
}

impl Drop for Tally<'_, '_> {
    fn drop(&mut self) {
        if self.pending > 0 {
            self.progress.add(self.pending);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Calls(Mutex<Vec<(usize, usize)>>);
    impl Observer for Calls {
        fn on_progress(&self, done: usize, total: usize) {
            self.0.lock().unwrap().push((done, total));
        }
    }

    #[test]
    fn done_grows_in_seeds_worth_and_reaches_the_seeds_only_at_the_end() {
        let calls = Calls(Mutex::new(Vec::new()));
        let progress = Progress::new(&calls, 100);
        // 4,000 queries expected, 3,000 made: 75 seeds' worth.
        progress.estimate(4000);
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    let mut tally = Tally::new(&progress);
                    for _ in 0..1000 {
                        tally.count();
                    }
                });
            }
        });
        assert_eq!(progress.done(), 3000);
        // A report skipped while another thread reported comes with the next.
        progress.add(0);
        assert_eq!(calls.0.lock().unwrap().last(), Some(&(75, 100)));
        // More queries than estimated: 99 seeds' worth at most before the end.
        progress.add(2000);
        progress.finish();
        progress.finish();
        let calls = calls.0.lock().unwrap();
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
        assert!(calls.iter().all(|&(_, total)| total == 100));
        assert_eq!(&calls[calls.len() - 2..], [(99, 100), (100, 100)]);
    }
}
