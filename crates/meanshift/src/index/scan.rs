//! The exact scan: every point tested, for every query. The structure of last
//! resort (many features, few points, coordinates too large for a tree's
//! pruning) and the reference the others are tested against.

use super::queries::{BallSum, KthDistance, Neighbors, WeightedSum};
use crate::alloc::vec_with_capacity;
use crate::error::Result;
use crate::kernel::Profile;

/// Points per block of the scan's transposed copy.
const LANES: usize = 4;

/// Distances are computed for blocks of [`LANES`] points at once from a
/// transposed copy (feature by feature, each point's sum still in feature
/// order, so every distance has the bits of `Σ (p - q)²` summed from feature
/// 0): independent chains the CPU overlaps, where one point's 64-term sum
/// would wait on each addition in turn.
pub(crate) struct Scan<'a> {
    points: &'a [f64],
    dim: usize,
    /// Block `b` holds, for each feature `j`, the values of points `LANES*b ..`.
    blocks: Vec<[f64; LANES]>,
    /// Each point's weight; `None`: every point weighs 1.
    weights: Option<&'a [f64]>,
}

impl<'a> Scan<'a> {
    pub fn new(points: &'a [f64], dim: usize) -> Result<Self> {
        let n = points.len().checked_div(dim).unwrap_or(0);
        let mut blocks = vec_with_capacity(n.div_ceil(LANES) * dim, "X")?;
        blocks.resize(n.div_ceil(LANES) * dim, [0.0; LANES]);
        for (i, row) in points.chunks_exact(dim.max(1)).enumerate() {
            for (j, v) in row.iter().enumerate() {
                blocks[(i / LANES) * dim + j][i % LANES] = *v;
            }
        }
        Ok(Self {
            points,
            dim,
            blocks,
            weights: None,
        })
    }

    /// The scan of `points` weighing `weights` (one per point).
    pub fn weighted(points: &'a [f64], dim: usize, weights: Option<&'a [f64]>) -> Result<Self> {
        Ok(Self {
            weights,
            ..Self::new(points, dim)?
        })
    }

    /// Calls `visit(i, d2)` for every point, in index order.
    #[inline(always)]
    fn for_each_distance(&self, query: &[f64], visit: impl FnMut(usize, f64)) {
        self.for_each_distance_up_to(query, || f64::INFINITY, visit);
    }

    /// Calls `visit(i, d2)`, in index order, for every point except some
    /// farther than `bound()`: a block is dropped once each of its partial
    /// sums exceeds the bound (the terms left are squares, and rounding is
    /// monotone, so no sum would come back under it). Many features and a
    /// tight bound (the nearest so far, a radius) leave most blocks early.
    #[inline(always)]
    fn for_each_distance_up_to(
        &self,
        query: &[f64],
        bound: impl Fn() -> f64,
        mut visit: impl FnMut(usize, f64),
    ) {
        let n = self.points.len() / self.dim;
        // Up to CHECK_EVERY features the one look would come after the whole sum.
        let drops = self.dim > CHECK_EVERY;
        'blocks: for (b, block) in self.blocks.chunks_exact(self.dim).enumerate() {
            let mut acc = [0.0; LANES];
            for (values, q) in block.chunks(CHECK_EVERY).zip(query.chunks(CHECK_EVERY)) {
                for (values, q) in values.iter().zip(q) {
                    for l in 0..LANES {
                        acc[l] += (values[l] - q) * (values[l] - q);
                    }
                }
                if drops {
                    let bound = bound();
                    if acc.iter().all(|&a| a > bound) {
                        continue 'blocks;
                    }
                }
            }
            for (l, d2) in acc.iter().enumerate() {
                let i = b * LANES + l;
                if i < n {
                    visit(i, *d2);
                }
            }
        }
    }
}

/// Features summed between two looks at whether a block can be dropped.
const CHECK_EVERY: usize = 8;

impl KthDistance for Scan<'_> {
    fn kth_squared_distance(&self, query: &[f64], k: usize, _hint: f64) -> f64 {
        let mut distances = Vec::with_capacity(self.points.len() / self.dim);
        self.for_each_distance(query, |_, d2| distances.push(d2));
        let k = k.clamp(1, distances.len());
        let (_, kth, _) = distances.select_nth_unstable_by(k - 1, f64::total_cmp);
        *kth
    }
}

impl BallSum for Scan<'_> {
    fn ball_sum(&self, query: &[f64], radius2: f64, sum: &mut [f64]) -> usize {
        let mut count = 0;
        let dim = self.dim;
        self.for_each_distance_up_to(
            query,
            || radius2,
            |i, d2| {
                if d2 <= radius2 {
                    count += 1;
                    for (s, v) in sum.iter_mut().zip(&self.points[i * dim..(i + 1) * dim]) {
                        *s += v;
                    }
                }
            },
        );
        count
    }
}

impl Neighbors for Scan<'_> {
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize)) {
        self.for_each_distance_up_to(
            query,
            || radius2,
            |i, d2| {
                if d2 <= radius2 {
                    visit(i);
                }
            },
        );
    }

    fn nearest(&self, query: &[f64]) -> (usize, f64) {
        // A block farther than the best so far cannot hold a nearer point
        // (nor an equal one, which would lose the tie to a lower index).
        let best = std::cell::Cell::new((0, f64::INFINITY));
        self.for_each_distance_up_to(
            query,
            || best.get().1,
            |i, d2| {
                if d2 < best.get().1 {
                    best.set((i, d2));
                }
            },
        );
        best.get()
    }
}

impl WeightedSum for Scan<'_> {
    fn weighted_sum(&self, query: &[f64], radius2: f64, profile: Profile, sum: &mut [f64]) -> f64 {
        let dim = self.dim;
        let mut weight = 0.0;
        self.for_each_distance_up_to(
            query,
            || radius2,
            |i, d2| {
                if d2 <= radius2 {
                    let w = self.weights.map_or(1.0, |w| w[i]);
                    let pull = w * profile.at(d2);
                    weight += pull;
                    for (s, v) in sum.iter_mut().zip(&self.points[i * dim..(i + 1) * dim]) {
                        *s += pull * v;
                    }
                }
            },
        );
        weight
    }
}
