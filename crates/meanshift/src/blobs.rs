//! `sklearn.datasets.make_blobs`, bit-identical for the same integer `random_state`.

use crate::error::{MeanShiftError, Result, TooLarge};
use crate::matrix::Matrix;
use crate::params::{make_blobs as rules, plain_number};
use crate::rng::RandomState;

/// How the blob centres are chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Centers {
    /// This many centres drawn uniformly in `center_box` (row by row).
    Count(usize),
    /// Explicit centres, row-major, `n_centers * n_features` values.
    Fixed { values: Vec<f64>, n_centers: usize },
}

/// Options of [`make_blobs`], scikit-learn's defaults in [`BlobsOptions::default`].
#[derive(Debug, Clone, PartialEq)]
pub struct BlobsOptions {
    pub n_samples: usize,
    /// Ignored when `centers` is [`Centers::Fixed`] (the centres' width wins).
    pub n_features: usize,
    pub centers: Centers,
    /// One standard deviation for all centres, or one per centre.
    pub cluster_std: Vec<f64>,
    pub center_box: (f64, f64),
    pub shuffle: bool,
    pub random_state: u32,
}

impl Default for BlobsOptions {
    fn default() -> Self {
        Self {
            n_samples: 100,
            n_features: 2,
            centers: Centers::Count(3),
            cluster_std: vec![1.0],
            center_box: (-10.0, 10.0),
            shuffle: true,
            random_state: 0,
        }
    }
}

/// Generated samples: `x` row-major `n_samples * n_features`, `y` the centre of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Blobs {
    pub x: Vec<f64>,
    pub y: Vec<i32>,
    pub n_samples: usize,
    pub n_features: usize,
    /// The centres used, row-major.
    pub centers: Vec<f64>,
}

/// The most values (`n_samples * n_features`, and `centers * n_features` for a count of random
/// centres) [`make_blobs`] generates: 2^28, 2 GiB of `f64`. Larger requests are an error before
/// anything is allocated, as an allocation failure would abort the process.
pub const MAX_BLOB_VALUES: usize = 1 << 28;

/// Draws isotropic Gaussian blobs exactly as scikit-learn does with a `RandomState`.
pub fn make_blobs(options: &BlobsOptions) -> Result<Blobs> {
    let (lo, hi) = options.center_box;
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        let [lo, hi] = [lo, hi].map(|v| plain_number(v, "inf"));
        return Err(rules::CENTER_BOX.broken_by(format!("[{lo}, {hi}]")));
    }
    let mut rng = RandomState::new(options.random_state);
    let (centers, n_centers, n_features) = match &options.centers {
        Centers::Count(k) => {
            rules::CENTERS.count_of(*k)?;
            rules::N_FEATURES.count_of(options.n_features)?;
            let count = k
                .checked_mul(options.n_features)
                .filter(|&count| count <= MAX_BLOB_VALUES)
                .ok_or_else(|| too_large("centers", *k, "centres", options.n_features))?;
            let values: Vec<f64> = (0..count).map(|_| rng.uniform(lo, hi)).collect();
            (values, *k, options.n_features)
        }
        Centers::Fixed { values, n_centers } => {
            let width = values.len().checked_div(*n_centers).unwrap_or(0);
            Matrix::from_f64("centers", values, *n_centers, width)?.require_non_empty(None)?;
            (values.clone(), *n_centers, values.len() / n_centers)
        }
    };
    let stds: Vec<f64> = match options.cluster_std.len() {
        1 => vec![options.cluster_std[0]; n_centers],
        len if len == n_centers => options.cluster_std.clone(),
        len => {
            return Err(
                rules::CLUSTER_STD_COUNT.broken_by(format!("{len} values for {n_centers} centres"))
            );
        }
    };
    for &std in &stds {
        rules::CLUSTER_STD.check(std)?;
    }
    let total = options
        .n_samples
        .checked_mul(n_features)
        .filter(|&total| total <= MAX_BLOB_VALUES)
        .ok_or_else(|| too_large("n_samples", options.n_samples, "samples", n_features))?;
    let mut x = Vec::new();
    x.try_reserve_exact(total)
        .map_err(|_| too_large("n_samples", options.n_samples, "samples", n_features))?;
    let mut y = Vec::with_capacity(options.n_samples);
    let base = options.n_samples / n_centers;
    let extra = options.n_samples % n_centers;
    for (i, std) in stds.iter().enumerate() {
        let count = base + usize::from(i < extra);
        let center = &centers[i * n_features..(i + 1) * n_features];
        for _ in 0..count {
            for &loc in center {
                x.push(rng.normal(loc, *std));
            }
            y.push(i as i32);
        }
    }
    if options.shuffle {
        let order = rng.permutation(options.n_samples);
        x = order
            .iter()
            .flat_map(|&r| x[r * n_features..(r + 1) * n_features].iter().copied())
            .collect();
        y = order.iter().map(|&r| y[r]).collect();
    }
    Ok(Blobs {
        x,
        y,
        n_samples: options.n_samples,
        n_features,
        centers,
    })
}

fn too_large(
    what: &'static str,
    count: usize,
    unit: &'static str,
    n_features: usize,
) -> MeanShiftError {
    MeanShiftError::TooLarge {
        what,
        why: TooLarge::Blobs {
            count,
            unit,
            n_features,
            max: MAX_BLOB_VALUES,
        },
    }
}
