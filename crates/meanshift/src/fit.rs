//! `MeanShift.fit` and `predict`, as the algorithm reads: the bandwidth, the
//! seeds, a climb from every seed ([`crate::climb`], or [`crate::rounds`] in
//! lock-step), the modes merged ([`crate::merge`]), every point labelled with
//! its nearest centre ([`crate::label`]) or by its own climb's mode
//! ([`crate::attractor`]).

use crate::attractor::{attractor_labels, sample_climbs};
use crate::bandwidth::{estimate_bandwidth_weighted_observed, BandwidthOptions};
use crate::climb::{climb_each, Climbs};
use crate::error::{MeanShiftError, Result};
use crate::index::{for_climbs, ClimbIndex, ClimbKind};
use crate::kernel::Kernel;
use crate::label::assign_labels;
use crate::lockstep::climb_in_lockstep;
use crate::matrix::Matrix;
use crate::merge::{modes_by_intensity, suppress_near_duplicates};
use crate::observer::{Observer, Unobserved};
use crate::params::mean_shift as rules;
use crate::rounds::{climb_in_parts, climb_in_rounds};
use crate::seeding::{bin_seeds, SeedPrecision};
use crate::threads::{
    cores, on_calling_thread, resolve_threads, with_helpers, with_threads, Helpers,
};
use crate::weights::Weights;
use std::borrow::Cow;
use std::sync::Arc;

/// `MeanShift`'s parameters, with scikit-learn's defaults in `Default`.
#[derive(Debug, Clone, Copy)]
pub struct MeanShiftOptions<'a> {
    /// `None`: [`crate::estimate_bandwidth`] on all samples (quantile 0.3).
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
    /// How the points within reach pull a climb step ([`Kernel::Flat`]: scikit-learn's).
    pub kernel: Kernel,
    /// The Gaussian kernel's reach, in bandwidths.
    pub kernel_cutoff: f64,
    /// One weight per row of X (finite, >= 0, not all 0); `None`: all 1.
    pub sample_weight: Option<&'a [f64]>,
    /// How samples get their label.
    pub cluster_assignment: ClusterAssignment,
}

/// How `fit` labels the samples (and `predict` new points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClusterAssignment {
    /// scikit-learn's: the nearest cluster centre.
    #[default]
    NearestCentroid,
    /// The centre of the mode the sample's own climb reaches (see
    /// [`crate::attractor`] for the law); samples climb even when the seeds
    /// are bins or given.
    Attractor,
}

impl ClusterAssignment {
    /// The value `name` (the core's spelling, one of
    /// [`crate::params::mean_shift::CLUSTER_ASSIGNMENT`]'s) stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "nearest_centroid" => Some(Self::NearestCentroid),
            "attractor" => Some(Self::Attractor),
            _ => None,
        }
    }

    /// The value `value` spells in the caller's `terms`, by the rule.
    pub fn parse(value: &str, terms: &dyn crate::rule::Terms) -> Result<Self> {
        let name = rules::CLUSTER_ASSIGNMENT.one_of(value, terms)?;
        Self::from_name(name).ok_or_else(|| rules::CLUSTER_ASSIGNMENT.broken_by(value.into()))
    }
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
            kernel: Kernel::Flat,
            kernel_cutoff: 3.0,
            sample_weight: None,
            cluster_assignment: ClusterAssignment::NearestCentroid,
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
    /// How many seeds climbed: the climbs' query structure depends on it, so
    /// [`predict_attractors`] climbs on the same one.
    pub n_seeds: usize,
    /// Warnings scikit-learn would emit (e.g. bin seeding fell back to the data).
    pub warnings: Vec<String>,
}

impl MeanShiftFit {
    pub fn n_clusters(&self) -> usize {
        self.cluster_centers.len() / self.n_features.max(1)
    }
}

/// Checks `x` and the options against [`crate::params::mean_shift`]'s rules;
/// returns the checked sample weights.
pub(crate) fn validate<'a>(x: &Matrix, options: &MeanShiftOptions<'a>) -> Result<Weights<'a>> {
    x.require_non_empty(Some("MeanShift"))?;
    if let Some(b) = options.bandwidth {
        rules::BANDWIDTH.check(b)?;
    }
    rules::MIN_BIN_FREQ.count_of(options.min_bin_freq)?;
    rules::MAX_ITER.count_of(options.max_iter)?;
    rules::KERNEL_CUTOFF.check(options.kernel_cutoff)?;
    let weights = Weights::check(options.sample_weight, x.n_rows())?;
    if let Some(seeds) = &options.seeds {
        if seeds.n_rows() == 0 {
            return Err(rules::SEEDS.broken_by("0 rows".into()));
        }
        if seeds.n_cols() != x.n_cols() {
            return Err(MeanShiftError::Features {
                matrix: seeds.name(),
                got: seeds.n_cols(),
                expected: x.n_cols(),
                by: "MeanShift",
            });
        }
    }
    Ok(weights)
}

/// Fits mean shift to `x` with scikit-learn's semantics. The climbs run in
/// parallel on `n_jobs` threads; the result is the same for any thread count.
pub fn fit(x: &Matrix, options: &MeanShiftOptions) -> Result<MeanShiftFit> {
    fit_with(x, options, &Unobserved, Parts::Allowed)
}

/// [`fit`], reporting the climbs' progress to `observer` and stopping with
/// [`MeanShiftError::Aborted`] as soon as it asks (checked before every climb).
pub fn fit_observed(
    x: &Matrix,
    options: &MeanShiftOptions,
    observer: &dyn Observer,
) -> Result<MeanShiftFit> {
    fit_with(x, options, observer, Parts::One)
}

/// Whether a small fit's climbs may run in parts on several threads
/// ([`climb_in_parts`]): only unobserved (progress counts one set of rounds).
#[derive(Clone, Copy, PartialEq)]
enum Parts {
    Allowed,
    One,
}

fn fit_with(
    x: &Matrix,
    options: &MeanShiftOptions,
    observer: &dyn Observer,
    parts: Parts,
) -> Result<MeanShiftFit> {
    let weights = validate(x, options)?;
    let threads = resolve_threads(options.n_jobs)?;
    if !is_small(x, options) {
        return with_threads(threads, || {
            fit_on_current_pool(x, options, weights, observer, None)
        })?;
    }
    // No more parts than cores: a small fit gains nothing from more threads.
    let helpers = threads.min(cores()) - 1;
    if parts == Parts::Allowed && helpers > 0 && likely_in_parts(x, options) {
        // Whether the helpers serve is known once the seeds are (`climb_all`).
        return with_helpers(helpers, |helpers| {
            fit_on_current_pool(x, options, weights, observer, Some(helpers))
        })?;
    }
    on_calling_thread(|| fit_on_current_pool(x, options, weights, observer, None))?
}

/// Whether a small fit's climbs will likely run in parts ([`climb_all`] decides),
/// so that helpers are leased (a pool built the first time) only then: 2-D,
/// the flat kernel, and enough terms with every point or the given seeds as
/// seeds (bin seeds are too few).
fn likely_in_parts(x: &Matrix, options: &MeanShiftOptions) -> bool {
    let seeds = match (&options.seeds, options.bin_seeding) {
        (Some(seeds), _) => seeds.n_rows(),
        (None, true) => return false,
        (None, false) => x.n_rows(),
    };
    x.n_cols() == 2 && options.kernel == Kernel::Flat && parts_pay(x.n_rows(), seeds)
}

/// Whether a small 2-D fit of `points` and `seeds` climbs in parts: from
/// 100,000 distance terms ([`fit_terms`]); below, the hand-off to the helpers
/// and back costs more than they save. Two threads break even at about 170
/// points, every point a seed (back to back); 1,000 points take 335 µs on two
/// against 520 µs on one (`examples/small_fits.rs`).
fn parts_pay(points: usize, seeds: usize) -> bool {
    fit_terms(points, 2, Some(seeds)) >= 100_000
}

/// Up to this many distance terms ([`fit_terms`]) a fit runs on the calling
/// thread: below it, waking a pool and waiting for it costs more than the
/// second thread saves. 1,000 2-D points, every point a seed, since the block
/// scan made them half a millisecond of work: on the calling thread 533–539 µs
/// against 494–595 µs on two threads back to back, 605–619 against 641–731 µs
/// after the thread ran other JavaScript; 2,000 points 2.04 against 1.53 ms back
/// to back, so the pool stays above (`node bench/pool-or-calling-thread.mjs`,
/// three runs before this bound). The same bound as an async fit's pool of one
/// ([`ONE_THREAD_TERMS`]).
pub const CALLING_THREAD_TERMS: usize = ONE_THREAD_TERMS;

/// Up to this many distance terms an async fit in the Node binding runs on a
/// pool of one: with many calls in flight, two such fits at once on two cores
/// do more than one fit on both (1,000 2-D points, every point a seed).
pub const ONE_THREAD_TERMS: usize = 2_000_000;

/// Whether a fit of `x` is small enough to run on the calling thread.
fn is_small(x: &Matrix, options: &MeanShiftOptions) -> bool {
    let seeds = options.seeds.as_ref().map(Matrix::n_rows);
    fit_terms(x.n_rows(), x.n_cols(), seeds) <= CALLING_THREAD_TERMS
}

/// A bound on a fit's work, in distance terms: points × seeds × features, for
/// `n_rows` × `n_cols` data and `seeds` given seeds (`None`: bins or every
/// point, counted as every point).
pub fn fit_terms(n_rows: usize, n_cols: usize, seeds: Option<usize>) -> usize {
    n_rows
        .saturating_mul(seeds.unwrap_or(n_rows))
        .saturating_mul(n_cols)
}

fn fit_on_current_pool(
    x: &Matrix,
    options: &MeanShiftOptions,
    weights: Weights,
    observer: &dyn Observer,
    helpers: Option<&Helpers>,
) -> Result<MeanShiftFit> {
    let dim = x.n_cols();
    let points = x.to_f64()?;
    let mut warnings = Vec::new();
    let (bandwidth, seeds) =
        bandwidth_and_seeds(x, &points, options, weights, observer, &mut warnings)?;
    let n_seeds = seeds.len() / dim;
    let attractor = options.cluster_assignment == ClusterAssignment::Attractor;
    let samples = match attractor {
        true => Some(sample_climbs(&points, &seeds, dim)?),
        false => None,
    };
    // The samples' own climbs (if any) come after the seeds', on the structure
    // for the seeds alone: the seeds climb to the same bits either way.
    let starts = match &samples {
        Some(samples) if !samples.extra.is_empty() => {
            Cow::Owned([&seeds[..], &samples.extra].concat())
        }
        _ => Cow::Borrowed(&seeds[..]),
    };
    let settings = ClimbSettings::of(options, bandwidth, weights);
    let climbs = climb_all(&points, &starts, n_seeds, dim, &settings, observer, helpers)?;
    let n_iter = climbs.completed[..n_seeds]
        .iter()
        .copied()
        .max()
        .unwrap_or(0);
    let ends = (0..n_seeds).map(|seed| (climbs.position(seed), climbs.intensities[seed]));
    let cluster_centers = merge_ends(dim, bandwidth, ends)?;
    let labels = match samples {
        Some(samples) => attractor_labels(
            &climbs,
            samples.climb_of.as_deref(),
            points.len() / dim,
            &cluster_centers,
            bandwidth,
            options.cluster_all,
        )?,
        None => assign_labels(
            &points,
            &cluster_centers,
            dim,
            orphan_radius(options.cluster_all, bandwidth),
        )?,
    };
    Ok(MeanShiftFit {
        cluster_centers,
        n_features: dim,
        labels,
        n_iter,
        bandwidth,
        n_seeds,
        warnings,
    })
}

/// The bandwidth (given, or estimated as scikit-learn does) and the seeds the
/// climbs start from (see [`seeds`]).
pub(crate) fn bandwidth_and_seeds<'a>(
    x: &Matrix<'a>,
    points: &'a [f64],
    options: &MeanShiftOptions<'a>,
    weights: Weights<'a>,
    observer: &dyn Observer,
    warnings: &mut Vec<String>,
) -> Result<(f64, Cow<'a, [f64]>)> {
    let (bandwidth, precision) = match options.bandwidth {
        Some(b) => (b, SeedPrecision::Float32),
        None => (
            estimate_bandwidth_weighted_observed(
                x,
                options.sample_weight,
                &BandwidthOptions::default(),
                observer,
            )?,
            SeedPrecision::Float64,
        ),
    };
    let seeds = seeds(x, points, options, weights, bandwidth, precision, warnings)?;
    Ok((bandwidth, seeds))
}

/// The cluster centres (row-major) from the climbs' ends `(position,
/// intensity)` in seed order: modes by intensity, near-duplicates suppressed.
pub(crate) fn merge_ends<'a>(
    dim: usize,
    bandwidth: f64,
    ends: impl Iterator<Item = (&'a [f64], f64)>,
) -> Result<Vec<f64>> {
    let modes = modes_by_intensity(dim, ends);
    if modes.is_empty() {
        return Err(MeanShiftError::NoPointWithinBandwidth { bandwidth });
    }
    suppress_near_duplicates(&modes, dim, bandwidth)
}

/// How far from every centre a point becomes an orphan (`-1`): never when
/// `cluster_all`, else farther than the bandwidth.
pub(crate) fn orphan_radius(cluster_all: bool, bandwidth: f64) -> Option<f64> {
    (!cluster_all).then_some(bandwidth)
}

/// Where the climbs start: the given seeds, one per bin that weighs at least
/// `min_bin_freq`, or every point (of positive weight: a row of weight 0 is
/// as if it were absent, as a row repeated 0 times).
fn seeds<'a>(
    x: &Matrix<'a>,
    points: &'a [f64],
    options: &MeanShiftOptions<'a>,
    weights: Weights,
    bandwidth: f64,
    precision: SeedPrecision,
    warnings: &mut Vec<String>,
) -> Result<Cow<'a, [f64]>> {
    Ok(match (&options.seeds, options.bin_seeding) {
        (Some(seeds), _) => seeds.to_f64()?,
        (None, true) => {
            let binned = bin_seeds(x, bandwidth, options.min_bin_freq, precision, weights)?;
            warnings.extend(binned.warning);
            if binned.seeds.is_empty() {
                return Err(MeanShiftError::NoBinSeeds {
                    bin_size: bandwidth,
                    min_bin_freq: options.min_bin_freq,
                });
            }
            binned.seeds.into()
        }
        (None, false) => match weights.varying() {
            None => Cow::Borrowed(points),
            Some(w) => Cow::Owned(
                points
                    .chunks_exact(x.n_cols())
                    .zip(w)
                    .filter(|(_, &w)| w > 0.0)
                    .flat_map(|(row, _)| row.iter().copied())
                    .collect(),
            ),
        },
    })
}

/// What every climb of a fit shares: the bandwidth, the iterations, the kernel
/// and the points' weights.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClimbSettings<'w> {
    pub bandwidth: f64,
    pub max_iter: usize,
    pub kernel: Kernel,
    pub kernel_cutoff: f64,
    pub weights: Weights<'w>,
}

impl<'w> ClimbSettings<'w> {
    pub fn of(options: &MeanShiftOptions, bandwidth: f64, weights: Weights<'w>) -> Self {
        Self {
            bandwidth,
            max_iter: options.max_iter,
            kernel: options.kernel,
            kernel_cutoff: options.kernel_cutoff,
            weights,
        }
    }
}

/// Every seed's climb, in seed order, on the structure [`crate::index`] selects
/// for a fit of `total_seeds` seeds (the ones here, or a run of them): in
/// lock-step rounds on the band index or on the ball tree (the same bits as
/// one climb per seed there), or one climb per seed. The structures
/// find the same points but round their sums differently, so a run of seeds
/// climbs to `fit`'s bits only on the structure of the whole fit.
///
/// Uniform weights climb as none (the weighted mean is the mean), their
/// intensities then scaled by the weight.
pub(crate) fn climb_all(
    points: &[f64],
    seeds: &[f64],
    total_seeds: usize,
    dim: usize,
    settings: &ClimbSettings,
    observer: &dyn Observer,
    helpers: Option<&Helpers>,
) -> Result<Climbs> {
    let &ClimbSettings {
        bandwidth,
        max_iter,
        kernel,
        kernel_cutoff,
        weights,
    } = settings;
    let kind = ClimbKind {
        bandwidth,
        kernel,
        cutoff: kernel_cutoff,
        weights: weights.varying(),
    };
    let building = std::time::Instant::now();
    let mut climbs = match for_climbs(points, dim, total_seeds, &kind)? {
        ClimbIndex::Bands(bands) => match helpers {
            Some(helpers) if parts_pay(points.len() / 2, seeds.len() / 2) => {
                // Shared with the helpers' parts, which own what they use.
                let bands = Arc::from(bands);
                Some(climb_in_parts(seeds, &bands, bandwidth, max_iter, helpers))
            }
            _ => climb_in_rounds(seeds, &bands, bandwidth, max_iter, observer),
        },
        ClimbIndex::Lockstep(steps) => climb_in_lockstep(
            seeds,
            dim,
            steps.as_ref(),
            (bandwidth, max_iter),
            building.elapsed(),
            observer,
        ),
        ClimbIndex::Steps(steps) => {
            let build = building.elapsed();
            climb_each(
                seeds,
                dim,
                steps.as_ref(),
                (bandwidth, max_iter),
                build,
                observer,
            )
        }
    }
    .ok_or(MeanShiftError::Aborted)?;
    climbs.scale_intensities(weights.intensity_scale());
    Ok(climbs)
}

/// Row-major points and centres, each borrowed when already float64.
type PointsAndCenters<'a> = (Cow<'a, [f64]>, Cow<'a, [f64]>);

/// The rows of `x` and the fitted `centers` (row-major, `n_features` each),
/// checked as `predict` checks them: neither empty, the same width.
fn checked_for_predict<'a>(
    x: &'a Matrix,
    centers: &'a [f64],
    n_features: usize,
) -> Result<PointsAndCenters<'a>> {
    x.require_non_empty(Some("MeanShift"))?;
    let centers = Matrix::from_f64(
        "cluster_centers",
        centers,
        centers.len() / n_features.max(1),
        n_features,
    )?;
    centers.require_non_empty(Some("MeanShift"))?;
    if x.n_cols() != n_features {
        return Err(MeanShiftError::Features {
            matrix: x.name(),
            got: x.n_cols(),
            expected: n_features,
            by: "MeanShift",
        });
    }
    Ok((x.to_f64()?, centers.to_f64()?))
}

/// `MeanShift.predict`: the nearest of `centers` (row-major) for every row of
/// `x`, lowest index on ties, never `-1`.
pub fn predict(
    x: &Matrix,
    centers: &[f64],
    n_features: usize,
    n_jobs: Option<i64>,
) -> Result<Vec<i32>> {
    let (points, centers) = checked_for_predict(x, centers, n_features)?;
    let threads = resolve_threads(n_jobs)?;
    with_threads(threads, || {
        assign_labels(&points, &centers, n_features, None)
    })?
}

/// What [`predict_attractors`] needs of a fitted model besides its centres.
#[derive(Debug, Clone, Copy)]
pub struct AttractorModel<'a> {
    /// The training data the new points climb over.
    pub x: Matrix<'a>,
    /// Row-major, `x.n_cols()` values per centre (`MeanShiftFit::cluster_centers`).
    pub cluster_centers: &'a [f64],
    /// The fit's bandwidth, `max_iter`, `cluster_all` and seed count.
    pub bandwidth: f64,
    pub max_iter: usize,
    pub cluster_all: bool,
    pub n_seeds: usize,
    /// The fit's kernel, its cutoff and the training rows' weights: a new
    /// point climbs as a seed of that fit would.
    pub kernel: Kernel,
    pub kernel_cutoff: f64,
    pub sample_weight: Option<&'a [f64]>,
}

/// `MeanShift.predict` with [`ClusterAssignment::Attractor`]: every row of `x`
/// climbs over the training data as the fit's seeds did (on the same
/// structure, so a training sample gets its fit label) and is labelled by the
/// law of [`crate::attractor`]; `-1` only when `cluster_all` is false.
pub fn predict_attractors(
    x: &Matrix,
    model: &AttractorModel,
    n_jobs: Option<i64>,
) -> Result<Vec<i32>> {
    model.x.require_non_empty(Some("MeanShift"))?;
    let dim = model.x.n_cols();
    // The bandwidth is the fit's (an estimate may be 0), not the caller's.
    rules::MAX_ITER.count_of(model.max_iter)?;
    rules::KERNEL_CUTOFF.check(model.kernel_cutoff)?;
    let weights = Weights::check(model.sample_weight, model.x.n_rows())?;
    let (points, centers) = checked_for_predict(x, model.cluster_centers, dim)?;
    let training = model.x.to_f64()?;
    let threads = resolve_threads(n_jobs)?;
    with_threads(threads, || {
        let settings = ClimbSettings {
            bandwidth: model.bandwidth,
            max_iter: model.max_iter,
            kernel: model.kernel,
            kernel_cutoff: model.kernel_cutoff,
            weights,
        };
        let climbs = climb_all(
            &training,
            &points,
            model.n_seeds,
            dim,
            &settings,
            &Unobserved,
            None,
        )?;
        attractor_labels(
            &climbs,
            None,
            x.n_rows(),
            &centers,
            model.bandwidth,
            model.cluster_all,
        )
    })?
}
