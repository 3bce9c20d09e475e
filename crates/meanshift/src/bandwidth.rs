//! `estimate_bandwidth`: the mean distance of each sample to its k-th nearest neighbour.

use crate::error::{MeanShiftError, Result};
use crate::index::for_kth_distance;
use crate::matrix::Matrix;
use crate::numeric::numpy_sum;
use crate::observer::{Observer, Unobserved};
use crate::params::estimate_bandwidth as rules;
use crate::rng::RandomState;
use crate::weights::Weights;
use rayon::prelude::*;

/// Options of [`estimate_bandwidth`], scikit-learn's defaults in `Default`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandwidthOptions {
    /// In `[0, 1]`: `k = floor(rows * quantile)`, at least 1.
    pub quantile: f64,
    /// Use only this many rows, chosen by `RandomState(random_state).permutation`.
    pub n_samples: Option<usize>,
    pub random_state: u32,
}

impl Default for BandwidthOptions {
    fn default() -> Self {
        Self {
            quantile: 0.3,
            n_samples: None,
            random_state: 0,
        }
    }
}

/// Rows per batch in scikit-learn's loop; the sum is accumulated batch by batch.
const BATCH: usize = 500;
/// Rows handed to one parallel task.
const ROWS_PER_TASK: usize = 64;

/// Estimates the bandwidth as scikit-learn does: with `n_samples`, the first
/// `n_samples` rows of `RandomState(random_state).permutation(n)`; then for each
/// used row the distance to its `k`-th nearest used row (itself first, at 0),
/// averaged. Runs on the current rayon pool; the result does not depend on it.
///
/// This is quadratic-ish on all rows: pass `n_samples` for large inputs.
pub fn estimate_bandwidth(x: &Matrix, options: &BandwidthOptions) -> Result<f64> {
    estimate_bandwidth_observed(x, options, &Unobserved)
}

/// [`estimate_bandwidth`], stopping with [`MeanShiftError::Aborted`] when `observer` asks
/// (polled before each row's neighbour query). Reports no progress.
pub fn estimate_bandwidth_observed(
    x: &Matrix,
    options: &BandwidthOptions,
    observer: &dyn Observer,
) -> Result<f64> {
    estimate_bandwidth_weighted_observed(x, None, options, observer)
}

/// [`estimate_bandwidth_observed`] with a weight per row (`None`: all 1):
/// each row's `k`-th neighbour distance is the smallest distance within
/// which the neighbours weigh at least `k = quantile × total weight` (with
/// whole weights, `max(1, floor(quantile × total weight))`: scikit-learn's
/// `k` for the rows repeated), and the mean over rows is weighted. Integer
/// weights give the estimate of the rows repeated (to rounding).
pub fn estimate_bandwidth_weighted_observed(
    x: &Matrix,
    sample_weight: Option<&[f64]>,
    options: &BandwidthOptions,
    observer: &dyn Observer,
) -> Result<f64> {
    x.require_non_empty(None)?;
    rules::QUANTILE.check(options.quantile)?;
    if let Some(n) = options.n_samples {
        rules::N_SAMPLES.count_of(n)?;
    }
    let weights = match Weights::check(sample_weight, x.n_rows())? {
        Weights::Uniform(1.0) => None,
        _ => sample_weight,
    };
    let dim = x.n_cols();
    let all = x.to_f64()?;
    if let Some(weights) = weights {
        return weighted_estimate(&all, dim, weights, options, observer);
    }
    let points: std::borrow::Cow<[f64]> = match options.n_samples {
        None => all,
        Some(m) => {
            let rows = RandomState::new(options.random_state).permutation(x.n_rows());
            rows.iter()
                .take(m)
                .flat_map(|&r| all[r * dim..(r + 1) * dim].iter().copied())
                .collect::<Vec<_>>()
                .into()
        }
    };
    let m = points.len() / dim;
    let k = ((m as f64 * options.quantile) as usize).max(1);
    // Each row starts from the previous row's answer (which only speeds up a
    // search; the answers are exact, so the order is free).
    let index = for_kth_distance(&points, dim, k)?;
    let kth = points
        .par_chunks(dim * ROWS_PER_TASK)
        .map(|rows| {
            let mut hint = 0.0;
            let mut out = Vec::with_capacity(rows.len() / dim);
            for row in rows.chunks_exact(dim) {
                if observer.is_aborted() {
                    return None;
                }
                hint = index.kth_squared_distance(row, k, hint);
                out.push(hint.sqrt());
            }
            Some(out)
        })
        .collect::<Option<Vec<Vec<f64>>>>()
        .map(|chunks| chunks.concat())
        .ok_or(MeanShiftError::Aborted)?;
    let total = kth
        .chunks(BATCH)
        .fold(0.0, |acc, batch| acc + numpy_sum(batch));
    Ok(total / m as f64)
}

/// The weighted estimate on the scan (every pair's distance, sorted per row).
fn weighted_estimate(
    all: &[f64],
    dim: usize,
    weights: &[f64],
    options: &BandwidthOptions,
    observer: &dyn Observer,
) -> Result<f64> {
    let rows: Vec<usize> = match options.n_samples {
        None => (0..weights.len()).collect(),
        Some(m) => RandomState::new(options.random_state)
            .permutation(weights.len())
            .into_iter()
            .take(m)
            .collect(),
    };
    let total: f64 = rows.iter().map(|&r| weights[r]).sum();
    if total == 0.0 {
        return Err(MeanShiftError::Weight {
            problem: crate::error::WeightProblem::AllZero,
            row: None,
            value: 0.0,
        });
    }
    let whole = rows.iter().all(|&r| weights[r].fract() == 0.0);
    let k = if whole {
        (total * options.quantile).floor().max(1.0)
    } else {
        total * options.quantile
    };
    let row = |r: usize| &all[r * dim..(r + 1) * dim];
    let kth = rows
        .par_iter()
        .map_init(Vec::new, |near: &mut Vec<(f64, f64)>, &r| {
            if observer.is_aborted() {
                return None;
            }
            let q = row(r);
            near.clear();
            near.extend(rows.iter().map(|&o| {
                let d2 = row(o)
                    .iter()
                    .zip(q)
                    .fold(0.0, |acc, (p, q)| acc + (p - q) * (p - q));
                (d2, weights[o])
            }));
            near.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let mut reached = 0.0;
            let mut d2 = near.last().map_or(0.0, |n| n.0);
            for &(distance2, w) in near.iter() {
                reached += w;
                if reached >= k {
                    d2 = distance2;
                    break;
                }
            }
            Some(d2.sqrt())
        })
        .collect::<Option<Vec<f64>>>()
        .ok_or(MeanShiftError::Aborted)?;
    let sum: f64 = rows.iter().zip(&kth).map(|(&r, d)| weights[r] * d).sum();
    Ok(sum / total)
}
