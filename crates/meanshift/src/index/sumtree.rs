//! The climbs' query up to 16 features: the count and the coordinate sum of
//! the points within a ball, answered by a KD-tree whose nodes carry their
//! count, sum and bounding box; and, from the node counts, the exact k-th
//! distance for large k.
//!
//! A node wholly inside the ball contributes its precomputed sum without its
//! points being read; a node wholly outside is skipped. The inside/outside
//! tests are exact with respect to the per-point test `Σ (p - q)² <= r²`: the
//! box bounds are computed with the same operations in the same order, and
//! correctly rounded arithmetic is monotone, so a node is taken whole only if
//! every one of its points would pass the per-point test, and skipped only if
//! none would. The neighbour set is therefore exactly scikit-learn's; only the
//! order of summation differs (it is fixed by the tree, which is built
//! deterministically, so results do not depend on threads).

use super::queries::{BallSum, KthDistance, WeightedSum};
use crate::alloc::vec_with_capacity;
use crate::error::Result;
use crate::kernel::Profile;
use rayon::join;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// Points per leaf.
const LEAF: usize = 32;
/// Subtrees larger than this are built in parallel.
const PARALLEL_BUILD: usize = 1 << 14;

#[derive(Clone, Copy)]
struct Node<const D: usize> {
    lo: [f64; D],
    hi: [f64; D],
    sum: [f64; D],
    count: u32,
    /// Point range in tree order.
    start: u32,
    /// Offset from this node to its right child; 0 for a leaf (the left child is next).
    right: u32,
}

impl<const D: usize> Default for Node<D> {
    fn default() -> Self {
        Self {
            lo: [0.0; D],
            hi: [0.0; D],
            sum: [0.0; D],
            count: 0,
            start: 0,
            right: 0,
        }
    }
}

/// A KD-tree over points of `D` features with per-node count, sum and bounding box.
/// With sample weights, a node's `sum` is `Σ w·x` (its points in tree order)
/// and `node_weights` holds its `Σ w`.
pub(crate) struct SumTree<const D: usize> {
    points: Vec<[f64; D]>,
    nodes: Vec<Node<D>>,
    /// Each point's weight in tree order; empty: every point weighs 1.
    weights: Vec<f64>,
    /// Each node's total weight; empty when `weights` is.
    node_weights: Vec<f64>,
}

/// A row of the tree under construction: its coordinates (and what travels with them).
trait TreeRow<const D: usize>: Copy + Send {
    fn at(&self) -> &[f64; D];
}

impl<const D: usize> TreeRow<D> for [f64; D] {
    #[inline(always)]
    fn at(&self) -> &[f64; D] {
        self
    }
}

/// Nodes in the subtree of a range of `n` points (split at `n / 2` until `n <= LEAF`).
fn subtree_size(n: usize, memo: &mut HashMap<usize, usize>) -> usize {
    if n <= LEAF {
        return 1;
    }
    if let Some(&size) = memo.get(&n) {
        return size;
    }
    let size = 1 + subtree_size(n / 2, memo) + subtree_size(n - n / 2, memo);
    memo.insert(n, size);
    size
}

impl<const D: usize> SumTree<D> {
    /// Builds the tree over a copy of `points` (row-major, `dim <= D` values
    /// each, padded with zeros to `D`: see [`super::dimension::for_padded_dimension`]).
    /// The layout depends only on the points, never on the thread count.
    pub fn new(points: &[f64], dim: usize) -> Result<Self> {
        let mut rows: Vec<[f64; D]> = vec_with_capacity(points.len() / dim.max(1), "X")?;
        rows.extend(points.chunks_exact(dim.max(1)).map(padded));
        let nodes = layout(&mut rows)?;
        Ok(Self {
            points: rows,
            nodes,
            weights: Vec::new(),
            node_weights: Vec::new(),
        })
    }

    /// The tree over `points` with `weights` (one per row): [`Self::new`]'s
    /// tree, with node sums of `w·x` and of `w`.
    ///
    /// The layout is built on the points alone (so the binary holds one build
    /// per dimension, not a second one for rows that carry a weight); then
    /// each point in tree order takes the weight of a row with its bits, rows
    /// with the same bits taking their weights in row order. The tree depends
    /// only on the data and the weights, never on the thread count.
    pub fn weighted(rows: &[f64], dim: usize, weights: &[f64]) -> Result<Self> {
        let Self {
            points, mut nodes, ..
        } = Self::new(rows, dim)?;
        let bits = |row: &[f64; D]| -> [u64; D] { row.map(f64::to_bits) };
        // The rows with the same bits, in row order: `first` the first of each,
        // `next[i]` the one after row i.
        let n = points.len();
        let mut next = vec_with_capacity(n, "sample_weight")?;
        next.resize(n, usize::MAX);
        let mut first: FxHashMap<[u64; D], usize> = FxHashMap::default();
        for (i, row) in rows.chunks_exact(dim.max(1)).enumerate().rev() {
            if let Some(later) = first.insert(bits(&padded(row)), i) {
                next[i] = later;
            }
        }
        let mut tree_weights = vec_with_capacity(n, "sample_weight")?;
        for point in &points {
            // Every point of the tree is a row of `rows`, so its bits are there.
            let row = first.get_mut(&bits(point)).map_or(usize::MAX, |at| {
                let row = *at;
                *at = next.get(row).copied().unwrap_or(usize::MAX);
                row
            });
            tree_weights.push(weights.get(row).copied().unwrap_or(0.0));
        }
        drop(first);
        let weights = tree_weights;
        let mut node_weights = vec_with_capacity(nodes.len(), "sample_weight")?;
        node_weights.resize(nodes.len(), 0.0);
        // Children follow their parent (preorder): from the last node back,
        // every child is done before its parent.
        for index in (0..nodes.len()).rev() {
            let node = nodes[index];
            let (mut sum, mut weight) = ([0.0; D], 0.0);
            if node.right == 0 {
                let start = node.start as usize;
                let end = start + node.count as usize;
                for (p, &w) in points[start..end].iter().zip(&weights[start..end]) {
                    weight += w;
                    for (s, x) in sum.iter_mut().zip(p) {
                        *s += w * x;
                    }
                }
            } else {
                let (l, r) = (index + 1, index + node.right as usize);
                weight = node_weights[l] + node_weights[r];
                for ((s, a), b) in sum.iter_mut().zip(&nodes[l].sum).zip(&nodes[r].sum) {
                    *s = a + b;
                }
            }
            nodes[index].sum = sum;
            node_weights[index] = weight;
        }
        Ok(Self {
            points,
            nodes,
            weights,
            node_weights,
        })
    }
}

/// `row` padded with zeros to `D` features.
#[inline(always)]
fn padded<const D: usize>(row: &[f64]) -> [f64; D] {
    // Unpadded widths copy a fixed length (a variable one is a `memcpy`
    // call per row and per query: +10 % on a million 2-D points).
    if let Ok(fixed) = <[f64; D]>::try_from(row) {
        return fixed;
    }
    let mut fixed = [0.0; D];
    fixed[..row.len()].copy_from_slice(row);
    fixed
}

/// Orders `rows` into the tree order and returns the nodes.
fn layout<const D: usize, R: TreeRow<D>>(rows: &mut [R]) -> Result<Vec<Node<D>>> {
    let mut memo = HashMap::new();
    let node_count = subtree_size(rows.len(), &mut memo);
    let mut nodes = vec_with_capacity(node_count, "X")?;
    nodes.resize(node_count, Node::default());
    if !rows.is_empty() {
        let (lo, hi) = bounds(rows);
        build(rows, 0, &mut nodes, &memo, lo, hi);
    }
    Ok(nodes)
}

fn bounds<const D: usize, R: TreeRow<D>>(rows: &[R]) -> ([f64; D], [f64; D]) {
    let mut lo = [f64::INFINITY; D];
    let mut hi = [f64::NEG_INFINITY; D];
    for row in rows {
        let row = row.at();
        for j in 0..D {
            lo[j] = lo[j].min(row[j]);
            hi[j] = hi[j].max(row[j]);
        }
    }
    (lo, hi)
}

/// Builds the subtree of `rows` (which start at `start` in tree order) into
/// `nodes` (preorder). `lo`/`hi` bound the rows (used only to pick the split).
fn build<const D: usize, R: TreeRow<D>>(
    rows: &mut [R],
    start: usize,
    nodes: &mut [Node<D>],
    memo: &HashMap<usize, usize>,
    lo: [f64; D],
    hi: [f64; D],
) {
    let n = rows.len();
    if n <= LEAF {
        let (lo, hi) = bounds(rows);
        let mut sum = [0.0; D];
        for row in rows.iter() {
            let row = row.at();
            for j in 0..D {
                sum[j] += row[j];
            }
        }
        nodes[0] = Node {
            lo,
            hi,
            sum,
            count: n as u32,
            start: start as u32,
            right: 0,
        };
        return;
    }
    let split = (0..D)
        .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])).then(b.cmp(&a)))
        .unwrap_or(0);
    let mid = n / 2;
    rows.select_nth_unstable_by(mid, |a, b| a.at()[split].total_cmp(&b.at()[split]));
    let pivot = rows[mid].at()[split];
    let left_size = if mid <= LEAF { 1 } else { memo[&mid] };
    let (head, rest) = nodes.split_at_mut(1);
    let (left_nodes, right_nodes) = rest.split_at_mut(left_size);
    let (left_rows, right_rows) = rows.split_at_mut(mid);
    let (mut left_hi, mut right_lo) = (hi, lo);
    left_hi[split] = pivot;
    right_lo[split] = pivot;
    if n > PARALLEL_BUILD {
        join(
            || build(left_rows, start, left_nodes, memo, lo, left_hi),
            || build(right_rows, start + mid, right_nodes, memo, right_lo, hi),
        );
    } else {
        build(left_rows, start, left_nodes, memo, lo, left_hi);
        build(right_rows, start + mid, right_nodes, memo, right_lo, hi);
    }
    let (l, r) = (&left_nodes[0], &right_nodes[0]);
    let mut node = Node {
        count: n as u32,
        start: start as u32,
        right: 1 + left_size as u32,
        ..Node::default()
    };
    for j in 0..D {
        node.lo[j] = l.lo[j].min(r.lo[j]);
        node.hi[j] = l.hi[j].max(r.hi[j]);
        node.sum[j] = l.sum[j] + r.sum[j];
    }
    head[0] = node;
}

/// The smallest and largest squared distance from `q` to any point of the box,
/// computed as the per-point distance is (`fl(p - q)` squared, summed in
/// feature order from 0), so that the bounds hold for the rounded values too.
#[inline(always)]
fn box_distances<const D: usize>(q: &[f64; D], lo: &[f64; D], hi: &[f64; D]) -> (f64, f64) {
    let mut near = 0.0;
    let mut far = 0.0;
    for j in 0..D {
        let a = lo[j] - q[j];
        let b = hi[j] - q[j];
        let (a2, b2) = (a * a, b * b);
        // q below the box: the nearest coordinate is lo; above: hi; inside: 0.
        near += if a > 0.0 {
            a2
        } else if b < 0.0 {
            b2
        } else {
            0.0
        };
        far += a2.max(b2);
    }
    (near, far)
}

/// What a traversal hands back: a node taken whole, or the points of an opened leaf.
enum Reached<'a, const D: usize> {
    Whole(&'a Node<D>),
    Leaf(&'a [[f64; D]]),
}

/// What a traversal does with a node, given its box distances.
enum Visit {
    Skip,
    /// Every point of the node qualifies: use the node's aggregates.
    Whole,
    /// Look inside (children, or the points of a leaf).
    Open,
}

#[inline(always)]
fn squared_distance_fixed<const D: usize>(p: &[f64; D], q: &[f64; D]) -> f64 {
    let mut d2 = 0.0;
    for j in 0..D {
        d2 += (p[j] - q[j]) * (p[j] - q[j]);
    }
    d2
}

impl<const D: usize> SumTree<D> {
    /// Depth-first, left before right, over the nodes `decide` does not skip,
    /// handing nodes taken whole and the points of opened leaves to `reach`.
    #[inline(always)]
    fn walk(
        &self,
        q: &[f64; D],
        decide: impl Fn(f64, f64) -> Visit,
        mut reach: impl FnMut(Reached<'_, D>),
    ) {
        if self.nodes.is_empty() {
            return;
        }
        // Depth is at most log2(u32::MAX / LEAF) + 1 < 32; each pop pushes at most two.
        let mut stack = [0u32; 64];
        let mut top = 1;
        while top > 0 {
            top -= 1;
            let index = stack[top] as usize;
            let node = &self.nodes[index];
            let (near, far) = box_distances(q, &node.lo, &node.hi);
            match decide(near, far) {
                Visit::Skip => {}
                Visit::Whole => reach(Reached::Whole(node)),
                Visit::Open if node.right == 0 => {
                    let start = node.start as usize;
                    reach(Reached::Leaf(
                        &self.points[start..start + node.count as usize],
                    ));
                }
                Visit::Open => {
                    stack[top] = (index + node.right as usize) as u32;
                    stack[top + 1] = (index + 1) as u32;
                    top += 2;
                }
            }
        }
    }

    /// How many points lie within `radius2` (squared) of `q`.
    fn count_within(&self, q: &[f64; D], radius2: f64) -> usize {
        let mut count = 0;
        self.walk(
            q,
            |near, far| inside_outside(near, far, radius2),
            |reached| match reached {
                Reached::Whole(node) => count += node.count as usize,
                Reached::Leaf(points) => {
                    count += points
                        .iter()
                        .filter(|p| squared_distance_fixed(p, q) <= radius2)
                        .count()
                }
            },
        );
        count
    }

    /// The exact `k`-th smallest squared distance from `q` to the points
    /// (`1 <= k <= n`), found by bisecting on the radius with node counts and
    /// selecting among the few points of the last shell. `hint` (a previous
    /// answer, or 0) only speeds up the search.
    fn kth_fixed(&self, q: &[f64; D], k: usize, hint: f64) -> f64 {
        let n = self.points.len();
        let k = k.clamp(1, n.max(1));
        // Invariant: count(lo) < k <= count(hi), with lo < 0 meaning "below every distance".
        let (mut lo, mut count_lo) = (-1.0, 0);
        let root = &self.nodes[0];
        let (mut hi, mut count_hi) = (box_distances(q, &root.lo, &root.hi).1, n);
        if hint > 0.0 && hint < hi {
            let c = self.count_within(q, hint);
            if c >= k {
                (hi, count_hi) = (hint, c);
            } else {
                (lo, count_lo) = (hint, c);
            }
        }
        const SHELL: usize = 48;
        for _ in 0..64 {
            if count_hi - count_lo <= SHELL {
                break;
            }
            let mid = if lo < 0.0 {
                hi * 0.25
            } else {
                lo + (hi - lo) * 0.5
            };
            if !(mid > lo.max(0.0) && mid < hi) {
                break; // no representable radius left between the bounds
            }
            let c = self.count_within(q, mid);
            if c >= k {
                (hi, count_hi) = (mid, c);
            } else {
                (lo, count_lo) = (mid, c);
            }
        }
        let mut shell = Vec::with_capacity(count_hi - count_lo);
        self.walk(
            q,
            |near, far| {
                if near > hi || far <= lo {
                    Visit::Skip
                } else {
                    Visit::Open
                }
            },
            |reached| {
                if let Reached::Leaf(points) = reached {
                    for p in points {
                        let d2 = squared_distance_fixed(p, q);
                        if d2 > lo && d2 <= hi {
                            shell.push(d2);
                        }
                    }
                }
            },
        );
        let rank = k - count_lo - 1;
        let (_, kth, _) = shell.select_nth_unstable_by(rank, f64::total_cmp);
        *kth
    }
}

#[inline(always)]
fn inside_outside(near: f64, far: f64, radius2: f64) -> Visit {
    if near > radius2 {
        Visit::Skip
    } else if far <= radius2 {
        Visit::Whole
    } else {
        Visit::Open
    }
}

impl<const D: usize> BallSum for SumTree<D> {
    // The hot loop of every fit, written out rather than through `walk`: with the
    // accumulators captured by closures the compiler keeps them in memory (+30%
    // instructions on W1).
    fn ball_sum(&self, query: &[f64], radius2: f64, sum: &mut [f64]) -> usize {
        let q = padded(query);
        let mut total = [0.0; D];
        let mut count = 0usize;
        // Depth is at most log2(u32::MAX / LEAF) + 1 < 32; each pop pushes at most two.
        let mut stack = [0u32; 64];
        let mut top = 0;
        if !self.nodes.is_empty() {
            stack[0] = 0;
            top = 1;
        }
        while top > 0 {
            top -= 1;
            let index = stack[top] as usize;
            let node = &self.nodes[index];
            let (near, far) = box_distances(&q, &node.lo, &node.hi);
            if near > radius2 {
                continue;
            }
            if far <= radius2 {
                count += node.count as usize;
                for (t, s) in total.iter_mut().zip(&node.sum) {
                    *t += s;
                }
                continue;
            }
            if node.right == 0 {
                let start = node.start as usize;
                for p in &self.points[start..start + node.count as usize] {
                    if squared_distance_fixed(p, &q) <= radius2 {
                        count += 1;
                        for j in 0..D {
                            total[j] += p[j];
                        }
                    }
                }
                continue;
            }
            // Left child first: push right, then left.
            stack[top] = (index + node.right as usize) as u32;
            stack[top + 1] = (index + 1) as u32;
            top += 2;
        }
        for (s, t) in sum.iter_mut().zip(&total) {
            *s += t;
        }
        count
    }
}

impl<const D: usize> SumTree<D> {
    /// `Σ wᵢ K(dᵢ²) pᵢ` into `sum` and `Σ wᵢ K(dᵢ²)` returned, over the points
    /// within `radius2` of `q`, in tree order; with `whole_nodes` (a kernel
    /// that is 1 everywhere in reach) a node wholly inside adds its sums.
    #[inline(always)]
    fn pull(
        &self,
        q: &[f64; D],
        radius2: f64,
        sum: &mut [f64],
        whole_nodes: bool,
        kernel: impl Fn(f64) -> f64,
    ) -> f64 {
        let weighted = !self.weights.is_empty();
        let mut total = [0.0; D];
        let mut weight = 0.0;
        let mut stack = [0u32; 64];
        let mut top = usize::from(!self.nodes.is_empty());
        while top > 0 {
            top -= 1;
            let index = stack[top] as usize;
            let node = &self.nodes[index];
            let (near, far) = box_distances(q, &node.lo, &node.hi);
            if near > radius2 {
                continue;
            }
            if whole_nodes && far <= radius2 {
                weight += if weighted {
                    self.node_weights[index]
                } else {
                    node.count as f64
                };
                for (t, s) in total.iter_mut().zip(&node.sum) {
                    *t += s;
                }
                continue;
            }
            if node.right == 0 {
                let start = node.start as usize;
                let end = start + node.count as usize;
                for (t, p) in self.points[start..end].iter().enumerate() {
                    let d2 = squared_distance_fixed(p, q);
                    if d2 <= radius2 {
                        let w = if weighted {
                            self.weights[start + t]
                        } else {
                            1.0
                        };
                        let pull = w * kernel(d2);
                        weight += pull;
                        for j in 0..D {
                            total[j] += pull * p[j];
                        }
                    }
                }
                continue;
            }
            stack[top] = (index + node.right as usize) as u32;
            stack[top + 1] = (index + 1) as u32;
            top += 2;
        }
        for (s, t) in sum.iter_mut().zip(&total) {
            *s += t;
        }
        weight
    }
}

impl<const D: usize> WeightedSum for SumTree<D> {
    fn weighted_sum(&self, query: &[f64], radius2: f64, profile: Profile, sum: &mut [f64]) -> f64 {
        let q = padded(query);
        match profile {
            Profile::Flat => self.pull(&q, radius2, sum, true, |_| 1.0),
            Profile::Gaussian { .. } | Profile::Epanechnikov { .. } => {
                self.pull(&q, radius2, sum, false, |d2| profile.at(d2))
            }
        }
    }
}

impl<const D: usize> KthDistance for SumTree<D> {
    fn kth_squared_distance(&self, query: &[f64], k: usize, hint: f64) -> f64 {
        self.kth_fixed(&padded(query), k, hint)
    }
}
