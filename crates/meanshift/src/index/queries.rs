//! What the algorithm asks of a set of points: one trait per kind of
//! structure, each answering exactly (the same points, boundary included, as
//! scikit-learn's test `Σ (p - q)² <= r²` in feature order).

/// The exact `k`-th smallest squared distance from a query to the points.
pub(crate) trait KthDistance: Sync + Send {
    /// `1 <= k <= n` (clamped); a point equal to the query counts, at 0.
    /// `hint`, a nearby query's answer or 0, may only make it faster.
    fn kth_squared_distance(&self, query: &[f64], k: usize, hint: f64) -> f64;
}

/// Count and coordinate sum of the points within a ball: a climb's step.
pub(crate) trait BallSum: KthDistance {
    /// Adds to `sum` the coordinates of every point `p` with `Σ (p - q)² <= radius2`
    /// and returns how many there are. `sum` must hold `dim` zeros on entry.
    fn ball_sum(&self, query: &[f64], radius2: f64, sum: &mut [f64]) -> usize;

    /// A key under which positions whose queries read the same part of the
    /// structure sort next to each other, so that queries made in that order
    /// find their data in the cache. Only the speed depends on it.
    fn locality(&self, _query: &[f64]) -> u64 {
        0
    }
}

/// Which points are near: the merge of modes and the labels.
pub(crate) trait Neighbors: KthDistance {
    /// Calls `visit(i)` for every point `i` with `‖p_i - query‖² <= radius2`,
    /// in an order that depends only on the indexed points and the query.
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize));

    /// The nearest point: `(index, squared distance)`, the lowest index on ties.
    fn nearest(&self, query: &[f64]) -> (usize, f64);
}
