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
}

/// Which points are near: the merge of modes and the labels.
pub(crate) trait Neighbors: KthDistance {
    /// Calls `visit(i)` for every point `i` with `‖p_i - query‖² <= radius2`,
    /// in an order that depends only on the indexed points and the query.
    fn for_each_within(&self, query: &[f64], radius2: f64, visit: &mut dyn FnMut(usize));

    /// The nearest point: `(index, squared distance)`, the lowest index on ties.
    fn nearest(&self, query: &[f64]) -> (usize, f64);
}

/// The weighted, kernel-shaped sum of a climb step: per point, its sample
/// weight times the kernel at its distance.
pub(crate) trait WeightedSum: Sync + Send {
    /// Adds `Σ wᵢ K(dᵢ²) pᵢ` to `sum` (`dim` zeros on entry) over the points
    /// with `dᵢ² = Σ (p - q)² <= radius2`, and returns `Σ wᵢ K(dᵢ²)`.
    fn weighted_sum(
        &self,
        query: &[f64],
        radius2: f64,
        profile: crate::kernel::Profile,
        sum: &mut [f64],
    ) -> f64;
}

/// A climb's query: the points within reach of a position, each pulling with
/// its weight times the kernel (the flat kernel without weights: a count).
pub(crate) trait Step: Sync {
    /// Adds `Σ wᵢ K(dᵢ) xᵢ` to `sum` (`dim` zeros on entry) and returns
    /// `Σ wᵢ K(dᵢ)`; 0 when nothing pulls (the climb ends, with no neighbours).
    fn step(&self, position: &[f64], sum: &mut [f64]) -> f64;
}
