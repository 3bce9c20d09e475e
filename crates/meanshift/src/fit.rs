//! `MeanShift.fit` and `predict`: hill climbing from every seed, merging of the
//! modes found, and labelling by nearest centre.

use crate::alloc::vec_with_capacity;
use crate::bands::BandIndex;
use crate::bandwidth::{estimate_bandwidth_observed, BandwidthOptions};
use crate::climb::{climb_each, Climbs};
use crate::error::{MeanShiftError, Result};
use crate::matrix::Matrix;
use crate::neighbors::build_index;
use crate::observer::{Observer, Unobserved};
use crate::rounds::climb_in_rounds;
use crate::seeding::{get_bin_seeds, SeedPrecision};
use crate::sumtree::build_ball_sum;
use crate::threads::{resolve_threads, with_threads};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// `MeanShift`'s parameters, with scikit-learn's defaults in `Default`.
#[derive(Debug, Clone, Copy)]
pub struct MeanShiftOptions<'a> {
    /// `None`: [`estimate_bandwidth`] on all samples (quantile 0.3).
    pub bandwidth: Option<f64>,
    /// Starting points; `None` uses bin seeds or every sample.
    pub seeds: Option<Matrix<'a>>,
    pub bin_seeding: bool,
    pub min_bin_freq: usize,
    /// `false`: samples farther than the bandwidth from every centre get label `-1`.
    pub cluster_all: bool,
    pub max_iter: usize,
    /// joblib's convention, see [`resolve_threads`].
    pub n_jobs: Option<i64>,
}

impl Default for MeanShiftOptions<'_> {
    fn default() -> Self {
        Self {
            bandwidth: None,
            seeds: None,
            bin_seeding: false,
            min_bin_freq: 1,
            cluster_all: true,
            max_iter: 300,
            n_jobs: None,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanShiftFit {
    /// Row-major, `n_features` values per centre, by decreasing intensity.
    pub cluster_centers: Vec<f64>,
    pub n_features: usize,
    pub labels: Vec<i32>,
    /// The largest number of completed iterations over all seeds.
    pub n_iter: usize,
    /// The bandwidth used (given or estimated).
    pub bandwidth: f64,
    /// Warnings scikit-learn would emit (e.g. bin seeding fell back to the data).
    pub warnings: Vec<String>,
}

impl MeanShiftFit {
    pub fn n_clusters(&self) -> usize {
        self.cluster_centers.len() / self.n_features.max(1)
    }
}

fn validate(x: &Matrix, options: &MeanShiftOptions) -> Result<()> {
    x.require_non_empty(" by MeanShift")?;
    if let Some(b) = options.bandwidth {
        if !(b.is_finite() && b > 0.0) {
            return Err(MeanShiftError::Parameter {
                name: "bandwidth",
                rule: "of MeanShift must be a float in the range (0.0, inf) or null",
                got: b.to_string(),
            });
        }
    }
    if options.min_bin_freq < 1 {
        return Err(MeanShiftError::Parameter {
            name: "minBinFreq",
            rule: "of MeanShift must be an int in the range [1, inf)",
            got: options.min_bin_freq.to_string(),
        });
    }
    if let Some(seeds) = &options.seeds {
        if seeds.n_cols() != x.n_cols() {
            return Err(MeanShiftError::Features {
                name: "seeds",
                got: seeds.n_cols(),
                expected: x.n_cols(),
                expecting: "MeanShift",
            });
        }
        if seeds.n_rows() == 0 {
            return Err(MeanShiftError::Parameter {
                name: "seeds",
                rule: "of MeanShift must have at least one row or be null",
                got: "0 rows".into(),
            });
        }
    }
    Ok(())
}

/// Fits mean shift to `x` with scikit-learn's semantics. The climbs run in
/// parallel on `n_jobs` threads; the result is the same for any thread count.
pub fn fit(x: &Matrix, options: &MeanShiftOptions) -> Result<MeanShiftFit> {
    fit_observed(x, options, &Unobserved)
}

/// [`fit`], reporting each finished seed to `observer` and stopping with
/// [`MeanShiftError::Aborted`] as soon as it asks (checked before every climb).
pub fn fit_observed(
    x: &Matrix,
    options: &MeanShiftOptions,
    observer: &dyn Observer,
) -> Result<MeanShiftFit> {
    validate(x, options)?;
    let threads = resolve_threads(options.n_jobs)?;
    with_threads(threads, || fit_on_current_pool(x, options, observer))?
}

fn fit_on_current_pool(
    x: &Matrix,
    options: &MeanShiftOptions,
    observer: &dyn Observer,
) -> Result<MeanShiftFit> {
    let dim = x.n_cols();
    let points = x.to_f64()?;
    let mut warnings = Vec::new();
    let (bandwidth, precision) = match options.bandwidth {
        Some(b) => (b, SeedPrecision::Float32),
        None => (
            estimate_bandwidth_observed(x, &BandwidthOptions::default(), observer)?,
            SeedPrecision::Float64,
        ),
    };
    let seeds: std::borrow::Cow<[f64]> = match (&options.seeds, options.bin_seeding) {
        (Some(seeds), _) => seeds.to_f64()?,
        (None, true) => {
            let binned = get_bin_seeds(x, bandwidth, options.min_bin_freq, precision)?;
            warnings.extend(binned.warning);
            if binned.seeds.is_empty() {
                return Err(MeanShiftError::NoBinSeeds {
                    bin_size: bandwidth,
                    min_bin_freq: options.min_bin_freq,
                });
            }
            binned.seeds.into()
        }
        (None, false) => std::borrow::Cow::Borrowed(&points[..]),
    };

    let climbs = climb_all(&points, &seeds, dim, bandwidth, options.max_iter, observer)?;
    let n_iter = climbs.completed.iter().copied().max().unwrap_or(0);

    let modes = modes_by_intensity(&climbs);
    if modes.is_empty() {
        return Err(MeanShiftError::NoPointWithinBandwidth { bandwidth });
    }
    let cluster_centers = suppress_near_duplicates(&modes, dim, bandwidth);
    let labels = assign_labels(
        &points,
        &cluster_centers,
        dim,
        if options.cluster_all {
            None
        } else {
            Some(bandwidth)
        },
    )?;
    Ok(MeanShiftFit {
        cluster_centers,
        n_features: dim,
        labels,
        n_iter,
        bandwidth,
        warnings,
    })
}

/// Many seeds (at least one per this many points) make the 2-D band index pay for its build.
const POINTS_PER_SEED_FOR_BANDS: usize = 16;

/// Every seed's climb, in seed order, on the best index for the data.
fn climb_all(
    points: &[f64],
    seeds: &[f64],
    dim: usize,
    bandwidth: f64,
    max_iter: usize,
    observer: &dyn Observer,
) -> Result<Climbs> {
    let n_seeds = seeds.len() / dim;
    if dim == 2 && n_seeds.saturating_mul(POINTS_PER_SEED_FOR_BANDS) >= points.len() / dim {
        if let Some(bands) = BandIndex::new(points, bandwidth)? {
            return climb_in_rounds(seeds, &bands, bandwidth, max_iter, observer)
                .ok_or(MeanShiftError::Aborted);
        }
    }
    let index = build_ball_sum(points, dim)?;
    climb_each(seeds, dim, index.as_ref(), bandwidth, max_iter, observer)
        .ok_or(MeanShiftError::Aborted)
}

/// Keeps the climbs that found points, one per exact final position (the later
/// seed setting the intensity, the first one the key, as a Python dict does),
/// sorted by `(intensity, position)` descending.
fn modes_by_intensity(climbs: &Climbs) -> Vec<(Vec<f64>, usize)> {
    let mut modes: Vec<(Vec<f64>, usize)> = Vec::new();
    // Few distinct positions: a key is allocated only when first seen.
    let mut slot_of: FxHashMap<Vec<u64>, usize> = FxHashMap::default();
    let mut key = Vec::with_capacity(climbs.dim);
    for seed in (0..climbs.len()).filter(|&s| climbs.intensities[s] > 0) {
        let position = climbs.position(seed);
        key.clear();
        // `+ 0.0` maps -0.0 to 0.0: Python's equal tuples are one key.
        key.extend(position.iter().map(|v| (v + 0.0).to_bits()));
        let intensity = climbs.intensities[seed];
        match slot_of.get(key.as_slice()) {
            Some(&slot) => modes[slot].1 = intensity,
            None => {
                slot_of.insert(key.clone(), modes.len());
                modes.push((position.to_vec(), intensity));
            }
        }
    }
    modes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| compare_tuples(&b.0, &a.0)));
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
fn suppress_near_duplicates(modes: &[(Vec<f64>, usize)], dim: usize, bandwidth: f64) -> Vec<f64> {
    let sorted: Vec<f64> = modes.iter().flat_map(|(p, _)| p.iter().copied()).collect();
    let index = build_index(&sorted, dim);
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
    sorted
        .chunks_exact(dim)
        .zip(&unique)
        .filter(|(_, keep)| **keep)
        .flat_map(|(row, _)| row.iter().copied())
        .collect()
}

/// The index of the nearest centre of each point (lowest index on ties); with
/// `orphan_radius`, points farther than it from every centre get `-1`.
fn assign_labels(
    points: &[f64],
    centers: &[f64],
    dim: usize,
    orphan_radius: Option<f64>,
) -> Result<Vec<i32>> {
    let index = build_index(centers, dim);
    let mut labels = vec_with_capacity(points.len() / dim, "labels")?;
    labels.par_extend(points.par_chunks_exact(dim).map(|p| {
        let (nearest, d2) = index.nearest(p);
        match orphan_radius {
            Some(r) if d2.sqrt() > r => -1,
            _ => nearest as i32,
        }
    }));
    Ok(labels)
}

/// `MeanShift.predict`: the nearest of `centers` (row-major) for every row of
/// `x`, lowest index on ties, never `-1`.
pub fn predict(
    x: &Matrix,
    centers: &[f64],
    n_features: usize,
    n_jobs: Option<i64>,
) -> Result<Vec<i32>> {
    x.require_non_empty(" by MeanShift")?;
    if x.n_cols() != n_features {
        return Err(MeanShiftError::Features {
            name: "X",
            got: x.n_cols(),
            expected: n_features,
            expecting: "MeanShift",
        });
    }
    if centers.is_empty() || !centers.len().is_multiple_of(n_features) {
        return Err(MeanShiftError::Shape {
            name: "clusterCenters",
            len: centers.len(),
            n_rows: centers.len() / n_features.max(1),
            n_cols: n_features,
            expected: "a non-empty multiple of nFeatures".into(),
        });
    }
    let points = x.to_f64()?;
    let threads = resolve_threads(n_jobs)?;
    with_threads(threads, || {
        assign_labels(&points, centers, n_features, None)
    })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::climb::Climb;

    #[test]
    fn modes_keep_the_first_seeds_key_and_the_last_seeds_intensity_like_a_python_dict() {
        let ends: [([f64; 2], usize); 7] = [
            ([-0.0, 1.0], 3), // the key for [0, 1]
            ([2.0, 2.0], 5),
            ([9.0, 9.0], 0), // found no point: dropped
            ([0.0, 1.0], 7), // same key as -0.0: sets the intensity
            ([2.0, 2.0], 4), // last for [2, 2]
            ([1.0, 5.0], 4),
            ([0.5, 0.5], 9),
        ];
        let mut climbs = Climbs::with_capacity(ends.len(), 2);
        for (position, intensity) in ends {
            climbs.push(&Climb {
                position: position.to_vec(),
                intensity,
                completed: 1,
            });
        }
        let modes = modes_by_intensity(&climbs);
        let expected: Vec<(Vec<f64>, usize)> = vec![
            (vec![0.5, 0.5], 9),
            (vec![-0.0, 1.0], 7),
            (vec![2.0, 2.0], 4),
            (vec![1.0, 5.0], 4),
        ];
        assert_eq!(modes, expected);
        assert!(modes[1].0[0].is_sign_negative(), "the first seed's key");
    }
}
