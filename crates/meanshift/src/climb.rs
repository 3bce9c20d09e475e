//! A climb: from a seed, step to the mean of the points within the bandwidth
//! (weighted by the sample weights and the kernel, see [`Step`]) until a step
//! is short enough or the iterations run out (scikit-learn's
//! `_mean_shift_single_seed`).
//!
//! The step's query comes from [`crate::index`]; the stop rule,
//! [`stops`] (with [`move_to`]), is shared with the lock-step climbs of
//! [`crate::rounds`], so both end every climb at the same iteration.

use crate::index::Step;
use crate::observer::Observer;
use crate::progress::{Progress, Tally};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where one seed's climb ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Climb {
    pub position: Vec<f64>,
    /// The total pull (points within the bandwidth, for the flat kernel
    /// without weights) at the position before the last move; 0 when the seed
    /// had no neighbour at all (it is then discarded).
    pub intensity: f64,
    /// Iterations completed; the last move is not counted.
    pub completed: usize,
}

/// Where every seed's climb ended, in seed order: the fields of [`Climb`],
/// one array each (no allocation per seed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Climbs {
    pub dim: usize,
    /// Row-major, `dim` values per seed.
    pub positions: Vec<f64>,
    pub intensities: Vec<f64>,
    pub completed: Vec<usize>,
}

impl Climbs {
    pub fn with_capacity(n_seeds: usize, dim: usize) -> Self {
        Self {
            dim,
            positions: Vec::with_capacity(n_seeds * dim),
            intensities: Vec::with_capacity(n_seeds),
            completed: Vec::with_capacity(n_seeds),
        }
    }

    /// Every seed's entry at zero, to be set as the climbs end (in any order).
    pub fn zeroed(n_seeds: usize, dim: usize) -> Self {
        Self {
            dim,
            positions: vec![0.0; n_seeds * dim],
            intensities: vec![0.0; n_seeds],
            completed: vec![0; n_seeds],
        }
    }

    pub fn push(&mut self, climb: &Climb) {
        self.positions.extend_from_slice(&climb.position);
        self.intensities.push(climb.intensity);
        self.completed.push(climb.completed);
    }

    pub fn position(&self, seed: usize) -> &[f64] {
        &self.positions[seed * self.dim..(seed + 1) * self.dim]
    }

    /// Multiplies every intensity by `scale` (uniform weights, climbed as none).
    pub fn scale_intensities(&mut self, scale: f64) {
        if scale != 1.0 {
            self.intensities.iter_mut().for_each(|i| *i *= scale);
        }
    }
}

/// A move at most this long ends a climb (scikit-learn's `stop_thresh`).
#[inline]
pub(crate) fn stop_distance(bandwidth: f64) -> f64 {
    1e-3 * bandwidth
}

/// Climbs from `seed` to a mode of the flat-kernel density of `points`: one
/// seed alone, one query per step, the reference that the lock-step climbs
/// (which share the steps of seeds at the same position) are tested against.
///
/// Each step moves to the mean of the points within `bandwidth` (inclusive);
/// it stops when a move is at most `1e-3 * bandwidth` long or after
/// `max_iter` completed iterations (so at most `max_iter + 1` moves).
#[cfg(test)]
pub(crate) fn climb(seed: &[f64], index: &dyn Step, bandwidth: f64, max_iter: usize) -> Climb {
    climb_counting(seed, index, bandwidth, max_iter, &mut || ())
}

/// [`climb`], calling `on_query` after each of its queries.
fn climb_counting(
    seed: &[f64],
    index: &dyn Step,
    bandwidth: f64,
    max_iter: usize,
    on_query: &mut dyn FnMut(),
) -> Climb {
    let dim = seed.len();
    let stop = stop_distance(bandwidth);
    let mut position = seed.to_vec();
    let mut mean = vec![0.0; dim];
    let mut completed = 0;
    loop {
        mean.fill(0.0);
        let total = index.step(&position, &mut mean);
        on_query();
        if total == 0.0 {
            return Climb {
                position,
                intensity: 0.0,
                completed,
            };
        }
        mean.iter_mut().for_each(|s| *s /= total);
        if moved_and_stops(&mut position, &mean, stop, completed, max_iter) {
            return Climb {
                position,
                intensity: total,
                completed,
            };
        }
        completed += 1;
    }
}

/// One iteration of a climb: moves `position` to `mean` (of the points within
/// the bandwidth) and says whether the climb ends there, after a move at most
/// `stop` long or `max_iter` completed iterations.
#[inline]
pub(crate) fn moved_and_stops(
    position: &mut [f64],
    mean: &[f64],
    stop: f64,
    completed: usize,
    max_iter: usize,
) -> bool {
    stops(move_to(position, mean), stop, completed, max_iter)
}

/// Moves `position` to `mean`; returns the length of the move.
#[inline]
pub(crate) fn move_to(position: &mut [f64], mean: &[f64]) -> f64 {
    let mut shift2 = 0.0;
    for (p, &m) in position.iter_mut().zip(mean) {
        shift2 += (m - *p) * (m - *p);
        *p = m;
    }
    shift2.sqrt()
}

/// The stop rule: a climb ends after a move of at most `stop`, or after
/// `max_iter` completed iterations.
#[inline]
pub(crate) fn stops(shift: f64, stop: f64, completed: usize, max_iter: usize) -> bool {
    shift <= stop || completed == max_iter
}

/// Every seed's [`climb`] (row-major, `dim` values each), in parallel, in seed
/// order; `None` if `observer` asked to stop (polled before every climb).
///
/// Progress counts queries (a climb's steps) as they are made, of a total
/// that assumes the seeds left climb as long as the finished ones did on
/// average; the index's `build` time counts as the queries the climbs make in
/// as long.
pub(crate) fn climb_each(
    seeds: &[f64],
    dim: usize,
    index: &dyn Step,
    (bandwidth, max_iter): (f64, usize),
    build: Duration,
    observer: &dyn Observer,
) -> Option<Climbs> {
    let n_seeds = seeds.len() / dim;
    let progress = Progress::new(observer, n_seeds);
    // Until a climb ends, a guess: four queries a seed.
    progress.estimate(4 * n_seeds);
    let finished = AtomicUsize::new(0);
    let finished_queries = AtomicUsize::new(0);
    let climbing = Instant::now();
    let build_counted = AtomicBool::new(build.is_zero());
    let climbs: Vec<Option<Climb>> = seeds
        .par_chunks_exact(dim)
        .map_init(
            || Tally::new(&progress),
            |tally, seed| {
                if observer.is_aborted() {
                    return None;
                }
                // Queries count as they are made, so that progress moves
                // from the first ones on, not only as climbs end.
                let result =
                    climb_counting(seed, index, bandwidth, max_iter, &mut || tally.count());
                // One query per iteration, the last (uncounted) one included.
                let queries = result.completed + 1;
                let finished = finished.fetch_add(1, Ordering::Relaxed) + 1;
                let per_climb = (finished_queries.fetch_add(queries, Ordering::Relaxed) + queries)
                    as f64
                    / finished as f64;
                let left = (n_seeds - finished) as f64 * per_climb;
                progress.estimate(progress.done().saturating_add(left as usize));
                // The index's build is work of the fit too: once the climbs have
                // run as long as it took, their rate prices it in queries.
                if !build_counted.load(Ordering::Relaxed) {
                    let so_far = climbing.elapsed();
                    if so_far >= build && !build_counted.swap(true, Ordering::Relaxed) {
                        let rate = progress.done() as f64 / so_far.as_secs_f64();
                        let queries = (rate * build.as_secs_f64()) as usize;
                        progress.estimate(progress.done() + queries + left as usize);
                        progress.add(queries);
                    }
                }
                Some(result)
            },
        )
        .collect();
    let mut all = Climbs::with_capacity(n_seeds, dim);
    for c in climbs {
        all.push(&c?);
    }
    progress.finish();
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{for_climbs, ClimbIndex, ClimbKind};

    /// X = [0, 1, 2, 10] (1-D), bandwidth 1.5, one seed at 0:
    /// move 1: neighbours {0, 1} -> 0.5; move 2: {0, 1, 2} (2 is exactly on the radius) -> 1.0;
    /// move 3: {0, 1, 2} -> 1.0, shift 0 -> stop.
    const LINE: [f64; 4] = [0.0, 1.0, 2.0, 10.0];

    /// What a fit climbs on for `LINE` (a 1-D sum tree).
    fn line_index() -> Box<dyn Step> {
        match for_climbs(&LINE, 1, 1, &ClimbKind::flat(1.5)).unwrap() {
            ClimbIndex::Steps(sums) => sums,
            ClimbIndex::Bands(_) | ClimbIndex::Lockstep(_) => panic!("a sum tree in 1-D"),
        }
    }

    #[test]
    fn max_iter_zero_still_moves_once() {
        let index = line_index();
        let c = climb(&[0.0], index.as_ref(), 1.5, 0);
        assert_eq!(
            (c.position.clone(), c.intensity, c.completed),
            (vec![0.5], 2.0, 0)
        );
    }

    #[test]
    fn climb_counts_completed_iterations_and_includes_the_boundary() {
        let index = line_index();
        // max_iter 1: two moves, the second from 0.5 where 2.0 is at exactly 1.5.
        let c = climb(&[0.0], index.as_ref(), 1.5, 1);
        assert_eq!(
            (c.position.clone(), c.intensity, c.completed),
            (vec![1.0], 3.0, 1)
        );
        // Unlimited: a third move of length 0 stops the climb; it is not counted.
        let c = climb(&[0.0], index.as_ref(), 1.5, 300);
        assert_eq!(
            (c.position.clone(), c.intensity, c.completed),
            (vec![1.0], 3.0, 2)
        );
        // A seed with no neighbour stays put with intensity 0.
        let c = climb(&[5.0], index.as_ref(), 1.5, 300);
        assert_eq!(
            (c.position.clone(), c.intensity, c.completed),
            (vec![5.0], 0.0, 0)
        );
    }
}
