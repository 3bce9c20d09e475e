//! `estimate_bandwidth`: the mean distance of each sample to its k-th nearest neighbour.

use crate::error::{MeanShiftError, Result};
use crate::index::for_kth_distance;
use crate::matrix::Matrix;
use crate::numeric::numpy_sum;
use crate::observer::{Observer, Unobserved};
use crate::params::estimate_bandwidth as rules;
use crate::rng::RandomState;
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
    x.require_non_empty(None)?;
    rules::QUANTILE.check(options.quantile)?;
    if let Some(n) = options.n_samples {
        rules::N_SAMPLES.count_of(n)?;
    }
    let dim = x.n_cols();
    let all = x.to_f64()?;
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
