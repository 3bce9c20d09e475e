//! Merging the climbs' ends into cluster centres, as scikit-learn does: modes
//! by intensity, then near-duplicates suppressed.

use crate::error::Result;
use crate::index::for_neighbors;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// Keeps the climbs that found points, one per exact final position (the later
/// seed setting the intensity, the first one the key, as a Python dict does),
/// sorted by `(intensity, position)` descending. `ends` are the climbs' final
/// positions and intensities in seed order (the order decides which seed is
/// "later" when two seeds end at the same position with different counts).
pub(crate) fn modes_by_intensity<'a>(
    dim: usize,
    ends: impl Iterator<Item = (&'a [f64], f64)>,
) -> Vec<(Vec<f64>, f64)> {
    let mut modes: Vec<(Vec<f64>, f64)> = Vec::new();
    // The modes' keys, row-major: few modes are searched in order (cheaper than
    // hashing), many in a map built once they pass `LINEAR_MODES`.
    let mut keys: Vec<u64> = Vec::new();
    let mut slot_of: Option<FxHashMap<Vec<u64>, usize>> = None;
    let mut key = Vec::with_capacity(dim);
    // The last slot found: seeds that climbed together end one after another.
    let mut last = None;
    for (position, intensity) in ends.filter(|&(_, intensity)| intensity > 0.0) {
        // `+ 0.0` maps -0.0 to 0.0: Python's equal tuples are one key.
        let bits = |v: &f64| (v + 0.0).to_bits();
        // Element by element: a slice comparison calls `memcmp`.
        let is_at = |slot: usize| {
            let mode = &keys[slot * dim..(slot + 1) * dim];
            mode.iter().zip(position).all(|(k, v)| *k == bits(v))
        };
        let found = match (&slot_of, last) {
            (_, Some(slot)) if is_at(slot) => Some(slot),
            (Some(map), _) => {
                key.clear();
                key.extend(position.iter().map(bits));
                map.get(key.as_slice()).copied()
            }
            (None, _) => (0..modes.len()).find(|&slot| is_at(slot)),
        };
        let slot = match found {
            Some(slot) => {
                modes[slot].1 = intensity;
                slot
            }
            None => {
                let slot = modes.len();
                keys.extend(position.iter().map(bits));
                modes.push((position.to_vec(), intensity));
                match &mut slot_of {
                    Some(map) => {
                        map.insert(keys[slot * dim..].to_vec(), slot);
                    }
                    None if modes.len() > LINEAR_MODES => {
                        let map = keys.chunks_exact(dim).map(<[u64]>::to_vec).zip(0..);
                        slot_of = Some(map.collect());
                    }
                    None => {}
                }
                slot
            }
        };
        last = Some(slot);
    }
    // Intensities are counts or sums of weights: finite and >= 0.
    modes.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| compare_tuples(&b.0, &a.0)));
    modes
}

/// Up to this many distinct modes, a seed's end is looked up among them in
/// order: the usual case (a 100-point fit has a handful), where hashing and
/// a key allocated per mode cost more than the search.
const LINEAR_MODES: usize = 16;

/// Python's lexicographic tuple comparison of floats.
fn compare_tuples(a: &[f64], b: &[f64]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.partial_cmp(y).unwrap_or(Ordering::Equal))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Greedy de-duplication in order: each mode still standing removes every other
/// mode within `bandwidth`. Returns the survivors, row-major, in order.
///
/// The order makes it sequential, but the queries need not be: a block of the
/// modes standing at its start is queried in parallel, then applied in order,
/// a mode removed by an earlier one of its block dropping its answer. The
/// result is the one-by-one loop's; only work can be wasted, so the block
/// grows while few are dropped and shrinks when many are. (Many modes, each
/// query a scan, is where this matters: thousands of distinct modes above 16
/// features took a third of such a fit, one core busy.)
pub(crate) fn suppress_near_duplicates(
    modes: &[(Vec<f64>, f64)],
    dim: usize,
    bandwidth: f64,
) -> Result<Vec<f64>> {
    let sorted: Vec<f64> = modes.iter().flat_map(|(p, _)| p.iter().copied()).collect();
    let index = for_neighbors(&sorted, dim)?;
    let mut unique = vec![true; modes.len()];
    let radius2 = bandwidth * bandwidth;
    let row = |i: usize| &sorted[i * dim..(i + 1) * dim];
    let within = |i: usize| {
        let mut near = Vec::new();
        index.for_each_within(row(i), radius2, &mut |j| near.push(j as u32));
        near
    };
    let (mut next, mut block) = (0, 1);
    let mut standing = Vec::with_capacity(MAX_BLOCK);
    while next < modes.len() {
        standing.clear();
        standing.extend((next..modes.len()).filter(|&i| unique[i]).take(block));
        let Some(&last) = standing.last() else { break };
        next = last + 1;
        let answers: Vec<Vec<u32>> = if standing.len() == 1 {
            vec![within(standing[0])]
        } else {
            standing.par_iter().map(|&i| within(i)).collect()
        };
        let mut dropped = 0;
        for (&i, near) in standing.iter().zip(&answers) {
            if !unique[i] {
                dropped += 1;
                continue;
            }
            near.iter().for_each(|&j| unique[j as usize] = false);
            unique[i] = true;
        }
        block = if 4 * dropped > standing.len() {
            (block / 2).max(1)
        } else {
            (block * 2).min(MAX_BLOCK)
        };
    }
    Ok(sorted
        .chunks_exact(dim)
        .zip(&unique)
        .filter(|(_, keep)| **keep)
        .flat_map(|(row, _)| row.iter().copied())
        .collect())
}

/// The most modes queried together.
const MAX_BLOCK: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RandomState;

    /// The one-by-one loop the blocks must reproduce.
    fn suppress_one_by_one(modes: &[(Vec<f64>, f64)], bandwidth: f64) -> Vec<f64> {
        let mut unique = vec![true; modes.len()];
        for i in 0..modes.len() {
            if unique[i] {
                for (j, (other, _)) in modes.iter().enumerate() {
                    let d2: f64 = other
                        .iter()
                        .zip(&modes[i].0)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum();
                    if d2 <= bandwidth * bandwidth {
                        unique[j] = false;
                    }
                }
                unique[i] = true;
            }
        }
        modes
            .iter()
            .zip(&unique)
            .filter(|(_, keep)| **keep)
            .flat_map(|((p, _), _)| p.iter().copied())
            .collect()
    }

    #[test]
    fn blocks_of_modes_suppress_as_the_one_by_one_loop() {
        // Modes on a coarse grid (ties at the boundary) in few and many
        // features, from all apart to all within reach of each other, so that
        // blocks grow, shrink and drop the answers of modes removed in them.
        let mut rng = RandomState::new(5);
        for dim in [1, 2, 5, 17, 40] {
            for (count, spread) in [(50, 2.0), (700, 3.0), (1500, 6.0), (900, 40.0)] {
                let modes: Vec<(Vec<f64>, f64)> = (0..count)
                    .map(|i| {
                        let p = (0..dim)
                            .map(|_| (rng.uniform(0.0, spread)).round())
                            .collect();
                        (p, (count - i) as f64)
                    })
                    .collect();
                for bandwidth in [0.5, 1.0, 2.5] {
                    let got = suppress_near_duplicates(&modes, dim, bandwidth).unwrap();
                    let want = suppress_one_by_one(&modes, bandwidth);
                    assert_eq!(got, want, "{dim}-D, {count} modes, bandwidth {bandwidth}");
                }
            }
        }
    }

    #[test]
    fn modes_are_a_python_dict_of_the_ends_for_few_and_many_modes() {
        // The reference: a dict from each position's key to (first position,
        // last intensity), in insertion order, then sorted.
        fn as_a_dict(ends: &[(Vec<f64>, f64)]) -> Vec<(Vec<f64>, f64)> {
            let mut slot_of = std::collections::HashMap::<Vec<u64>, usize>::new();
            let mut modes: Vec<(Vec<f64>, f64)> = Vec::new();
            for (p, i) in ends.iter().filter(|(_, i)| *i > 0.0) {
                let key: Vec<u64> = p.iter().map(|v| (v + 0.0).to_bits()).collect();
                match slot_of.get(&key) {
                    Some(&slot) => modes[slot].1 = *i,
                    None => {
                        slot_of.insert(key, modes.len());
                        modes.push((p.clone(), *i));
                    }
                }
            }
            modes.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| compare_tuples(&b.0, &a.0)));
            modes
        }
        let mut rng = RandomState::new(11);
        for dim in [1, 2, 3] {
            // Distinct positions on both sides of LINEAR_MODES, ends drawn among
            // them (runs and jumps), some -0.0, some empty balls.
            for distinct in [1, 3, LINEAR_MODES, LINEAR_MODES + 1, 60] {
                let positions: Vec<Vec<f64>> = (0..distinct)
                    .map(|p| (0..dim).map(|d| (p * 7 + d) as f64 - 3.0).collect())
                    .collect();
                let ends: Vec<(Vec<f64>, f64)> = (0..400)
                    .map(|_| {
                        let mut p = positions[rng.uniform(0.0, distinct as f64) as usize].clone();
                        if p[0] == 0.0 && rng.uniform(0.0, 1.0) < 0.5 {
                            p[0] = -0.0;
                        }
                        (p, rng.uniform(0.0, 5.0).floor())
                    })
                    .collect();
                let got = modes_by_intensity(dim, ends.iter().map(|(p, i)| (&p[..], *i)));
                let want = as_a_dict(&ends);
                assert_eq!(got, want, "{dim}-D, {distinct} positions");
                let signs = |m: &[(Vec<f64>, f64)]| -> Vec<bool> {
                    m.iter().map(|(p, _)| p[0].is_sign_negative()).collect()
                };
                assert_eq!(signs(&got), signs(&want), "the first seed's key");
            }
        }
    }

    #[test]
    fn modes_keep_the_first_seeds_key_and_the_last_seeds_intensity_like_a_python_dict() {
        let ends: [([f64; 2], f64); 7] = [
            ([-0.0, 1.0], 3.0), // the key for [0, 1]
            ([2.0, 2.0], 5.0),
            ([9.0, 9.0], 0.0), // found no point: dropped
            ([0.0, 1.0], 7.0), // same key as -0.0: sets the intensity
            ([2.0, 2.0], 4.0), // last for [2, 2]
            ([1.0, 5.0], 4.0),
            ([0.5, 0.5], 9.0),
        ];
        let modes = modes_by_intensity(2, ends.iter().map(|(p, i)| (&p[..], *i)));
        let expected: Vec<(Vec<f64>, f64)> = vec![
            (vec![0.5, 0.5], 9.0),
            (vec![-0.0, 1.0], 7.0),
            (vec![2.0, 2.0], 4.0),
            (vec![1.0, 5.0], 4.0),
        ];
        assert_eq!(modes, expected);
        assert!(modes[1].0[0].is_sign_negative(), "the first seed's key");
    }
}
