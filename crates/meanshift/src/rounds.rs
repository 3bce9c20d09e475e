//! Climbing many 2-D seeds together, one step per round, each distinct
//! position queried once.
//!
//! With exact sums ([`BandIndex`]) a step's result depends only on the
//! position, so seeds that meet at the same position (bit for bit) share the
//! rest of their climb: scikit-learn's own sums have this property, and on the
//! tutorial's blobs about 40 % of all steps are repeats. Each round collects
//! the positions not queried in the last [`REMEMBERED_ROUNDS`] rounds, queries
//! them in parallel, then moves every seed. Which positions are cached changes only the
//! work done, never a result, so results do not depend on threads.

use crate::bands::{BallTotal, BandIndex};
use crate::fit::{moved_and_stops, Climb};
use crate::observer::Observer;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// How long a step is kept for other seeds (bounds the cache to a few times
/// the number of seeds).
const REMEMBERED_ROUNDS: usize = 3;

/// The bits of a position, y first: equal keys, equal steps, and sorted keys
/// put queries that read the same bands next to each other.
type Key = [u64; 2];

fn key(position: [f64; 2]) -> Key {
    [position[1].to_bits(), position[0].to_bits()]
}

fn position(key: &Key) -> [f64; 2] {
    [f64::from_bits(key[1]), f64::from_bits(key[0])]
}

/// Where a step from a position leads: the ball's mean and count (`None`, 0 for an empty ball).
#[derive(Clone, Copy)]
struct Step {
    mean: Option<[f64; 2]>,
    count: usize,
}

fn query(index: &BandIndex, position: [f64; 2], radius2: f64) -> Step {
    let ball: BallTotal = index.ball_total(position, radius2);
    Step {
        mean: index.mean(&ball),
        count: ball.count,
    }
}

struct Seed {
    position: [f64; 2],
    completed: usize,
    /// The ball count at the final position, once the climb has ended.
    ended: Option<usize>,
}

/// Climbs every seed (row-major, 2 values each) as [`crate::climb`] would with
/// the same index; `None` if `observer` asked to stop.
pub(crate) fn climb_in_rounds(
    seeds: &[f64],
    index: &BandIndex,
    bandwidth: f64,
    max_iter: usize,
    observer: &dyn Observer,
) -> Option<Vec<Climb>> {
    let radius2 = bandwidth * bandwidth;
    let stop = 1e-3 * bandwidth;
    let total = seeds.len() / 2;
    let mut states: Vec<Seed> = seeds
        .chunks_exact(2)
        .map(|s| Seed {
            position: [s[0], s[1]],
            completed: 0,
            ended: None,
        })
        .collect();
    // Steps by position, with the round that computed them.
    let mut known: FxHashMap<Key, (Step, usize)> = FxHashMap::default();
    let mut done = 0;
    let reported = AtomicUsize::new(0);
    let mut round = 0;
    while done < total {
        let mut fresh: Vec<Key> = states
            .par_iter()
            .filter(|s| s.ended.is_none())
            .map(|s| key(s.position))
            .filter(|k| !known.contains_key(k))
            .collect();
        fresh.par_sort_unstable();
        fresh.dedup();
        let steps: Option<Vec<Step>> = fresh
            .par_iter()
            .map(|k| {
                if observer.is_aborted() {
                    return None;
                }
                Some(query(index, position(k), radius2))
            })
            .collect();
        known.extend(
            fresh
                .into_iter()
                .zip(steps?.into_iter().map(|step| (step, round))),
        );
        let finished: usize = states
            .par_iter_mut()
            .filter(|s| s.ended.is_none())
            .map(|s| {
                // Every active position is known by now; the query is only a safeguard.
                let Step { mean, count } = match known.get(&key(s.position)) {
                    Some(&(step, _)) => step,
                    None => query(index, s.position, radius2),
                };
                let ends = match mean {
                    None => true,
                    Some(mean) => {
                        moved_and_stops(&mut s.position, &mean, stop, s.completed, max_iter)
                    }
                };
                if ends {
                    s.ended = Some(count);
                    observer.on_progress(reported.fetch_add(1, Relaxed) + 1, total);
                    1
                } else {
                    s.completed += 1;
                    0
                }
            })
            .sum();
        done += finished;
        round += 1;
        known.retain(|_, (_, computed)| *computed + REMEMBERED_ROUNDS > round);
    }
    Some(
        states
            .into_iter()
            .map(|s| Climb {
                position: s.position.to_vec(),
                intensity: s.ended.unwrap_or(0),
                completed: s.completed,
            })
            .collect(),
    )
}
