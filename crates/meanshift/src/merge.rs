//! Merging the climbs' ends into cluster centres, as scikit-learn does: modes
//! by intensity, then near-duplicates suppressed.

use crate::error::Result;
use crate::index::for_neighbors;
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
    // Few distinct positions: a key is allocated only when first seen.
    let mut slot_of: FxHashMap<Vec<u64>, usize> = FxHashMap::default();
    let mut key = Vec::with_capacity(dim);
    for (position, intensity) in ends.filter(|&(_, intensity)| intensity > 0.0) {
        key.clear();
        // `+ 0.0` maps -0.0 to 0.0: Python's equal tuples are one key.
        key.extend(position.iter().map(|v| (v + 0.0).to_bits()));
        match slot_of.get(key.as_slice()) {
            Some(&slot) => modes[slot].1 = intensity,
            None => {
                slot_of.insert(key.clone(), modes.len());
                modes.push((position.to_vec(), intensity));
            }
        }
    }
    // Intensities are counts or sums of weights: finite and >= 0.
    modes.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| compare_tuples(&b.0, &a.0)));
    modes
}

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
pub(crate) fn suppress_near_duplicates(
    modes: &[(Vec<f64>, f64)],
    dim: usize,
    bandwidth: f64,
) -> Result<Vec<f64>> {
    let sorted: Vec<f64> = modes.iter().flat_map(|(p, _)| p.iter().copied()).collect();
    let index = for_neighbors(&sorted, dim)?;
    let mut unique = vec![true; modes.len()];
    let radius2 = bandwidth * bandwidth;
    for i in 0..modes.len() {
        if unique[i] {
            index.for_each_within(&sorted[i * dim..(i + 1) * dim], radius2, &mut |j| {
                unique[j] = false
            });
            unique[i] = true;
        }
    }
    Ok(sorted
        .chunks_exact(dim)
        .zip(&unique)
        .filter(|(_, keep)| **keep)
        .flat_map(|(row, _)| row.iter().copied())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
