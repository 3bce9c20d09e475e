//! The Node.js binding of the `meanshift` core. It only converts values and maps
//! errors: every algorithm and every rule lives in `crates/meanshift`.
//!
//! Matrices arrive as a flat `Float64Array` or `Float32Array` plus a shape, read
//! in place (no copy on the JavaScript side). Every export catches panics so
//! that nothing can unwind into Node.

// No unwrap/expect outside tests: a bad argument must become a JS error, never a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod async_tasks;

use meanshift::{
    BandwidthOptions, Centers, Elements, Matrix, MeanShiftError, MeanShiftFit, MeanShiftOptions,
    Observer, SeedPrecision, Unobserved,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Maps a core error to a JS error: `InvalidArg` for the caller's input and
/// options (the TypeScript layer turns it into a `RangeError`), otherwise a plain `Error`.
/// An abort (only the async tasks can be aborted) has status `Cancelled`: the
/// TypeScript layer turns it into an `AbortError`.
fn to_js_error(error: MeanShiftError) -> Error {
    let status = if error.is_invalid_argument() {
        Status::InvalidArg
    } else if error == MeanShiftError::Aborted {
        Status::Cancelled
    } else {
        Status::GenericFailure
    };
    Error::new(status, error.to_string())
}

fn invalid(message: String) -> Error {
    Error::new(Status::InvalidArg, message)
}

/// A non-negative whole number from a JS number, named in the error.
fn whole(name: &str, value: f64) -> Result<usize> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0
    {
        Ok(value as usize)
    } else {
        Err(invalid(format!(
            "The '{name}' parameter must be a non-negative integer. Got {value} instead."
        )))
    }
}

type Data = Either<Float64Array, Float32Array>;

fn matrix<'a>(name: &'static str, data: &'a Data, n_rows: f64, n_cols: f64) -> Result<Matrix<'a>> {
    let elements = match data {
        Either::A(d) => Elements::F64(d),
        Either::B(d) => Elements::F32(d),
    };
    Matrix::new(
        name,
        elements,
        whole("shape[0]", n_rows)?,
        whole("shape[1]", n_cols)?,
    )
    .map_err(to_js_error)
}

fn n_jobs(value: Option<f64>) -> Result<Option<i64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.fract() == 0.0 && v.abs() <= 1e9 => Ok(Some(v as i64)),
        Some(v) => Err(invalid(format!(
            "The 'nJobs' parameter must be an integer or null. Got {v} instead."
        ))),
    }
}

/// Options of `fit`, already defaulted by the TypeScript layer.
#[napi(object)]
pub struct NativeFitOptions {
    pub bandwidth: Option<f64>,
    /// Row-major seeds and their row count.
    pub seeds: Option<Float64Array>,
    pub seeds_rows: Option<f64>,
    pub bin_seeding: bool,
    pub min_bin_freq: f64,
    pub cluster_all: bool,
    pub max_iter: f64,
    pub n_jobs: Option<f64>,
}

/// A fitted model: centres row-major.
#[napi(object)]
pub struct NativeFit {
    pub cluster_centers: Float64Array,
    pub n_clusters: u32,
    pub n_features: u32,
    pub labels: Int32Array,
    pub n_iter: u32,
    pub bandwidth: f64,
    pub warnings: Vec<String>,
}

/// `NativeFitOptions` checked and converted, seeds still to be attached.
struct FitSettings {
    bandwidth: Option<f64>,
    seeds_rows: Option<usize>,
    bin_seeding: bool,
    min_bin_freq: usize,
    cluster_all: bool,
    max_iter: usize,
    n_jobs: Option<i64>,
}

impl FitSettings {
    fn new(options: &NativeFitOptions) -> Result<Self> {
        Ok(Self {
            bandwidth: options.bandwidth,
            seeds_rows: match (&options.seeds, options.seeds_rows) {
                (Some(_), Some(rows)) => Some(whole("seeds rows", rows)?),
                _ => None,
            },
            bin_seeding: options.bin_seeding,
            min_bin_freq: whole("minBinFreq", options.min_bin_freq)?,
            cluster_all: options.cluster_all,
            max_iter: whole("maxIter", options.max_iter)?,
            n_jobs: n_jobs(options.n_jobs)?,
        })
    }

    /// Runs the core's fit on `x` with these settings and `seeds` (row-major).
    fn fit(
        &self,
        x: &Matrix,
        seeds: Option<&[f64]>,
        observer: &dyn Observer,
    ) -> Result<MeanShiftFit> {
        let seeds = match (seeds, self.seeds_rows) {
            (Some(seeds), Some(rows)) => {
                let cols = seeds.len().checked_div(rows).unwrap_or(x.n_cols());
                Some(Matrix::from_f64("seeds", seeds, rows, cols).map_err(to_js_error)?)
            }
            _ => None,
        };
        let options = MeanShiftOptions {
            bandwidth: self.bandwidth,
            seeds,
            bin_seeding: self.bin_seeding,
            min_bin_freq: self.min_bin_freq,
            cluster_all: self.cluster_all,
            max_iter: self.max_iter,
            n_jobs: self.n_jobs,
        };
        meanshift::fit_observed(x, &options, observer).map_err(to_js_error)
    }
}

impl From<MeanShiftFit> for NativeFit {
    fn from(model: MeanShiftFit) -> Self {
        NativeFit {
            n_clusters: model.n_clusters() as u32,
            n_features: model.n_features as u32,
            n_iter: model.n_iter as u32,
            bandwidth: model.bandwidth,
            cluster_centers: model.cluster_centers.into(),
            labels: model.labels.into(),
            warnings: model.warnings,
        }
    }
}

#[napi(catch_unwind)]
pub fn fit(data: Data, n_rows: f64, n_cols: f64, options: NativeFitOptions) -> Result<NativeFit> {
    let x = matrix("X", &data, n_rows, n_cols)?;
    let settings = FitSettings::new(&options)?;
    let seeds = options.seeds.as_deref();
    Ok(settings.fit(&x, seeds, &Unobserved)?.into())
}

#[napi(catch_unwind)]
pub fn predict(
    data: Data,
    n_rows: f64,
    n_cols: f64,
    centers: Float64Array,
    n_jobs_option: Option<f64>,
) -> Result<Int32Array> {
    let x = matrix("X", &data, n_rows, n_cols)?;
    let n_features = x.n_cols();
    let labels = meanshift::predict(&x, &centers, n_features, n_jobs(n_jobs_option)?)
        .map_err(to_js_error)?;
    Ok(labels.into())
}

#[napi(catch_unwind)]
pub fn estimate_bandwidth(
    data: Data,
    n_rows: f64,
    n_cols: f64,
    quantile: f64,
    n_samples: Option<f64>,
    random_state: f64,
    n_jobs_option: Option<f64>,
) -> Result<f64> {
    let x = matrix("X", &data, n_rows, n_cols)?;
    let options = bandwidth_options(n_samples, random_state, quantile)?;
    bandwidth_on_threads(&x, &options, n_jobs(n_jobs_option)?, &Unobserved)
}

fn bandwidth_options(
    n_samples: Option<f64>,
    random_state: f64,
    quantile: f64,
) -> Result<BandwidthOptions> {
    Ok(BandwidthOptions {
        quantile,
        n_samples: n_samples.map(|n| whole("nSamples", n)).transpose()?,
        random_state: seed(random_state)?,
    })
}

/// `estimate_bandwidth` on the pool of `n_jobs` threads.
fn bandwidth_on_threads(
    x: &Matrix,
    options: &BandwidthOptions,
    n_jobs: Option<i64>,
    observer: &dyn Observer,
) -> Result<f64> {
    let threads = meanshift::resolve_threads(n_jobs).map_err(to_js_error)?;
    meanshift::with_threads(threads, || {
        meanshift::estimate_bandwidth_observed(x, options, observer)
    })
    .and_then(|r| r)
    .map_err(to_js_error)
}

fn seed(value: f64) -> Result<u32> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&value) {
        Ok(value as u32)
    } else {
        Err(invalid(format!(
            "The 'randomState' parameter must be an integer in the range [0, 4294967295]. Got {value} instead."
        )))
    }
}

#[napi(object)]
pub struct NativeBinSeeds {
    pub seeds: Float64Array,
    pub n_seeds: u32,
    pub warning: Option<String>,
}

#[napi(catch_unwind)]
pub fn get_bin_seeds(
    data: Data,
    n_rows: f64,
    n_cols: f64,
    bin_size: f64,
    min_bin_freq: f64,
) -> Result<NativeBinSeeds> {
    let x = matrix("X", &data, n_rows, n_cols)?;
    let binned = meanshift::get_bin_seeds(
        &x,
        bin_size,
        whole("minBinFreq", min_bin_freq)?,
        SeedPrecision::Float32,
    )
    .map_err(to_js_error)?;
    Ok(NativeBinSeeds {
        n_seeds: (binned.seeds.len() / x.n_cols().max(1)) as u32,
        seeds: binned.seeds.into(),
        warning: binned.warning,
    })
}

#[napi(object)]
pub struct NativeBlobsOptions {
    pub n_samples: f64,
    pub n_features: f64,
    /// A count of random centres, or explicit centres (row-major) with `centersRows`.
    pub centers_count: Option<f64>,
    pub centers: Option<Float64Array>,
    pub centers_rows: Option<f64>,
    pub cluster_std: Vec<f64>,
    pub center_box: Vec<f64>,
    pub shuffle: bool,
    pub random_state: f64,
}

#[napi(object)]
pub struct NativeBlobs {
    pub x: Float64Array,
    pub y: Int32Array,
    pub n_samples: u32,
    pub n_features: u32,
}

#[napi(catch_unwind)]
pub fn make_blobs(options: NativeBlobsOptions) -> Result<NativeBlobs> {
    let centers = match (
        &options.centers,
        options.centers_rows,
        options.centers_count,
    ) {
        (Some(values), Some(rows), _) => Centers::Fixed {
            values: values.to_vec(),
            n_centers: whole("centers", rows)?,
        },
        (_, _, Some(count)) => Centers::Count(whole("centers", count)?),
        _ => Centers::Count(3),
    };
    let [low, high] = options.center_box[..] else {
        return Err(invalid(
            "The 'centerBox' parameter must be [low, high].".into(),
        ));
    };
    let blobs = meanshift::make_blobs(&meanshift::BlobsOptions {
        n_samples: whole("nSamples", options.n_samples)?,
        n_features: whole("nFeatures", options.n_features)?,
        centers,
        cluster_std: options.cluster_std,
        center_box: (low, high),
        shuffle: options.shuffle,
        random_state: seed(options.random_state)?,
    })
    .map_err(to_js_error)?;
    Ok(NativeBlobs {
        n_samples: blobs.n_samples as u32,
        n_features: blobs.n_features as u32,
        x: blobs.x.into(),
        y: blobs.y.into(),
    })
}
