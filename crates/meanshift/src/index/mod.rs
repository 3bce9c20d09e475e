//! The structures that answer the algorithm's queries over the points: ball
//! sums for the climbs, k-th neighbour distances for the bandwidth, nearest
//! points for the merge and the labels. [`select()`] chooses one (its doc is the
//! decision table); the functions here build what it chose.
//!
//! - `select`: the decision table; `queries`: what each kind of structure
//!   answers; `dimension`: the one dispatch to the trees' const generics.
//! - `bands`, `strip`, `exact`: 2-D bands sorted by x with exact fixed-point
//!   sums, the points near a ball's circle tested one instruction set per file.
//! - `sumtree`: a KD-tree with per-node count, sums and box.
//! - `balltree`, `distances`: a ball tree (centre and radius per node) for the
//!   climbs in many dimensions, its leaves' exact distances one instruction
//!   set per file.
//! - `kdtree`: kiddo's KD-tree.
//! - `scan`: every point tested; serves every query.

mod balltree;
mod bands;
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

pub(crate) use bands::{BallTotal, BandIndex};
pub(crate) use queries::{BallSum, KthDistance, Neighbors};

use crate::error::Result;
use balltree::BallTree;
use dimension::{for_dimension, ForDimension};
use kdtree::KdTree;
use scan::Scan;
use select::{select, Query, Structure};
use sumtree::SumTree;

/// What the climbs query: the band index (climbs in lock-step rounds) or ball
/// sums (one climb per seed).
pub(crate) enum ClimbIndex<'a> {
    Bands(BandIndex),
    BallSums(Box<dyn BallSum + 'a>),
}

/// The structure for climbs from `seeds` seeds with `bandwidth` over `points`
/// (row-major, `dim` features each).
pub(crate) fn for_climbs(
    points: &[f64],
    dim: usize,
    seeds: usize,
    bandwidth: f64,
) -> Result<ClimbIndex<'_>> {
    let query = Query::Climbs { seeds, bandwidth };
    Ok(match select(query, points, dim) {
        Structure::Bands(plan) => ClimbIndex::Bands(BandIndex::new(points, plan)?),
        Structure::SumTree => ClimbIndex::BallSums(sum_tree(points, dim)?),
        Structure::BallTree => ClimbIndex::BallSums(Box::new(BallTree::new(points, dim)?)),
        // kiddo's tree keeps no sums: never selected for climbs.
        Structure::KdTree | Structure::Scan => {
            ClimbIndex::BallSums(Box::new(Scan::new(points, dim)?))
        }
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
        Structure::Bands(_) | Structure::BallTree | Structure::Scan => {
            Box::new(Scan::new(points, dim)?)
        }
    })
}

/// The structure for nearest points and points within a radius.
pub(crate) fn for_neighbors(points: &[f64], dim: usize) -> Result<Box<dyn Neighbors + '_>> {
    Ok(match select(Query::Neighbors, points, dim) {
        Structure::KdTree => kd_tree(points, dim)?,
        // Nothing else is selected for neighbours.
        Structure::Bands(_) | Structure::SumTree | Structure::BallTree | Structure::Scan => {
            Box::new(Scan::new(points, dim)?)
        }
    })
}

/// A [`SumTree`] for `dim` features, or the scan above [`dimension::MAX_TREE_DIM`].
fn sum_tree(points: &[f64], dim: usize) -> Result<Box<dyn BallSum + '_>> {
    struct Build<'p>(&'p [f64]);
    impl<'p> ForDimension for Build<'p> {
        type Output = Result<Box<dyn BallSum + 'p>>;
        fn build<const D: usize>(self) -> Self::Output {
            Ok(Box::new(SumTree::<D>::new(self.0)?))
        }
    }
    for_dimension(dim, Build(points)).unwrap_or_else(|| Ok(Box::new(Scan::new(points, dim)?)))
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
