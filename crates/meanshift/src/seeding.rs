//! `get_bin_seeds`: one seed per grid cell that holds enough points.

use crate::error::Result;
use crate::matrix::Matrix;
use crate::params::get_bin_seeds as rules;
use crate::weights::Weights;
use std::collections::HashMap;

/// The outcome of [`get_bin_seeds`].
#[derive(Debug, Clone, PartialEq)]
pub struct BinSeeds {
    /// Row-major seeds, `n_cols` values each.
    pub seeds: Vec<f64>,
    /// Set when binning kept one bin per point and the points themselves are returned
    /// (scikit-learn's "Binning data failed" warning).
    pub warning: Option<String>,
}

/// How the bin index is scaled back to a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedPrecision {
    /// scikit-learn stores the bins as float32 and, for a Python float bin size,
    /// multiplies in float32 (NumPy 2 promotion). What a user-given bandwidth gets.
    Float32,
    /// An estimated (NumPy float64) bin size multiplies in float64.
    Float64,
}

/// Bins every point to `round(x / bin_size)` per coordinate (half to even), counts
/// points per bin and returns `bin * bin_size` for each bin holding at least
/// `min_bin_freq` points, in order of first occurrence in `x`.
///
/// `bin_size == 0` returns `x` unchanged; so does a binning that keeps as many
/// bins as there are points, with a warning.
pub fn get_bin_seeds(
    x: &Matrix,
    bin_size: f64,
    min_bin_freq: usize,
    precision: SeedPrecision,
) -> Result<BinSeeds> {
    bin_seeds(x, bin_size, min_bin_freq, precision, Weights::Uniform(1.0))
}

/// [`get_bin_seeds`] with each point weighing its sample weight: a bin's
/// frequency is the sum of its points' weights.
pub(crate) fn bin_seeds(
    x: &Matrix,
    bin_size: f64,
    min_bin_freq: usize,
    precision: SeedPrecision,
    weights: Weights,
) -> Result<BinSeeds> {
    rules::BIN_SIZE.check(bin_size)?;
    rules::MIN_BIN_FREQ.count_of(min_bin_freq)?;
    x.require_non_empty(None)?;
    let points = x.to_f64()?;
    if bin_size == 0.0 {
        return Ok(BinSeeds {
            seeds: points.into_owned(),
            warning: None,
        });
    }
    let dim = x.n_cols();
    // Bin -> its slot in first-seen order; keys are the bins' bits with -0.0
    // folded into 0.0 (Python's equal tuples are one key). One key buffer is
    // reused, so only a new bin allocates.
    let mut slot_of: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut first_seen: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut bin = vec![0.0; dim];
    let mut key = vec![0u64; dim];
    for (r, row) in points.chunks_exact(dim).enumerate() {
        let weight = weights.of(r);
        for ((b, k), v) in bin.iter_mut().zip(key.iter_mut()).zip(row) {
            *b = (v / bin_size).round_ties_even();
            *k = (*b + 0.0).to_bits();
        }
        match slot_of.get(&key[..]) {
            Some(&slot) => first_seen[slot].1 += weight,
            None => {
                slot_of.insert(key.clone(), first_seen.len());
                first_seen.push((bin.clone(), weight));
            }
        }
    }
    let kept: Vec<&Vec<f64>> = first_seen
        .iter()
        .filter(|(_, frequency)| *frequency >= min_bin_freq as f64)
        .map(|(bin, _)| bin)
        .collect();
    if kept.len() == x.n_rows() {
        return Ok(BinSeeds {
            seeds: points.into_owned(),
            warning: Some(format!("Binning data failed with provided bin_size={bin_size:.6}, using data points as seeds.")),
        });
    }
    let seeds = kept
        .iter()
        .flat_map(|bin| {
            bin.iter().map(move |&b| match precision {
                SeedPrecision::Float32 => f64::from(b as f32 * bin_size as f32),
                SeedPrecision::Float64 => f64::from(b as f32) * bin_size,
            })
        })
        .collect();
    Ok(BinSeeds {
        seeds,
        warning: None,
    })
}
