//! The fit split so that it can run on many machines, exactly. Mean shift
//! separates into a map, a reduce and a map:
//!
//! 1. [`seeds_for`]: the bandwidth and the seeds [`crate::fit`] would use;
//! 2. [`climb_seeds`]: the climbs of any run of consecutive seeds. A climb
//!    depends only on its seed, the data, the options and the query structure
//!    it climbs on; the structures find the same points but round their sums
//!    differently (the 2-D band index sums exactly, the sum tree in floating
//!    point), so a run is told how many seeds the whole fit has
//!    ([`ClimbOptions::total_seeds`]) and climbs on the structure `fit` picks
//!    for that many: then it climbs to the same bits alone as inside the fit;
//! 3. [`merge_modes`]: the centres from the climbs of all runs, in any order
//!    (each run carries the index of its first seed, and the runs are put back
//!    in seed order before merging, so even the rare case that depends on seed
//!    order — two seeds ending at the same position bit for bit with different
//!    counts, where the later seed's count wins as in scikit-learn's dict — is
//!    decided as `fit` decides it);
//! 4. [`assign_labels`]: the labels of any rows, given the centres.
//!
//! `fit` is written with the same functions (`bandwidth_and_seeds`,
//! `climb_all`, `merge_ends`, `orphan_radius`), so composed in this order they
//! give its result bit for bit.

use crate::climb::Climbs;
use crate::error::{MeanShiftError, Result};
use crate::fit::{
    bandwidth_and_seeds, climb_all, merge_ends, orphan_radius, validate, ClimbSettings,
    MeanShiftOptions,
};
use crate::kernel::Kernel;
use crate::label;
use crate::matrix::Matrix;
use crate::observer::{Observer, Unobserved};
use crate::params::{
    assign_labels as label_rules, climb_seeds as climb_rules, merge_modes as merge_rules,
};
use crate::threads::{resolve_threads, with_threads};
use crate::weights::Weights;

/// What [`seeds_for`] returns: the seeds `fit` climbs and the bandwidth it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSeeds {
    /// Row-major, `n_features` values per seed.
    pub seeds: Vec<f64>,
    pub n_features: usize,
    /// The bandwidth given, or estimated as `fit` estimates it.
    pub bandwidth: f64,
    /// Warnings `fit` would emit (bin seeding fell back to the data).
    pub warnings: Vec<String>,
}

impl FitSeeds {
    pub fn n_seeds(&self) -> usize {
        self.seeds.len() / self.n_features.max(1)
    }
}

/// The seeds `fit(x, options)` would climb (the given ones, one per occupied
/// bin, or every row) and its bandwidth. With `bandwidth: None` the bandwidth
/// is estimated as `fit` does, and bin seeds are scaled as `fit` scales them
/// for an estimate (in float64): pass the returned bandwidth on to
/// [`climb_seeds`], [`merge_modes`] and [`assign_labels`].
pub fn seeds_for(x: &Matrix, options: &MeanShiftOptions) -> Result<FitSeeds> {
    let weights = validate(x, options)?;
    let threads = resolve_threads(options.n_jobs)?;
    with_threads(threads, || {
        let points = x.to_f64()?;
        let mut warnings = Vec::new();
        let (bandwidth, seeds) =
            bandwidth_and_seeds(x, &points, options, weights, &Unobserved, &mut warnings)?;
        Ok(FitSeeds {
            seeds: seeds.into_owned(),
            n_features: x.n_cols(),
            bandwidth,
            warnings,
        })
    })?
}

/// [`climb_seeds`]' options.
#[derive(Debug, Clone, Copy)]
pub struct ClimbOptions<'a> {
    pub bandwidth: f64,
    pub max_iter: usize,
    /// As `fit`'s: the kernel, its reach and the rows' weights (the same as the fit's).
    pub kernel: Kernel,
    pub kernel_cutoff: f64,
    pub sample_weight: Option<&'a [f64]>,
    /// The index of the first of these seeds among all the fit's seeds; 0 when
    /// they are all of them.
    pub first_seed: usize,
    /// How many seeds the whole fit has (the query structure depends on it);
    /// `None`: these seeds are all of them.
    pub total_seeds: Option<usize>,
    pub n_jobs: Option<i64>,
}

impl Default for ClimbOptions<'_> {
    fn default() -> Self {
        Self {
            bandwidth: 1.0,
            max_iter: 300,
            kernel: Kernel::Flat,
            kernel_cutoff: 3.0,
            sample_weight: None,
            first_seed: 0,
            total_seeds: None,
            n_jobs: None,
        }
    }
}

/// Where the climbs from a run of consecutive seeds ended, in seed order.
#[derive(Debug, Clone, PartialEq)]
pub struct ClimbShard {
    /// The index of the run's first seed among all the fit's seeds.
    pub first_seed: usize,
    pub n_features: usize,
    /// Row-major, `n_features` values per seed.
    pub positions: Vec<f64>,
    /// The pull at each climb's last position but one (the points within the
    /// bandwidth for the flat kernel without weights; their total weight
    /// with weights); 0 for a seed with no point in reach (merging drops it).
    pub intensities: Vec<f64>,
    /// Iterations each climb completed (`fit`'s `n_iter` is their maximum).
    pub n_iter: Vec<usize>,
}

impl ClimbShard {
    pub fn n_seeds(&self) -> usize {
        self.intensities.len()
    }

    fn from_climbs(climbs: Climbs, first_seed: usize) -> Self {
        Self {
            first_seed,
            n_features: climbs.dim,
            positions: climbs.positions,
            intensities: climbs.intensities,
            n_iter: climbs.completed,
        }
    }
}

/// The climbs from `seeds` (rows of `x`'s width) over `x`, exactly as `fit`
/// climbs them. `seeds` may have no rows (an empty run).
pub fn climb_seeds(x: &Matrix, seeds: &Matrix, options: &ClimbOptions) -> Result<ClimbShard> {
    climb_seeds_observed(x, seeds, options, &Unobserved)
}

/// [`climb_seeds`], reporting finished seeds to `observer` and stopping when it asks.
pub fn climb_seeds_observed(
    x: &Matrix,
    seeds: &Matrix,
    options: &ClimbOptions,
    observer: &dyn Observer,
) -> Result<ClimbShard> {
    x.require_non_empty(Some("climb_seeds"))?;
    climb_rules::BANDWIDTH.check(options.bandwidth)?;
    climb_rules::MAX_ITER.count_of(options.max_iter)?;
    climb_rules::FIRST_SEED.count_of(options.first_seed)?;
    climb_rules::KERNEL_CUTOFF.check(options.kernel_cutoff)?;
    let weights = Weights::check(options.sample_weight, x.n_rows())?;
    if seeds.n_cols() != x.n_cols() && seeds.n_rows() > 0 {
        return Err(MeanShiftError::Features {
            matrix: seeds.name(),
            got: seeds.n_cols(),
            expected: x.n_cols(),
            by: "climb_seeds",
        });
    }
    let total_seeds = options.total_seeds.unwrap_or(seeds.n_rows());
    climb_rules::TOTAL_SEEDS.count_of(total_seeds)?;
    if options.first_seed.saturating_add(seeds.n_rows()) > total_seeds {
        return Err(climb_rules::TOTAL_SEEDS.broken_by(format!(
            "{total_seeds} (fewer than the first seed's index + the {} seeds given)",
            seeds.n_rows()
        )));
    }
    let dim = x.n_cols();
    if seeds.n_rows() == 0 {
        return Ok(ClimbShard::from_climbs(
            Climbs::with_capacity(0, dim),
            options.first_seed,
        ));
    }
    let threads = resolve_threads(options.n_jobs)?;
    with_threads(threads, || {
        let points = x.to_f64()?;
        let seeds = seeds.to_f64()?;
        let settings = ClimbSettings {
            bandwidth: options.bandwidth,
            max_iter: options.max_iter,
            kernel: options.kernel,
            kernel_cutoff: options.kernel_cutoff,
            weights,
        };
        let climbs = climb_all(&points, &seeds, total_seeds, dim, &settings, observer, None)?;
        Ok(ClimbShard::from_climbs(climbs, options.first_seed))
    })?
}

/// What [`merge_modes`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Modes {
    /// Row-major, by decreasing intensity (ties by position), as `fit`'s.
    pub cluster_centers: Vec<f64>,
    pub n_features: usize,
    /// The largest number of iterations any climb completed (`fit`'s `n_iter`).
    pub n_iter: usize,
}

impl Modes {
    pub fn n_clusters(&self) -> usize {
        self.cluster_centers.len() / self.n_features.max(1)
    }
}

/// The cluster centres of a fit from the climbs of all its seeds, split into
/// shards in any way and given in any order: the shards are put in seed order
/// (by `first_seed`, stably) and merged as `fit` merges. Each shard's
/// positions must be finite and fill its shape.
pub fn merge_modes(shards: &[ClimbShard], bandwidth: f64) -> Result<Modes> {
    merge_rules::BANDWIDTH.check(bandwidth)?;
    let Some(first) = shards.iter().find(|s| s.n_seeds() > 0).or(shards.first()) else {
        return Err(no_climbs(0));
    };
    let dim = first.n_features;
    for shard in shards {
        check_shard(shard, dim)?;
    }
    if shards.iter().all(|s| s.n_seeds() == 0) {
        return Err(no_climbs(dim));
    }
    let mut ordered: Vec<&ClimbShard> = shards.iter().collect();
    ordered.sort_by_key(|s| s.first_seed);
    let ends = ordered.iter().flat_map(|s| {
        s.positions
            .chunks_exact(s.n_features)
            .zip(s.intensities.iter().copied())
    });
    let cluster_centers = merge_ends(dim, bandwidth, ends)?;
    let n_iter = shards
        .iter()
        .flat_map(|s| s.n_iter.iter().copied())
        .max()
        .unwrap_or(0);
    Ok(Modes {
        cluster_centers,
        n_features: dim,
        n_iter,
    })
}

fn no_climbs(n_cols: usize) -> MeanShiftError {
    MeanShiftError::Empty {
        matrix: "climbs",
        n_rows: 0,
        n_cols,
        by: Some("merge_modes"),
    }
}

/// A shard's arrays agree with each other and with `dim`; its positions are finite.
fn check_shard(shard: &ClimbShard, dim: usize) -> Result<()> {
    if shard.n_features != dim {
        return Err(MeanShiftError::Features {
            matrix: "climbs",
            got: shard.n_features,
            expected: dim,
            by: "merge_modes",
        });
    }
    let n = shard.n_seeds();
    if let Some(bad) = shard.intensities.iter().position(|i| !i.is_finite()) {
        return Err(MeanShiftError::NonFinite {
            matrix: "climbs.intensities",
            value: shard.intensities[bad],
            row: bad,
            column: 0,
        });
    }
    if shard.n_iter.len() != n {
        return Err(MeanShiftError::Shape {
            matrix: "climbs.n_iter",
            len: shard.n_iter.len(),
            n_rows: n,
            n_cols: 1,
            expected: Some(n),
        });
    }
    Matrix::from_f64("climbs.positions", &shard.positions, n, dim)?;
    Ok(())
}

/// [`assign_labels`]' options.
#[derive(Debug, Clone, Copy)]
pub struct LabelOptions {
    /// `false`: rows farther than `bandwidth` from every centre get `-1`.
    pub cluster_all: bool,
    /// Read (and required) only when `cluster_all` is false.
    pub bandwidth: Option<f64>,
    pub n_jobs: Option<i64>,
}

impl Default for LabelOptions {
    fn default() -> Self {
        Self {
            cluster_all: true,
            bandwidth: None,
            n_jobs: None,
        }
    }
}

/// The label of each row of `x`: the index of its nearest centre (lowest on
/// ties), or `-1` when `cluster_all` is false and no centre is within the
/// bandwidth, as `fit` labels its rows.
pub fn assign_labels(x: &Matrix, centers: &Matrix, options: &LabelOptions) -> Result<Vec<i32>> {
    centers.require_non_empty(Some("assign_labels"))?;
    if let Some(b) = options.bandwidth {
        label_rules::BANDWIDTH.check(b)?;
    }
    let orphans = match (options.cluster_all, options.bandwidth) {
        (true, _) => None,
        (false, Some(b)) => orphan_radius(false, b),
        (false, None) => return Err(label_rules::BANDWIDTH.broken_by("null".into())),
    };
    if x.n_cols() != centers.n_cols() && x.n_rows() > 0 {
        return Err(MeanShiftError::Features {
            matrix: x.name(),
            got: x.n_cols(),
            expected: centers.n_cols(),
            by: "assign_labels",
        });
    }
    if x.n_rows() == 0 {
        return Ok(Vec::new());
    }
    let threads = resolve_threads(options.n_jobs)?;
    with_threads(threads, || {
        let points = x.to_f64()?;
        let centers = centers.to_f64()?;
        label::assign_labels(&points, &centers, x.n_cols(), orphans)
    })?
}
