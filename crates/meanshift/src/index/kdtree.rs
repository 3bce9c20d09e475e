//! kiddo's KD-tree for the neighbour queries: nearest centre, modes within the
//! bandwidth, small-k neighbour distances.

use super::queries::{KthDistance, Neighbors};
use super::scan::Scan;
use crate::error::Result;
use kiddo::immutable::float::kdtree::ImmutableKdTree;
use kiddo::SquaredEuclidean;
use std::num::NonZeroUsize;

/// Points per leaf.
const BUCKET: usize = 32;

/// Coordinates this large can make squared distances overflow to infinity, where
/// the tree's pruning (strict `<` against the radius) would miss points: such
/// data is given the scan (see [`super::select()`]) and such queries are scanned.
pub(crate) const EXTREME: f64 = 1e153;

pub(crate) fn is_extreme(values: &[f64]) -> bool {
    values.iter().any(|v| v.abs() >= EXTREME)
}

/// A kiddo KD-tree over points of `K` features. It computes distances as the
/// scan does (`Σ (p - q)²` in feature order), so the two agree to the bit,
/// including on the `<=` boundary; the scan answers the rare queries the tree
/// cannot (an extreme query, an infinite radius).
pub(crate) struct KdTree<'a, const K: usize> {
    tree: ImmutableKdTree<f64, u32, K, BUCKET>,
    scan: Scan<'a>,
}

impl<'a, const K: usize> KdTree<'a, K> {
    pub fn new(points: &'a [f64]) -> Result<Self> {
        let rows: Vec<[f64; K]> = points.chunks_exact(K).map(fixed).collect();
        Ok(Self {
            tree: ImmutableKdTree::new_from_slice(&rows),
            scan: Scan::new(points, K)?,
        })
    }
}

fn fixed<const K: usize>(query: &[f64]) -> [f64; K] {
    let mut fixed = [0.0; K];
    fixed.copy_from_slice(query);
    fixed
}

impl<const K: usize> KthDistance for KdTree<'_, K> {
    fn kth_squared_distance(&self, query: &[f64], k: usize, hint: f64) -> f64 {
        if is_extreme(query) {
            return self.scan.kth_squared_distance(query, k, hint);
        }
        let query = fixed::<K>(query);
        let k = NonZeroUsize::new(k.clamp(1, self.tree.size())).unwrap_or(NonZeroUsize::MIN);
        let found = self.tree.nearest_n::<SquaredEuclidean>(&query, k);
        found.iter().map(|n| n.distance).fold(0.0, f64::max)
    }
}

impl<const K: usize> Neighbors for KdTree<'_, K> {
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize)) {
        if !radius2.is_finite() || is_extreme(query) {
            return self.scan.for_each_within(query, radius2, visit);
        }
        let query = fixed::<K>(query);
        for found in self
            .tree
            .within_unsorted::<SquaredEuclidean>(&query, radius2)
        {
            visit(found.item as usize);
        }
    }

    fn nearest(&self, query: &[f64]) -> (usize, f64) {
        if is_extreme(query) {
            return self.scan.nearest(query);
        }
        let query = fixed::<K>(query);
        let best = self.tree.nearest_one::<SquaredEuclidean>(&query);
        // The tree may return any of several equidistant points: take the lowest index.
        let mut lowest = best.item as usize;
        for found in self
            .tree
            .within_unsorted::<SquaredEuclidean>(&query, best.distance)
        {
            if found.distance == best.distance {
                lowest = lowest.min(found.item as usize);
            }
        }
        (lowest, best.distance)
    }
}
