//! JavaScript values in, core values out: matrices read in place and the options
//! objects converted in one place each, every value checked by the core's rule for
//! it (`meanshift::params`). Conversions fail with core errors; the exports map them
//! to JavaScript errors (`js_error`).

use crate::js_error::JsTerms;
use meanshift::params::{
    assign_labels, climb_seeds, estimate_bandwidth, get_bin_seeds, make_blobs, mean_shift,
};
use meanshift::{
    AttractorModel, BandwidthOptions, BlobsOptions, Centers, ClimbOptions, ClimbShard,
    ClusterAssignment, Elements, FitSeeds, Kernel, LabelOptions, Matrix, MeanShiftError,
    MeanShiftFit, MeanShiftOptions, Modes, Result,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A row-major matrix's values as JavaScript hands them over.
pub type Data = Either<Float64Array, Float32Array>;

/// The values of a [`Data`], borrowed.
pub(crate) fn elements(data: &Data) -> Elements<'_> {
    match data {
        Either::A(d) => Elements::F64(d),
        Either::B(d) => Elements::F32(d),
    }
}

/// A matrix over `elements` with a shape given as JavaScript numbers.
pub(crate) fn matrix<'a>(
    name: &'static str,
    elements: Elements<'a>,
    n_rows: f64,
    n_cols: f64,
) -> Result<Matrix<'a>> {
    let n_rows = Matrix::dimension(name, 0, n_rows)?;
    let n_cols = Matrix::dimension(name, 1, n_cols)?;
    Matrix::new(name, elements, n_rows, n_cols)
}

/// Options of `fit`, defaults filled in by the TypeScript layer. JavaScript sends
/// them as a tuple (`NativeFitOptions` in `loader-header.d.cts`, in this order):
/// reading an array's elements costs a fraction of reading named properties, for
/// which V8 looks every name up in its string table (a tenth of a 3-point fit).
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
    /// `'nearestCentroid'` (when absent) or `'attractor'`.
    pub cluster_assignment: Option<String>,
    pub kernel: String,
    pub kernel_cutoff: f64,
    /// One weight per row of X (`fit`'s second argument).
    pub sample_weight: Option<Float64Array>,
}

impl FromNapiValue for NativeFitOptions {
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        // SAFETY: napi-rs calls this with a value of `env`.
        let tuple = unsafe { Array::from_napi_value(env, value)? };
        Ok(Self {
            bandwidth: tuple_element(&tuple, 0)?,
            seeds: tuple_element(&tuple, 1)?,
            seeds_rows: tuple_element(&tuple, 2)?,
            bin_seeding: tuple_element(&tuple, 3)?,
            min_bin_freq: tuple_element(&tuple, 4)?,
            cluster_all: tuple_element(&tuple, 5)?,
            max_iter: tuple_element(&tuple, 6)?,
            n_jobs: tuple_element(&tuple, 7)?,
            cluster_assignment: tuple_element(&tuple, 8)?,
            kernel: tuple_element(&tuple, 9)?,
            kernel_cutoff: tuple_element(&tuple, 10)?,
            sample_weight: tuple_element(&tuple, 11)?,
        })
    }
}

/// Element `index` of a tuple the TypeScript layer built (every element present,
/// `undefined` for an absent option).
fn tuple_element<T: FromNapiValue>(tuple: &Array, index: u32) -> napi::Result<T> {
    tuple.get::<T>(index)?.ok_or_else(|| {
        napi::Error::new(
            napi::Status::InvalidArg,
            format!("the native options have no element {index}"),
        )
    })
}

/// A fitted model as JavaScript receives it, a tuple for the reason
/// [`NativeFitOptions`] is (`NativeFit` in `loader-header.d.cts`): the centres
/// (row-major), the labels, `nIter`, the bandwidth, how many seeds climbed
/// (attractor predictions climb on the same structure), and the warnings
/// (`undefined` when there are none).
pub type NativeFit<Centers, Labels> = (Centers, Labels, u32, f64, f64, Option<Vec<String>>);

/// The [`NativeFit`] of `model`, its centres and labels made JavaScript arrays by `arrays`.
pub fn native_fit<C, L>(
    model: MeanShiftFit,
    arrays: impl FnOnce(Vec<f64>, Vec<i32>) -> napi::Result<(C, L)>,
) -> napi::Result<NativeFit<C, L>> {
    let (n_iter, bandwidth, n_seeds) = (model.n_iter as u32, model.bandwidth, model.n_seeds as f64);
    let warnings = (!model.warnings.is_empty()).then_some(model.warnings);
    let (centers, labels) = arrays(model.cluster_centers, model.labels)?;
    Ok((centers, labels, n_iter, bandwidth, n_seeds, warnings))
}

/// [`NativeFitOptions`] checked, owning no JavaScript value (an async call keeps it).
pub(crate) struct FitSettings {
    bandwidth: Option<f64>,
    seeds_rows: Option<f64>,
    bin_seeding: bool,
    min_bin_freq: usize,
    cluster_all: bool,
    max_iter: usize,
    pub n_jobs: Option<i64>,
    cluster_assignment: ClusterAssignment,
    kernel: Kernel,
    kernel_cutoff: f64,
}

impl FitSettings {
    pub fn new(options: &NativeFitOptions) -> Result<Self> {
        Ok(Self {
            bandwidth: options
                .bandwidth
                .map(|b| mean_shift::BANDWIDTH.check(b))
                .transpose()?,
            seeds_rows: options.seeds.as_ref().and(options.seeds_rows),
            bin_seeding: options.bin_seeding,
            min_bin_freq: mean_shift::MIN_BIN_FREQ.count(options.min_bin_freq)?,
            cluster_all: options.cluster_all,
            max_iter: mean_shift::MAX_ITER.count(options.max_iter)?,
            n_jobs: n_jobs(&mean_shift::N_JOBS, options.n_jobs)?,
            cluster_assignment: cluster_assignment(options.cluster_assignment.as_deref())?,
            kernel: Kernel::parse(&options.kernel)?,
            kernel_cutoff: mean_shift::KERNEL_CUTOFF.check(options.kernel_cutoff)?,
        })
    }

    /// The core's options, with `seeds` (row-major, `n_cols` wide) and the
    /// sample weights attached.
    pub fn options<'a>(
        &self,
        seeds: Option<&'a [f64]>,
        sample_weight: Option<&'a [f64]>,
        n_cols: usize,
    ) -> Result<MeanShiftOptions<'a>> {
        let seeds = match (seeds, self.seeds_rows) {
            (Some(values), Some(rows)) => {
                let rows = Matrix::dimension("seeds", 0, rows)?;
                let cols = values.len().checked_div(rows).unwrap_or(n_cols);
                Some(Matrix::from_f64("seeds", values, rows, cols)?)
            }
            _ => None,
        };
        Ok(MeanShiftOptions {
            bandwidth: self.bandwidth,
            seeds,
            bin_seeding: self.bin_seeding,
            min_bin_freq: self.min_bin_freq,
            cluster_all: self.cluster_all,
            max_iter: self.max_iter,
            n_jobs: self.n_jobs,
            kernel: self.kernel,
            kernel_cutoff: self.kernel_cutoff,
            sample_weight,
            cluster_assignment: self.cluster_assignment,
        })
    }
}

/// `clusterAssignment`, spelled as JavaScript spells it, by the core's rule.
pub(crate) fn cluster_assignment(value: Option<&str>) -> Result<ClusterAssignment> {
    value.map_or(Ok(ClusterAssignment::default()), |v| {
        ClusterAssignment::parse(v, &JsTerms)
    })
}

/// What an attractor prediction needs of the fitted model besides the
/// training data and the centres (both passed as arrays).
#[napi(object)]
pub struct NativeAttractorOptions {
    pub bandwidth: f64,
    pub max_iter: f64,
    pub cluster_all: bool,
    pub n_seeds: f64,
    pub n_jobs: Option<f64>,
    pub kernel: String,
    pub kernel_cutoff: f64,
    /// The training rows' weights, when the fit had them.
    pub sample_weight: Option<Float64Array>,
}

impl NativeAttractorOptions {
    /// The core's model over `x` (the training data) and `centers`, checked.
    pub fn model<'a>(&'a self, x: Matrix<'a>, centers: &'a [f64]) -> Result<AttractorModel<'a>> {
        Ok(AttractorModel {
            x,
            cluster_centers: centers,
            bandwidth: self.bandwidth,
            max_iter: mean_shift::MAX_ITER.count(self.max_iter)?,
            cluster_all: self.cluster_all,
            n_seeds: Matrix::dimension("seeds", 0, self.n_seeds)?,
            kernel: Kernel::parse(&self.kernel)?,
            kernel_cutoff: mean_shift::KERNEL_CUTOFF.check(self.kernel_cutoff)?,
            sample_weight: self.sample_weight.as_deref(),
        })
    }
}

/// `nJobs`: `None`, or a whole non-zero number by `rule`.
pub(crate) fn n_jobs(rule: &'static meanshift::Rule, value: Option<f64>) -> Result<Option<i64>> {
    value.map(|v| rule.integer(v)).transpose()
}

/// `estimateBandwidth`'s options, checked, and the threads it runs on (the sync
/// call and its async twin take the same arguments).
pub(crate) fn bandwidth_settings(
    quantile: f64,
    n_samples: Option<f64>,
    random_state: f64,
    n_jobs: Option<f64>,
) -> Result<(BandwidthOptions, usize)> {
    let options = BandwidthOptions {
        quantile: estimate_bandwidth::QUANTILE.check(quantile)?,
        n_samples: n_samples
            .map(|n| estimate_bandwidth::N_SAMPLES.count(n))
            .transpose()?,
        random_state: estimate_bandwidth::RANDOM_STATE.count(random_state)? as u32,
    };
    let threads = meanshift::resolve_threads(self::n_jobs(&estimate_bandwidth::N_JOBS, n_jobs)?)?;
    Ok((options, threads))
}

/// `getBinSeeds`'s bin size and minimum count, checked.
pub(crate) fn bin_seeds_options(bin_size: f64, min_bin_freq: f64) -> Result<(f64, usize)> {
    Ok((
        get_bin_seeds::BIN_SIZE.check(bin_size)?,
        get_bin_seeds::MIN_BIN_FREQ.count(min_bin_freq)?,
    ))
}

#[napi(object)]
pub struct NativeBinSeeds {
    pub seeds: Float64Array,
    pub n_seeds: u32,
    pub warning: Option<String>,
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
    /// `[low, high]` (the TypeScript layer checks there are two numbers).
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

impl NativeBlobsOptions {
    /// The core's options, checked.
    pub fn to_core(&self) -> Result<BlobsOptions> {
        let centers = match (&self.centers, self.centers_rows, self.centers_count) {
            (Some(values), Some(rows), _) => Centers::Fixed {
                values: values.to_vec(),
                n_centers: Matrix::dimension("centers", 0, rows)?,
            },
            (_, _, Some(count)) => Centers::Count(make_blobs::CENTERS.count(count)?),
            _ => Centers::Count(3),
        };
        let center_box = match self.center_box[..] {
            [low, high] => (low, high),
            _ => return Err(make_blobs::CENTER_BOX.broken_by(format!("{:?}", self.center_box))),
        };
        Ok(BlobsOptions {
            n_samples: make_blobs::N_SAMPLES.count(self.n_samples)?,
            n_features: make_blobs::N_FEATURES.count(self.n_features)?,
            centers,
            cluster_std: self.cluster_std.clone(),
            center_box,
            shuffle: self.shuffle,
            random_state: make_blobs::RANDOM_STATE.count(self.random_state)? as u32,
        })
    }
}

/// `seedsFor`'s result: the seeds `fit` climbs (row-major) and its bandwidth.
#[napi(object)]
pub struct NativeSeeds {
    pub seeds: Float64Array,
    pub n_seeds: u32,
    pub n_features: u32,
    pub bandwidth: f64,
    pub warnings: Vec<String>,
}

impl From<FitSeeds> for NativeSeeds {
    fn from(seeds: FitSeeds) -> Self {
        NativeSeeds {
            n_seeds: seeds.n_seeds() as u32,
            n_features: seeds.n_features as u32,
            bandwidth: seeds.bandwidth,
            seeds: seeds.seeds.into(),
            warnings: seeds.warnings,
        }
    }
}

/// `climbSeeds`' options, types checked by the TypeScript layer.
#[napi(object)]
pub struct NativeClimbOptions {
    pub bandwidth: f64,
    pub max_iter: f64,
    pub first_seed: f64,
    pub total_seeds: Option<f64>,
    pub n_jobs: Option<f64>,
    pub kernel: String,
    pub kernel_cutoff: f64,
    pub sample_weight: Option<Float64Array>,
}

impl NativeClimbOptions {
    /// The core's options, each value checked by its rule, without the
    /// sample weights (which the caller attaches, borrowed or copied).
    pub fn to_core(&self) -> Result<ClimbOptions<'static>> {
        Ok(ClimbOptions {
            kernel: Kernel::parse(&self.kernel)?,
            kernel_cutoff: climb_seeds::KERNEL_CUTOFF.check(self.kernel_cutoff)?,
            sample_weight: None,
            bandwidth: climb_seeds::BANDWIDTH.check(self.bandwidth)?,
            max_iter: climb_seeds::MAX_ITER.count(self.max_iter)?,
            first_seed: climb_seeds::FIRST_SEED.count(self.first_seed)?,
            total_seeds: self
                .total_seeds
                .map(|t| climb_seeds::TOTAL_SEEDS.count(t))
                .transpose()?,
            n_jobs: n_jobs(&climb_seeds::N_JOBS, self.n_jobs)?,
        })
    }
}

/// The climbs of a run of seeds, as JavaScript holds them (`Climbs` in `src/shards.ts`).
#[napi(object)]
pub struct NativeClimbs {
    pub positions: Float64Array,
    /// Each climb's total pull (a count for the flat kernel without weights).
    pub intensities: Float64Array,
    pub n_iter: Uint32Array,
    pub n_features: u32,
    pub first_seed: f64,
}

impl From<ClimbShard> for NativeClimbs {
    fn from(shard: ClimbShard) -> Self {
        let counts = |v: Vec<usize>| -> Uint32Array {
            v.into_iter()
                .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect::<Vec<u32>>()
                .into()
        };
        NativeClimbs {
            n_features: shard.n_features as u32,
            first_seed: shard.first_seed as f64,
            positions: shard.positions.into(),
            intensities: shard.intensities.into(),
            n_iter: counts(shard.n_iter),
        }
    }
}

impl NativeClimbs {
    /// The core's shard (a copy: the core keeps counts as `usize`).
    pub fn to_core(&self) -> Result<ClimbShard> {
        let first_seed = climb_seeds::FIRST_SEED.count(self.first_seed)?;
        let n_features = self.n_features as usize;
        if n_features == 0 {
            return Err(MeanShiftError::Empty {
                matrix: "climbs",
                n_rows: self.intensities.len(),
                n_cols: 0,
                by: Some("merge_modes"),
            });
        }
        if self.positions.len() != self.intensities.len() * n_features {
            return Err(MeanShiftError::Shape {
                matrix: "climbs.positions",
                len: self.positions.len(),
                n_rows: self.intensities.len(),
                n_cols: n_features,
                expected: self.intensities.len().checked_mul(n_features),
            });
        }
        Ok(ClimbShard {
            first_seed,
            n_features,
            positions: self.positions.to_vec(),
            intensities: self.intensities.to_vec(),
            n_iter: self.n_iter.iter().map(|&c| c as usize).collect(),
        })
    }
}

/// `mergeModes`' result: the centres (row-major) and `nIter`.
#[napi(object)]
pub struct NativeModes {
    pub cluster_centers: Float64Array,
    pub n_clusters: u32,
    pub n_features: u32,
    pub n_iter: u32,
}

impl From<Modes> for NativeModes {
    fn from(modes: Modes) -> Self {
        NativeModes {
            n_clusters: modes.n_clusters() as u32,
            n_features: modes.n_features as u32,
            n_iter: modes.n_iter as u32,
            cluster_centers: modes.cluster_centers.into(),
        }
    }
}

/// `assignLabels`' options.
#[napi(object)]
pub struct NativeLabelOptions {
    pub cluster_all: bool,
    pub bandwidth: Option<f64>,
    pub n_jobs: Option<f64>,
}

impl NativeLabelOptions {
    pub fn to_core(&self) -> Result<LabelOptions> {
        Ok(LabelOptions {
            cluster_all: self.cluster_all,
            bandwidth: self
                .bandwidth
                .map(|b| assign_labels::BANDWIDTH.check(b))
                .transpose()?,
            n_jobs: n_jobs(&assign_labels::N_JOBS, self.n_jobs)?,
        })
    }
}
