//! Exact neighbour queries over a fixed set of points.
//!
//! Up to [`MAX_TREE_DIM`] features the points go into a kiddo [`ImmutableKdTree`]
//! (the dimension must be a const generic, so it is dispatched here); above
//! that, and for tiny sets, an exact brute-force scan is used. Both compute the
//! squared euclidean distance the same way (`Σ (p - q)²` in feature order), so
//! they agree to the bit, including on the `<=` boundary.

use kiddo::immutable::float::kdtree::ImmutableKdTree;
use kiddo::SquaredEuclidean;
use std::num::NonZeroUsize;

/// The largest dimension served by a KD-tree; above it queries scan all points.
pub const MAX_TREE_DIM: usize = 16;

/// Below this many points a scan beats building a tree.
const MIN_TREE_POINTS: usize = 64;

const BUCKET: usize = 32;

/// Squared euclidean distance, summed in feature order from 0 (as kiddo does).
#[inline]
pub fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |acc, (x, y)| acc + (x - y) * (x - y))
}

/// Neighbour queries over `n` points of `d` features.
pub trait NeighborIndex: Sync + Send {
    /// Calls `visit(i)` for every point `i` with `‖p_i - query‖² <= radius2`,
    /// in an order that depends only on the indexed points and the query.
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize));

    /// The squared distance from `query` to its `k`-th nearest point (`k >= 1`,
    /// a point equal to the query counting as the first, at distance 0).
    fn kth_squared_distance(&self, query: &[f64], k: usize) -> f64;

    /// The nearest point: `(index, squared distance)`, the lowest index on ties.
    fn nearest(&self, query: &[f64]) -> (usize, f64);
}

/// Coordinates this large can make squared distances overflow to infinity, where
/// the tree's pruning (strict `<` against the radius) would miss points: such
/// data and queries are scanned instead, which stays exact.
const EXTREME: f64 = 1e153;

fn is_extreme(values: &[f64]) -> bool {
    values.iter().any(|v| v.abs() >= EXTREME)
}

/// Builds the best exact index for `points` (row-major, `dim` features each).
pub fn build_index(points: &[f64], dim: usize) -> Box<dyn NeighborIndex + '_> {
    let n = points.len().checked_div(dim).unwrap_or(0);
    if n >= MIN_TREE_POINTS && !is_extreme(points) {
        macro_rules! dispatch {
            ($($k:literal)*) => {
                match dim {
                    $($k => return Box::new(KdIndex::<$k>::new(points)),)*
                    _ => {}
                }
            };
        }
        dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    }
    Box::new(BruteIndex { points, dim })
}

/// Exact scan over all points: the fallback above [`MAX_TREE_DIM`] and for small sets.
pub struct BruteIndex<'a> {
    points: &'a [f64],
    dim: usize,
}

impl<'a> BruteIndex<'a> {
    pub fn new(points: &'a [f64], dim: usize) -> Self {
        Self { points, dim }
    }

    fn rows(&self) -> std::slice::ChunksExact<'a, f64> {
        self.points.chunks_exact(self.dim)
    }
}

impl NeighborIndex for BruteIndex<'_> {
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize)) {
        for (i, row) in self.rows().enumerate() {
            if squared_distance(row, query) <= radius2 {
                visit(i);
            }
        }
    }

    fn kth_squared_distance(&self, query: &[f64], k: usize) -> f64 {
        let mut distances: Vec<f64> = self
            .rows()
            .map(|row| squared_distance(row, query))
            .collect();
        let k = k.clamp(1, distances.len());
        let (_, kth, _) = distances.select_nth_unstable_by(k - 1, f64::total_cmp);
        *kth
    }

    fn nearest(&self, query: &[f64]) -> (usize, f64) {
        let mut best = (0, f64::INFINITY);
        for (i, row) in self.rows().enumerate() {
            let d = squared_distance(row, query);
            if d < best.1 {
                best = (i, d);
            }
        }
        best
    }
}

/// A kiddo KD-tree over points of `K` features (the points are kept for the
/// rare queries that must be scanned, see [`build_index`]).
pub struct KdIndex<'a, const K: usize> {
    tree: ImmutableKdTree<f64, u32, K, BUCKET>,
    scan: BruteIndex<'a>,
}

impl<'a, const K: usize> KdIndex<'a, K> {
    pub fn new(points: &'a [f64]) -> Self {
        let rows: Vec<[f64; K]> = points
            .chunks_exact(K)
            .map(|row| {
                let mut fixed = [0.0; K];
                fixed.copy_from_slice(row);
                fixed
            })
            .collect();
        Self {
            tree: ImmutableKdTree::new_from_slice(&rows),
            scan: BruteIndex::new(points, K),
        }
    }

    fn fixed(query: &[f64]) -> [f64; K] {
        let mut fixed = [0.0; K];
        fixed.copy_from_slice(query);
        fixed
    }
}

impl<const K: usize> NeighborIndex for KdIndex<'_, K> {
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize)) {
        if !radius2.is_finite() || is_extreme(query) {
            return self.scan.for_each_within(query, radius2, visit);
        }
        let query = Self::fixed(query);
        for found in self
            .tree
            .within_unsorted::<SquaredEuclidean>(&query, radius2)
        {
            visit(found.item as usize);
        }
    }

    fn kth_squared_distance(&self, query: &[f64], k: usize) -> f64 {
        if is_extreme(query) {
            return self.scan.kth_squared_distance(query, k);
        }
        let query = Self::fixed(query);
        let k = NonZeroUsize::new(k.clamp(1, self.tree.size())).unwrap_or(NonZeroUsize::MIN);
        let found = self.tree.nearest_n::<SquaredEuclidean>(&query, k);
        found.iter().map(|n| n.distance).fold(0.0, f64::max)
    }

    fn nearest(&self, query: &[f64]) -> (usize, f64) {
        if is_extreme(query) {
            return self.scan.nearest(query);
        }
        let fixed = Self::fixed(query);
        let best = self.tree.nearest_one::<SquaredEuclidean>(&fixed);
        // The tree may return any of several equidistant points: take the lowest index.
        let mut lowest = best.item as usize;
        for found in self
            .tree
            .within_unsorted::<SquaredEuclidean>(&fixed, best.distance)
        {
            if found.distance == best.distance {
                lowest = lowest.min(found.item as usize);
            }
        }
        (lowest, best.distance)
    }
}
