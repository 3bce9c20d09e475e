//! `get_bin_seeds`: one seed per grid cell that holds enough points.

use crate::error::{MeanShiftError, Result};
use crate::matrix::Matrix;
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
    if !(bin_size.is_finite() && bin_size >= 0.0) {
        return Err(MeanShiftError::Parameter {
            name: "binSize",
            rule: "of getBinSeeds must be a finite float >= 0",
            got: bin_size.to_string(),
        });
    }
    x.require_non_empty("")?;
    let points = x.to_f64();
    if bin_size == 0.0 {
        return Ok(BinSeeds {
            seeds: points.into_owned(),
            warning: None,
        });
    }
    let dim = x.n_cols();
    let mut counts: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut first_seen: Vec<Vec<f64>> = Vec::new();
    for row in points.chunks_exact(dim) {
        let bin: Vec<f64> = row
            .iter()
            .map(|v| (v / bin_size).round_ties_even())
            .collect();
        // -0.0 and 0.0 are the same bin (as Python's tuple keys compare them).
        let key: Vec<u64> = bin.iter().map(|b| (b + 0.0).to_bits()).collect();
        let count = counts.entry(key).or_insert(0);
        if *count == 0 {
            first_seen.push(bin);
        }
        *count += 1;
    }
    let kept: Vec<&Vec<f64>> = first_seen
        .iter()
        .filter(|bin| {
            let key: Vec<u64> = bin.iter().map(|b| (b + 0.0).to_bits()).collect();
            counts.get(&key).is_some_and(|&c| c >= min_bin_freq)
        })
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
