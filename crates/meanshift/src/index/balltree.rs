//! A ball tree for the climbs in many dimensions: nodes keep a centre and a
//! radius, so that a query skips the nodes that lie wholly outside its ball,
//! takes in without distances the nodes wholly inside, and computes exact
//! distances only in the leaves its sphere crosses.
//!
//! Above [`super::dimension::MAX_TREE_DIM`] features a KD-tree's boxes prune
//! little (a box is bounded in a few of its features); clustered data (blobs,
//! embeddings) still lie in balls far apart, which is what this tree bounds.
//! Its answers are the scan's bits: the same test on every point it does not
//! prune (`Σ (p - q)²` in feature order, no fused multiply-add, compared with
//! `<=`), pruning only where a proven error bound leaves no doubt. The
//! coordinates of the points found are summed along the tree (see
//! [`BallTree::gather`]), a fixed function of the set of points, so equal
//! neighbour sets give equal bits (as scikit-learn's sums do) and a node wholly inside adds its
//! precomputed sum. The tree keeps its own row-major copy in tree order, so
//! that a leaf's points are read contiguously (summing them in the input's
//! order read rows scattered over all of memory: three quarters of the time
//! on 20,000 × 64 blobs).

use super::distances::{Kernel, Lanes, LANES};
use super::queries::{BallSum, KthDistance};
use crate::alloc::vec_with_capacity;
use crate::error::Result;
use rayon::prelude::*;
use std::cell::RefCell;

/// The most points in a leaf: eight blocks of [`LANES`] (four: W4, W6 and W7
/// took 15-30 % longer, a query testing more node centres than it saved
/// points).
const LEAF: usize = 8 * LANES;
const _: () = assert!(LEAF <= 64, "a leaf's marks are one word");

/// A node holds the points `start..end` of the tree order. `start` is a
/// multiple of [`LANES`], so a node's points are whole blocks (the last node
/// of the tree order excepted, whose last block is padded with NaN).
#[derive(Debug, Clone, Copy)]
struct Node {
    start: u32,
    end: u32,
    /// How far after this node its second child is (the first is the next
    /// node); 0 for a leaf.
    right: u32,
    /// No point of the node is farther from its centre (to rounding, see
    /// [`Bounds`]).
    radius: f64,
}

/// How far a node's points can be from a query, with the rounding of every
/// computed distance accounted for.
///
/// A squared distance summed in floating point from `d` nonnegative terms
/// `fl(fl(p - q)²)` has a relative error of at most `(d + 2)u` (u = 2⁻⁵³),
/// whatever the order of the sum; `slack` is `2(d + 16)u` and every bound below
/// widens by twice that, which also covers the few roundings of the bounds'
/// own arithmetic. Values below `tiny` (underflow) are not trusted.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    slack: f64,
    tiny: f64,
}

impl Bounds {
    fn new(dim: usize) -> Self {
        Self {
            slack: (dim as f64 + 16.0) * f64::EPSILON,
            tiny: dim as f64 * f64::MIN_POSITIVE,
        }
    }

    /// Whether every point within `radius` (computed) of the centre at computed
    /// distance `centre` from the query has a computed squared distance above
    /// `radius2`: none of them is in the ball.
    #[inline]
    fn outside(self, centre: f64, radius: f64, radius2: f64) -> bool {
        let s = 2.0 * self.slack;
        let lower = centre * (1.0 - s) - radius * (1.0 + s);
        centre.is_finite()
            && radius.is_finite()
            && lower > 0.0
            && lower * lower * (1.0 - s) > radius2 + self.tiny
    }

    /// Whether every such point has a computed squared distance at most
    /// `radius2`: all of them are in the ball.
    #[inline]
    fn inside(self, centre: f64, radius: f64, radius2: f64) -> bool {
        let s = 2.0 * self.slack;
        let upper = (centre + radius) * (1.0 + s);
        upper.is_finite() && upper * upper * (1.0 + s) + self.tiny < radius2
    }
}

/// The exact squared distance: `Σ (p - q)²` in feature order.
fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |acc, (x, y)| acc + (x - y) * (x - y))
}

pub(crate) struct BallTree {
    dim: usize,
    /// Point `t` of the tree order is row `order[t]` of `points`.
    order: Vec<u32>,
    /// The tree order transposed in blocks of [`LANES`] (see [`super::distances`]).
    blocks: Vec<Lanes>,
    /// The tree order, row-major: the rows that are summed.
    rows: Vec<f64>,
    /// Depth first, each node before its children.
    nodes: Vec<Node>,
    /// Row-major, a centre per node.
    centres: Vec<f64>,
    /// Row-major, per node the sum of its points as [`BallTree::gather`] adds them.
    sums: Vec<f64>,
    /// The most nodes on a path from the root to a leaf.
    depth: usize,
    bounds: Bounds,
    kernel: Kernel,
}

thread_local! {
    /// A query's partial sums, one per level of the tree (see [`BallTree::gather`]).
    static LEVELS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

impl BallTree {
    /// Builds the tree over `points` (row-major, `dim` features each). The
    /// layout depends only on the points.
    pub fn new(points: &[f64], dim: usize) -> Result<Self> {
        let n = points.len().checked_div(dim).unwrap_or(0);
        let mut order = vec_with_capacity(n, "X")?;
        order.extend(0..n as u32);
        let mut tree = Self {
            dim,
            order,
            blocks: Vec::new(),
            rows: Vec::new(),
            nodes: Vec::new(),
            centres: Vec::new(),
            sums: Vec::new(),
            depth: 0,
            bounds: Bounds::new(dim),
            kernel: Kernel::detect(),
        };
        if n > 0 {
            let subtree = build(points, dim, &mut tree.order, 0, 0);
            (tree.nodes, tree.centres) = (subtree.nodes, subtree.centres);
        }
        let mut blocks = vec_with_capacity(n.div_ceil(LANES) * dim, "X")?;
        blocks.resize(n.div_ceil(LANES) * dim, [f64::NAN; LANES]);
        for (t, &row) in tree.order.iter().enumerate() {
            let row = &points[row as usize * dim..(row as usize + 1) * dim];
            for (j, v) in row.iter().enumerate() {
                blocks[(t / LANES) * dim + j][t % LANES] = *v;
            }
        }
        let mut rows = vec_with_capacity(n * dim, "X")?;
        for &row in &tree.order {
            rows.extend_from_slice(&points[row as usize * dim..(row as usize + 1) * dim]);
        }
        tree.blocks = blocks;
        tree.rows = rows;
        tree.sums = vec_with_capacity(tree.nodes.len() * dim, "X")?;
        tree.sums.resize(tree.nodes.len() * dim, 0.0);
        tree.depth = tree.node_sums(0);
        Ok(tree)
    }

    /// Fills the sums of node `id` and its subtree, returning the subtree's
    /// depth (nodes on its longest path).
    fn node_sums(&mut self, id: usize) -> usize {
        let dim = self.dim;
        let node = self.nodes[id];
        let (start, end) = (node.start as usize, node.end as usize);
        if node.right == 0 {
            let sum = &mut self.sums[id * dim..(id + 1) * dim];
            for row in self.rows[start * dim..end * dim].chunks_exact(dim) {
                sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
            }
            return 1;
        }
        let right = id + node.right as usize;
        let depth = self.node_sums(id + 1).max(self.node_sums(right));
        for j in 0..dim {
            self.sums[id * dim + j] = self.sums[(id + 1) * dim + j] + self.sums[right * dim + j];
        }
        1 + depth
    }

    /// The count of the points of node `id` within `radius2` of `query`
    /// (exactly the scan's test), their coordinates' sum in `out` (untouched
    /// when there are none). `levels` holds a sum per level below this node.
    ///
    /// The sum of a set of points is defined by the tree: in a leaf, its
    /// points in tree order added to 0; in a node, the sum of the left child's
    /// part plus the right child's (one of them alone when the other part is
    /// empty). A node wholly inside the ball therefore contributes its
    /// precomputed sum, which is what the recursion would give, and equal sets
    /// give equal bits whichever nodes the bounds settled.
    fn gather(
        &self,
        id: usize,
        query: &[f64],
        radius2: f64,
        out: &mut [f64],
        levels: &mut [f64],
    ) -> usize {
        let dim = self.dim;
        let node = self.nodes[id];
        let centre = self
            .kernel
            .bound_distance(query, &self.centres[id * dim..(id + 1) * dim]);
        if self.bounds.outside(centre, node.radius, radius2) {
            return 0;
        }
        let (start, end) = (node.start as usize, node.end as usize);
        if self.bounds.inside(centre, node.radius, radius2) {
            out.copy_from_slice(&self.sums[id * dim..(id + 1) * dim]);
            return end - start;
        }
        if node.right == 0 {
            return self.leaf_sum(id, query, radius2, out);
        }
        let (right, deeper) = levels.split_at_mut(dim);
        let left_count = self.gather(id + 1, query, radius2, out, deeper);
        right.fill(0.0);
        let right_count = self.gather(id + node.right as usize, query, radius2, right, deeper);
        match (left_count, right_count) {
            (_, 0) => {}
            (0, _) => out.copy_from_slice(right),
            _ => out.iter_mut().zip(right.iter()).for_each(|(o, r)| *o += r),
        }
        left_count + right_count
    }

    /// Leaf `id`'s part: its points (`start..end` of the tree order) within
    /// `radius2` of `query` (exact distances), added in tree order to `out`
    /// (zeros on entry); how many. When all of them are, the leaf's
    /// precomputed sum is that same chain of additions, and its rows are not
    /// read (on clustered data in many features most leaves a query opens lie
    /// wholly in its ball, without the bounds being able to tell).
    fn leaf_sum(&self, id: usize, query: &[f64], radius2: f64, out: &mut [f64]) -> usize {
        let dim = self.dim;
        let node = self.nodes[id];
        let (start, end) = (node.start as usize, node.end as usize);
        let mut distances = [0.0; LEAF];
        let first = start / LANES;
        let n_blocks = (end - start).div_ceil(LANES);
        let distances = &mut distances[..n_blocks * LANES];
        self.kernel.squared_distances(
            &self.blocks[first * dim..(first + n_blocks) * dim],
            query,
            distances,
        );
        // LEAF <= 64 points: one word of marks.
        let mut marks = 0u64;
        for (k, d2) in distances[..end - start].iter().enumerate() {
            marks |= u64::from(*d2 <= radius2) << k;
        }
        let count = marks.count_ones() as usize;
        if count == end - start {
            out.copy_from_slice(&self.sums[id * dim..(id + 1) * dim]);
        } else if count > 0 {
            self.kernel
                .sum_marked(&mut [marks], &self.rows[start * dim..end * dim], out);
        }
        count
    }
}

/// A subtree: its nodes depth first (each `right` relative, so that
/// subtrees concatenate as they are) and their centres, row-major.
struct Subtree {
    nodes: Vec<Node>,
    centres: Vec<f64>,
}

/// Subtrees of more points than this are built in parallel, and their
/// node's passes over the points too.
const PARALLEL_BUILD: usize = 2048;
/// Rows per part of a node's centre when its sum is parallel.
const BUILD_CHUNK: usize = 1024;

/// Builds the subtree of the rows `order` of `points` (row-major, `dim`
/// features each), the points `start..start + order.len()` of the tree
/// order, reordering `order` into the tree order. A node splits the points'
/// projections on the line from its farthest point `a` to the point `b`
/// farthest from `a` where they best fall into two groups, on a whole block
/// (see [`two_means_split`]). Each node's arithmetic is sequential and the
/// two halves are independent, so the tree does not depend on the threads
/// that build it.
fn build(points: &[f64], dim: usize, order: &mut [u32], start: usize, level: usize) -> Subtree {
    let row = |r: u32| &points[r as usize * dim..(r as usize + 1) * dim];
    let n = order.len();
    let parallel = n > PARALLEL_BUILD;
    // The centre: sums of fixed chunks of rows, added in chunk order (the
    // same bits on any number of threads).
    let chunk_sum = |rows: &[u32]| {
        let mut sum = vec![0.0; dim];
        for &r in rows {
            for (c, v) in sum.iter_mut().zip(row(r)) {
                *c += v;
            }
        }
        sum
    };
    let mut centre = if parallel {
        let parts: Vec<Vec<f64>> = order.par_chunks(BUILD_CHUNK).map(chunk_sum).collect();
        let mut parts = parts.into_iter();
        let mut centre = parts.next().unwrap_or_else(|| vec![0.0; dim]);
        for part in parts {
            centre.iter_mut().zip(&part).for_each(|(c, p)| *c += p);
        }
        centre
    } else {
        chunk_sum(order)
    };
    centre.iter_mut().for_each(|c| *c /= n as f64);
    // The point farthest from `from` and its distance (the first of equals).
    let farthest = |from: &[f64]| -> (f64, u32) {
        let distance = |(t, &r): (usize, &u32)| (squared_distance(row(r), from), t);
        let farther = |a: (f64, usize), b: (f64, usize)| if b.0 > a.0 { b } else { a };
        let (d, t) = if parallel {
            order
                .par_iter()
                .enumerate()
                .map(distance)
                .reduce_with(|a, b| {
                    if a.1 < b.1 {
                        farther(a, b)
                    } else {
                        farther(b, a)
                    }
                })
                .unwrap_or((0.0, 0))
        } else {
            order
                .iter()
                .enumerate()
                .map(distance)
                .fold((-1.0, 0), farther)
        };
        (d, order[t])
    };
    let (radius2, a) = farthest(&centre);
    let radius = radius2.sqrt();
    let mut node = Node {
        start: start as u32,
        end: (start + n) as u32,
        right: 0,
        radius,
    };
    if n <= LEAF {
        return Subtree {
            nodes: vec![node],
            centres: centre,
        };
    }
    let a = row(a);
    let b = row(farthest(a).1);
    let direction: Vec<f64> = b.iter().zip(a).map(|(b, a)| b - a).collect();
    let project = |&r: &u32| {
        let projection = row(r)
            .iter()
            .zip(a)
            .zip(&direction)
            .fold(0.0, |acc, ((p, a), d)| acc + (p - a) * d);
        (projection, r)
    };
    let mut projections: Vec<(f64, u32)> = if parallel {
        order.par_iter().map(project).collect()
    } else {
        order.iter().map(project).collect()
    };
    let left = if level < FREE_SPLIT_LEVELS {
        two_means_split(&projections)
    } else {
        (n / 2).next_multiple_of(LANES)
    };
    // Unique keys (the row breaks ties): the same halves whatever the order.
    projections.select_nth_unstable_by(left, |x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    for (o, &(_, r)) in order.iter_mut().zip(&projections) {
        *o = r;
    }
    drop(projections);
    let (left_rows, right_rows) = order.split_at_mut(left);
    let mut first = move || build(points, dim, left_rows, start, level + 1);
    let mut second = move || build(points, dim, right_rows, start + left, level + 1);
    let (first, second) = if n > PARALLEL_BUILD {
        rayon::join(first, second)
    } else {
        (first(), second())
    };
    node.right = 1 + first.nodes.len() as u32;
    let mut nodes = Vec::with_capacity(1 + first.nodes.len() + second.nodes.len());
    nodes.push(node);
    nodes.extend(first.nodes);
    nodes.extend(second.nodes);
    centre.extend(first.centres);
    centre.extend(second.centres);
    Subtree {
        nodes,
        centres: centre,
    }
}

/// A split leaves at least this part of a node's points on either side: a
/// cluster can be split off a big node, while the tree's depth stays bounded
/// (a quarter made more mixed nodes and slower queries on W7; no bound, 27
/// levels built one after another).
const SMALLEST_PART: usize = 16;

/// Levels of the tree split by [`two_means_split`]; deeper ones at the
/// median, so that no data (points at powers of two, say) makes the tree
/// deeper than this plus `log2(n)`.
const FREE_SPLIT_LEVELS: usize = 32;

/// Where to split the points' `projections` (more than [`LEAF`] of them):
/// how many go left, a multiple of [`LANES`] with at least a
/// [`SMALLEST_PART`] of the points on either side. The threshold is that of
/// two means along the line (Lloyd's iterations from the overall mean: the
/// midpoint of the two sides' means, until it settles), so that clusters
/// lying along the line fall on either side, whatever their sizes, and
/// spread-out points are cut near the middle. A node cut through a cluster
/// is a mix of far-apart points whose ball reaches every query near any of
/// them: on 20 blobs in 384 features, median splits had a query open 61
/// leaves for its 16 leaves' worth of neighbours.
fn two_means_split(projections: &[(f64, u32)]) -> usize {
    let n = projections.len();
    let least = (n / SMALLEST_PART).next_multiple_of(LANES).max(LANES);
    let mut threshold = projections.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mut below = 0;
    for _ in 0..TWO_MEANS_ROUNDS {
        let (mut low, mut high) = ((0.0, 0usize), (0.0, 0usize));
        for &(p, _) in projections {
            let side = if p < threshold { &mut low } else { &mut high };
            side.0 += p;
            side.1 += 1;
        }
        below = low.1;
        if low.1 == 0 || high.1 == 0 {
            break;
        }
        let next = 0.5 * (low.0 / low.1 as f64 + high.0 / high.1 as f64);
        if next == threshold || !next.is_finite() {
            break;
        }
        threshold = next;
    }
    // The nearest whole block, neither side too small.
    let at = (below + LANES / 2) / LANES * LANES;
    at.clamp(least, (n - least) / LANES * LANES).max(LANES)
}

/// Lloyd's iterations of [`two_means_split`] at most.
const TWO_MEANS_ROUNDS: usize = 8;

impl KthDistance for BallTree {
    /// Every distance (the k-th smallest does not depend on their order).
    fn kth_squared_distance(&self, query: &[f64], k: usize, _hint: f64) -> f64 {
        let n = self.order.len();
        let mut distances = vec![0.0; n.div_ceil(LANES) * LANES];
        self.kernel
            .squared_distances(&self.blocks, query, &mut distances);
        distances.truncate(n);
        let k = k.clamp(1, n.max(1));
        let (_, kth, _) = distances.select_nth_unstable_by(k - 1, f64::total_cmp);
        *kth
    }
}

impl BallSum for BallTree {
    fn ball_sum(&self, query: &[f64], radius2: f64, sum: &mut [f64]) -> usize {
        if self.nodes.is_empty() {
            return 0;
        }
        LEVELS.with_borrow_mut(|levels| {
            levels.resize(self.depth * self.dim, 0.0);
            self.gather(0, query, radius2, sum, levels)
        })
    }
}
