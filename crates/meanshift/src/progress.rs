//! Progress as work done, reported to an [`Observer`] in seeds' worth: `total`
//! is the number of seeds, and `done` the share of the climbs' work done so
//! far, in seeds.
//!
//! Finished seeds are a poor measure: in lock-step rounds they all finish at
//! the end, and per seed the climbs differ in length. The work is counted in
//! queries (one per seed and step), which take about the same time each, of
//! an estimated total that the climbs refine as they go (see
//! [`crate::climb::climb_each`] and [`crate::rounds`]).

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
pub(crate) struct Tally<'p, 'a> {
    progress: &'p Progress<'a>,
    pending: usize,
    batch: usize,
}

/// The most queries a [`Tally`] counts before adding them: fewer for fits
/// with few seeds, whose queries are costly (large N or many features), so
/// that the first report comes early.
const BATCH: usize = 256;

impl<'p, 'a> Tally<'p, 'a> {
    pub fn new(progress: &'p Progress<'a>) -> Self {
        Self {
            progress,
            pending: 0,
            batch: (progress.seeds / 1024).clamp(1, BATCH),
        }
    }

    #[inline]
    pub fn count(&mut self) {
        self.pending += 1;
        if self.pending >= self.batch {
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

/// How the groups climb, for the progress estimate. Near a mode a climb's
/// moves shrink about geometrically, and the last one is of length 0 (the
/// neighbours no longer change): a group whose move was `2^level` times the
/// stop length has about `level / fall - 1` moves left, `fall` being how much
/// a group's level falls a round (1.2 to 1.7 on the tutorial's blobs; see `rounds.rs`). Climbs
/// that wander (uniform data) have no such fall: there, the share of groups
/// that ended in the last round says how long the others last.
#[derive(Clone, Copy)]
pub(crate) struct Pace {
    /// `1 / fall`.
    pub per_fall: f64,
    /// Rounds a group still climbing lasts, from the share that ended last round.
    pub life: f64,
}

impl Pace {
    /// Before anything is measured: the tutorial's blobs'.
    pub const PRIOR: Pace = Pace {
        per_fall: 1.0 / 1.5,
        life: f64::INFINITY,
    };

    /// The moves left to a group whose last move was `2^level` stop lengths,
    /// with at most `most` (>= 1) rounds left.
    #[inline]
    pub fn moves_left(&self, level: f32, most: f64) -> f64 {
        (f64::from(level) * self.per_fall - 1.0)
            .min(self.life)
            .clamp(1.0, most)
    }
}

/// What the moves of one round say about the moves left.
#[derive(Clone, Copy, Default)]
pub(crate) struct Outlook {
    /// The groups still climbing, and their moves left.
    pub climbing: usize,
    pub moves: f64,
    /// The falls in level of the groups that moved twice, and their number.
    pub falls: f64,
    pub fell: usize,
}

impl Outlook {
    pub fn add(&mut self, other: &Outlook) {
        self.climbing += other.climbing;
        self.moves += other.moves;
        self.falls += other.falls;
        self.fell += other.fell;
    }

    /// The pace measured in a round where `moved` groups moved.
    pub fn pace(&self, moved: usize, previous: Pace) -> Pace {
        // Below this, levels hardly fall: the life bounds the estimate.
        const LEAST_FALL: f64 = 0.25;
        let per_fall = if self.fell == 0 {
            previous.per_fall
        } else {
            1.0 / (self.falls / self.fell as f64).max(LEAST_FALL)
        };
        let ended = moved - self.climbing;
        let life = if ended == 0 {
            f64::INFINITY
        } else {
            moved as f64 / ended as f64
        };
        Pace { per_fall, life }
    }
}

/// About `log2(x)` (within 0.09) for a positive normal `x`, from its bits: cheaper
/// than `log2`, and precise enough for an estimate.
#[inline]
pub(crate) fn approx_log2(x: f64) -> f32 {
    // A positive x has its sign bit clear: the bits convert as an i64, in one instruction.
    (x.to_bits() as i64 as f64 * (1.0 / (1u64 << 52) as f64) - 1023.0) as f32
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
