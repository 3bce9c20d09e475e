//! The structures that answer the algorithm's queries over the points: ball
//! sums for the climbs, k-th neighbour distances for the bandwidth, nearest
//! points for the merge and the labels. [`select()`] chooses one (its doc is the
//! decision table); the functions here build what it chose.
//!
//! - `select`: the decision table; `queries`: what each kind of structure
//!   answers; `dimension`: the one dispatch to the trees' const generics.
//! - `bands`, `strip`, `exact`: 2-D bands sorted by x with exact fixed-point
//!   sums, the points near a ball's circle tested one instruction set per file;
//!   `blocks`: for few points, every point tested against a block of queries.
//! - `sumtree`: a KD-tree with per-node count, sums and box.
//! - `balltree`, `distances`: a ball tree (centre and radius per node) for the
//!   climbs in many dimensions, its leaves' exact distances one instruction
//!   set per file.
//! - `kdtree`: kiddo's KD-tree.
//! - `scan`: every point tested; serves every query.

mod balltree;
mod bands;
mod blocks;
mod dimension;
mod distances;
mod exact;
mod instruction_set;
mod kdtree;
mod queries;
mod scan;
mod select;
mod strip;
mod sumtree;
#[cfg(test)]
mod tests;

pub(crate) use bands::{BallTotal, BandIndex, QUERY_BLOCK};
pub(crate) use queries::{BallSum, KthDistance, Neighbors, Step, WeightedSum};

use crate::error::Result;
use crate::kernel::{Kernel, Profile};
use balltree::BallTree;
use dimension::{for_dimension, for_padded_dimension, ForDimension};
use kdtree::KdTree;
use scan::Scan;
use select::{select, Query, Structure};
use sumtree::SumTree;

/// What the climbs query: the band index (climbs in lock-step rounds), a step
/// per query climbed in lock-step ([`crate::lockstep`], each distinct position
/// queried once), or a step per query (one climb per seed).
pub(crate) enum ClimbIndex<'a> {
    Bands(Box<BandIndex>),
    Lockstep(Box<dyn Step + 'a>),
    Steps(Box<dyn Step + 'a>),
}

/// What the climbs are: their bandwidth, kernel and the points' weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ClimbKind<'w> {
    pub bandwidth: f64,
    pub kernel: Kernel,
    /// The Gaussian kernel's reach, in bandwidths.
    pub cutoff: f64,
    /// One per point when they vary; `None`: all the same (counts).
    pub weights: Option<&'w [f64]>,
}

impl ClimbKind<'_> {
    /// scikit-learn's climbs: the flat kernel, no weights.
    #[cfg(test)]
    pub fn flat(bandwidth: f64) -> Self {
        Self {
            bandwidth,
            kernel: Kernel::Flat,
            cutoff: 3.0,
            weights: None,
        }
    }
}

/// A step that counts: the flat kernel without weights.
pub(crate) struct CountStep<'a> {
    sums: Box<dyn BallSum + 'a>,
    radius2: f64,
}

impl<'a> CountStep<'a> {
    #[cfg(test)]
    pub fn new(sums: Box<dyn BallSum + 'a>, radius2: f64) -> Self {
        Self { sums, radius2 }
    }
}

impl Step for CountStep<'_> {
    fn step(&self, position: &[f64], sum: &mut [f64]) -> f64 {
        self.sums.ball_sum(position, self.radius2, sum) as f64
    }
}

/// A step that weighs each point by its weight and the kernel.
struct PullStep<'a> {
    sums: Box<dyn WeightedSum + 'a>,
    radius2: f64,
    profile: Profile,
}

impl Step for PullStep<'_> {
    fn step(&self, position: &[f64], sum: &mut [f64]) -> f64 {
        self.sums
            .weighted_sum(position, self.radius2, self.profile, sum)
    }
}

/// The structure for climbs of `kind` from `seeds` seeds over `points`
/// (row-major, `dim` features each).
pub(crate) fn for_climbs<'a>(
    points: &'a [f64],
    dim: usize,
    seeds: usize,
    kind: &ClimbKind<'a>,
) -> Result<ClimbIndex<'a>> {
    let ClimbKind {
        bandwidth,
        kernel,
        cutoff,
        weights,
    } = *kind;
    let query = Query::Climbs {
        seeds,
        bandwidth,
        kernel,
        weights,
    };
    let counts = |sums: Box<dyn BallSum + 'a>| {
        ClimbIndex::Steps(Box::new(CountStep {
            sums,
            radius2: bandwidth * bandwidth,
        }))
    };
    let (profile, radius2) = Profile::new(kernel, bandwidth, cutoff);
    let pulls = |sums: Box<dyn WeightedSum + 'a>| {
        ClimbIndex::Steps(Box::new(PullStep {
            sums,
            radius2,
            profile,
        }))
    };
    Ok(match select(query, points, dim) {
        Structure::Bands(plan) => {
            ClimbIndex::Bands(Box::new(BandIndex::new(points, plan, weights)?))
        }
        Structure::SumTree => counts(sum_tree(points, dim)?),
        Structure::BallTree => match counts(Box::new(BallTree::new(points, dim)?)) {
            ClimbIndex::Steps(steps) => ClimbIndex::Lockstep(steps),
            other => other,
        },
        Structure::WeightedSumTree => pulls(weighted_sum_tree(points, dim, weights)?),
        Structure::WeightedScan => pulls(Box::new(Scan::weighted(points, dim, weights)?)),
        // kiddo's tree keeps no sums: never selected for climbs.
        Structure::KdTree | Structure::Scan => counts(Box::new(Scan::new(points, dim)?)),
    })
}

/// The structure for the `k`-th neighbour distances of `points`.
pub(crate) fn for_kth_distance(
    points: &[f64],
    dim: usize,
    k: usize,
) -> Result<Box<dyn KthDistance + '_>> {
    Ok(match select(Query::KthDistance { k }, points, dim) {
        Structure::SumTree => sum_tree(points, dim)?,
        Structure::KdTree => kd_tree(points, dim)?,
        // Bands and the ball tree are never selected for k-th distances.
        Structure::Bands(_)
        | Structure::BallTree
        | Structure::WeightedSumTree
        | Structure::WeightedScan
        | Structure::Scan => Box::new(Scan::new(points, dim)?),
    })
}

/// The structure for nearest points and points within a radius.
pub(crate) fn for_neighbors(points: &[f64], dim: usize) -> Result<Box<dyn Neighbors + '_>> {
    Ok(match select(Query::Neighbors, points, dim) {
        Structure::KdTree => kd_tree(points, dim)?,
        // Nothing else is selected for neighbours.
        Structure::Bands(_)
        | Structure::SumTree
        | Structure::WeightedSumTree
        | Structure::WeightedScan
        | Structure::BallTree
        | Structure::Scan => Box::new(Scan::new(points, dim)?),
    })
}

/// A [`SumTree`] for `dim` features (padded), or the scan above [`dimension::MAX_TREE_DIM`].
fn sum_tree(points: &[f64], dim: usize) -> Result<Box<dyn BallSum + '_>> {
    struct Build<'p>(&'p [f64], usize);
    impl<'p> ForDimension for Build<'p> {
        type Output = Result<Box<dyn BallSum + 'p>>;
        fn build<const D: usize>(self) -> Self::Output {
            Ok(Box::new(SumTree::<D>::new(self.0, self.1)?))
        }
    }
    for_padded_dimension(dim, Build(points, dim))
        .unwrap_or_else(|| Ok(Box::new(Scan::new(points, dim)?)))
}

/// A [`SumTree`] with `weights` (`None`: all 1) for `dim` features, or the
/// scan above [`dimension::MAX_TREE_DIM`].
fn weighted_sum_tree<'p>(
    points: &'p [f64],
    dim: usize,
    weights: Option<&'p [f64]>,
) -> Result<Box<dyn WeightedSum + 'p>> {
    struct Build<'p>(&'p [f64], usize, Option<&'p [f64]>);
    impl<'p> ForDimension for Build<'p> {
        type Output = Result<Box<dyn WeightedSum + 'p>>;
        fn build<const D: usize>(self) -> Self::Output {
            Ok(Box::new(match self.2 {
                Some(w) => SumTree::<D>::weighted(self.0, self.1, w)?,
                None => SumTree::<D>::new(self.0, self.1)?,
            }))
        }
    }
    for_padded_dimension(dim, Build(points, dim, weights))
        .unwrap_or_else(|| Ok(Box::new(Scan::weighted(points, dim, weights)?)))
}

/// A [`KdTree`] for `dim` features, or the scan above [`dimension::MAX_TREE_DIM`].
fn kd_tree(points: &[f64], dim: usize) -> Result<Box<dyn Neighbors + '_>> {
    struct Build<'p>(&'p [f64]);
    impl<'p> ForDimension for Build<'p> {
        type Output = Result<Box<dyn Neighbors + 'p>>;
        fn build<const D: usize>(self) -> Self::Output {
            Ok(Box::new(KdTree::<D>::new(self.0)?))
        }
    }
    for_dimension(dim, Build(points)).unwrap_or_else(|| Ok(Box::new(Scan::new(points, dim)?)))
}
