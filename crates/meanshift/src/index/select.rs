//! Which structure answers which queries: the one place that decides.

use super::bands::BandPlan;
use super::dimension::MAX_TREE_DIM;
use super::kdtree::is_extreme;
use crate::kernel::Kernel;

/// What a structure is built for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Query<'w> {
    /// Every seed's climb: ball sums of radius `bandwidth` from `seeds`
    /// starting points, with `kernel`, the points weighing `weights` (`None`:
    /// all the same).
    Climbs {
        seeds: usize,
        bandwidth: f64,
        kernel: Kernel,
        weights: Option<&'w [f64]>,
    },
    /// The `k`-th neighbour distance of every point (`estimate_bandwidth`).
    KthDistance { k: usize },
    /// Nearest point and points within a radius (merging modes, labels).
    Neighbors,
}

/// The structures of [`crate::index`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Structure {
    /// Horizontal bands with exact sums; the climbs run in lock-step rounds.
    Bands(BandPlan),
    /// A KD-tree whose nodes keep their count, sums and box.
    SumTree,
    /// The same, with sample weights (nodes keep `Σ w` and `Σ w·x`), or
    /// enumerating the points within reach for a kernel other than flat.
    WeightedSumTree,
    /// Every point tested, with sample weights or a kernel other than flat.
    WeightedScan,
    /// A ball tree (centre and radius per node), summing in index order; the
    /// climbs run in lock-step ([`crate::lockstep`]).
    BallTree,
    /// kiddo's KD-tree.
    KdTree,
    /// Every point tested.
    Scan,
}

/// Many seeds (at least one per this many points) make the band index pay for its build.
pub(crate) const POINTS_PER_SEED_FOR_BANDS: usize = 16;
/// Up to this k the KD-tree's k-nearest query; above, bisection on the sum tree's counts.
pub(crate) const SMALL_K: usize = 32;
/// Below this many points a scan beats building a KD-tree.
pub(crate) const MIN_TREE_POINTS: usize = 64;

/// The structure for `query` over `points` (row-major, `dim` features each).
/// Every structure answers exactly, so the choice changes the speed, never a
/// result. The first matching row wins:
///
/// | query | features | seeds, k, data | structure |
/// |---|---|---|---|
/// | climbs, Gaussian or Epanechnikov kernel | 1 to [`MAX_TREE_DIM`] | any | [`Structure::WeightedSumTree`] (the points within reach enumerated: the kernel's value depends on each one's distance) |
/// | climbs, Gaussian or Epanechnikov kernel | more | any | [`Structure::WeightedScan`] |
/// | climbs, flat kernel, varying sample weights | 2 | as for the band index below, with exact sums of `w·x` possible (the weights' and the coordinates' bits together fit 128-bit fixed point) | [`Structure::Bands`] (weighted: exact sums of `w·x` and `w`) |
/// | climbs, flat kernel, varying sample weights | 1 to [`MAX_TREE_DIM`] | otherwise | [`Structure::WeightedSumTree`] (node sums of `w` and `w·x` in floating point) |
/// | climbs, flat kernel, varying sample weights | more | any | [`Structure::WeightedScan`] (exact per-point sums; the ball tree keeps no weights) |
/// | climbs (flat kernel, no or uniform weights from here on) | 2 | a seed per [`POINTS_PER_SEED_FOR_BANDS`] points or more, and a band plan exists | [`Structure::Bands`] |
/// | climbs | 1 to [`MAX_TREE_DIM`] | otherwise: fewer seeds; or no band plan, because exact sums are impossible (a column's nonzero magnitudes span too many binary orders for 128-bit fixed point) or bands cannot be placed exactly (a coordinate or the bandwidth ≥ 1e150, a band height under 2^-30 of the largest coordinate, more than 4n + 16 bands) | [`Structure::SumTree`] |
/// | climbs | more | at least [`MIN_TREE_POINTS`] points, no coordinate ≥ 1e153 | [`Structure::BallTree`] (its answers are the scan's bits) |
/// | climbs | more | otherwise | [`Structure::Scan`] |
/// | k-th distance | 1 to [`MAX_TREE_DIM`] | k > [`SMALL_K`] | [`Structure::SumTree`] (bisection on node counts, each row starting from the previous row's answer) |
/// | k-th distance | 1 to [`MAX_TREE_DIM`] | k ≤ [`SMALL_K`], at least [`MIN_TREE_POINTS`] points, no coordinate ≥ 1e153 | [`Structure::KdTree`] |
/// | k-th distance | any | otherwise (few points, extreme coordinates, more features) | [`Structure::Scan`] |
/// | neighbours | 1 to [`MAX_TREE_DIM`] | at least [`MIN_TREE_POINTS`] points, no coordinate ≥ 1e153 | [`Structure::KdTree`] (which scans a query with a coordinate ≥ 1e153, or an infinite radius: its pruning would miss points where squared distances overflow) |
/// | neighbours | any | otherwise | [`Structure::Scan`] |
pub(crate) fn select(query: Query, points: &[f64], dim: usize) -> Structure {
    let n = points.len().checked_div(dim).unwrap_or(0);
    let tree_dim = (1..=MAX_TREE_DIM).contains(&dim);
    let kd_tree_suits = || tree_dim && n >= MIN_TREE_POINTS && !is_extreme(points);
    match query {
        Query::Climbs {
            kernel: Kernel::Gaussian | Kernel::Epanechnikov,
            ..
        } if tree_dim => Structure::WeightedSumTree,
        Query::Climbs {
            kernel: Kernel::Gaussian | Kernel::Epanechnikov,
            ..
        } => Structure::WeightedScan,
        Query::Climbs {
            seeds,
            bandwidth,
            weights,
            ..
        } => {
            let many_seeds = seeds.saturating_mul(POINTS_PER_SEED_FOR_BANDS) >= n;
            let plan = (dim == 2 && many_seeds)
                .then(|| BandPlan::new(points, bandwidth, weights))
                .flatten();
            match plan {
                Some(plan) => Structure::Bands(plan),
                None if weights.is_some() && tree_dim => Structure::WeightedSumTree,
                None if weights.is_some() => Structure::WeightedScan,
                None if tree_dim => Structure::SumTree,
                None if n >= MIN_TREE_POINTS && !is_extreme(points) => Structure::BallTree,
                None => Structure::Scan,
            }
        }
        Query::KthDistance { k } if k > SMALL_K && tree_dim => Structure::SumTree,
        Query::KthDistance { .. } | Query::Neighbors if kd_tree_suits() => Structure::KdTree,
        Query::KthDistance { .. } | Query::Neighbors => Structure::Scan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` 2-D points on a grid of spacing 1, shifted by `offset`.
    fn grid(n: usize, offset: f64) -> Vec<f64> {
        (0..n)
            .flat_map(|i| [(i % 10) as f64 + offset, (i / 10) as f64 + offset])
            .collect()
    }

    fn climbs(seeds: usize, bandwidth: f64) -> Query<'static> {
        Query::Climbs {
            seeds,
            bandwidth,
            kernel: Kernel::Flat,
            weights: None,
        }
    }

    #[test]
    fn weighted_and_kernel_climbs_choose_their_structures() {
        let points = grid(160, 0.0);
        let whole: Vec<f64> = (0..160).map(|i| (i % 5 + 1) as f64).collect();
        let weighted = |weights: &[f64], dim, points: &[f64]| {
            select(
                Query::Climbs {
                    seeds: 160,
                    bandwidth: 1.0,
                    kernel: Kernel::Flat,
                    weights: Some(weights),
                },
                points,
                dim,
            )
        };
        assert!(is_bands(weighted(&whole, 2, &points)));
        // 1e-10 and 1 + 2^-52 need too many bits next to the coordinates.
        let mut odd = whole.clone();
        odd[0] = 1e-10;
        odd[1] = 1.0 + f64::EPSILON;
        let thirds = grid(160, 1.0 / 3.0);
        assert!(is_bands(weighted(&odd, 2, &points)));
        assert_eq!(weighted(&odd, 2, &thirds), Structure::WeightedSumTree);
        let wide = vec![0.5; 160 * (MAX_TREE_DIM + 1)];
        assert_eq!(
            weighted(&whole, MAX_TREE_DIM + 1, &wide),
            Structure::WeightedScan
        );
        for kernel in [Kernel::Gaussian, Kernel::Epanechnikov] {
            let query = Query::Climbs {
                seeds: 160,
                bandwidth: 1.0,
                kernel,
                weights: None,
            };
            assert_eq!(select(query, &points, 2), Structure::WeightedSumTree);
            assert_eq!(
                select(query, &wide, MAX_TREE_DIM + 1),
                Structure::WeightedScan
            );
        }
    }

    fn is_bands(structure: Structure) -> bool {
        matches!(structure, Structure::Bands(_))
    }

    #[test]
    fn climbs_in_2_d_with_many_seeds_use_the_bands() {
        let points = grid(160, 0.0);
        assert!(is_bands(select(climbs(160, 1.0), &points, 2)));
        // One seed per 16 points is enough.
        assert!(is_bands(select(climbs(10, 1.0), &points, 2)));
    }

    #[test]
    fn climbs_in_2_d_with_few_seeds_use_the_sum_tree() {
        let points = grid(160, 0.0);
        assert_eq!(select(climbs(9, 1.0), &points, 2), Structure::SumTree);
    }

    #[test]
    fn climbs_in_2_d_without_exact_sums_use_the_sum_tree() {
        // 1e-30 next to 1: no 128-bit fixed point holds both.
        let mut points = grid(160, 1.0);
        points[0] = 1e-30;
        assert_eq!(select(climbs(160, 1.0), &points, 2), Structure::SumTree);
    }

    #[test]
    fn climbs_in_2_d_without_exactly_placed_bands_use_the_sum_tree() {
        let points = grid(160, 0.0);
        // Too many bands for the points.
        assert_eq!(select(climbs(160, 1e-3), &points, 2), Structure::SumTree);
        // Bands thinner than the coordinates' rounding.
        let far = grid(160, 1e6);
        assert_eq!(select(climbs(160, 1e-9), &far, 2), Structure::SumTree);
        // Coordinates too large.
        let mut huge = grid(160, 0.0);
        huge[0] = 1e200;
        assert_eq!(select(climbs(160, 1.0), &huge, 2), Structure::SumTree);
    }

    #[test]
    fn climbs_in_other_tree_dimensions_use_the_sum_tree() {
        for dim in (1..=MAX_TREE_DIM).filter(|&d| d != 2) {
            let points = vec![0.5; 100 * dim];
            assert_eq!(select(climbs(100, 1.0), &points, dim), Structure::SumTree);
        }
    }

    #[test]
    fn climbs_in_more_dimensions_use_the_ball_tree() {
        let dim = MAX_TREE_DIM + 1;
        let points = vec![0.5; MIN_TREE_POINTS * dim];
        assert_eq!(select(climbs(1, 1.0), &points, dim), Structure::BallTree);
        assert_eq!(select(climbs(100, 1.0), &points, dim), Structure::BallTree);
    }

    #[test]
    fn climbs_in_more_dimensions_scan_few_points_or_extreme_data() {
        let dim = MAX_TREE_DIM + 1;
        let few = vec![0.5; (MIN_TREE_POINTS - 1) * dim];
        assert_eq!(select(climbs(100, 1.0), &few, dim), Structure::Scan);
        let mut extreme = vec![0.5; 100 * dim];
        extreme[3] = 1e153;
        assert_eq!(select(climbs(100, 1.0), &extreme, dim), Structure::Scan);
    }

    #[test]
    fn large_k_distances_use_the_sum_tree_up_to_16_features_and_scan_above() {
        let points = grid(100, 0.0);
        let large = Query::KthDistance { k: SMALL_K + 1 };
        assert_eq!(select(large, &points, 2), Structure::SumTree);
        // Even with extreme coordinates: the bisection needs no pruning by distance.
        let mut huge = points.clone();
        huge[0] = 1e200;
        assert_eq!(select(large, &huge, 2), Structure::SumTree);
        let dim = MAX_TREE_DIM + 1;
        assert_eq!(select(large, &vec![0.5; 40 * dim], dim), Structure::Scan);
    }

    #[test]
    fn small_k_distances_and_neighbours_use_the_kd_tree() {
        let points = grid(MIN_TREE_POINTS, 0.0);
        for query in [Query::KthDistance { k: SMALL_K }, Query::Neighbors] {
            assert_eq!(select(query, &points, 2), Structure::KdTree);
            let dim = MAX_TREE_DIM;
            assert_eq!(
                select(query, &vec![0.5; MIN_TREE_POINTS * dim], dim),
                Structure::KdTree
            );
        }
    }

    #[test]
    fn small_k_distances_and_neighbours_scan_few_points_extreme_data_or_many_features() {
        for query in [Query::KthDistance { k: 1 }, Query::Neighbors] {
            let few = grid(MIN_TREE_POINTS - 1, 0.0);
            assert_eq!(select(query, &few, 2), Structure::Scan);
            let mut extreme = grid(100, 0.0);
            extreme[7] = -1e153;
            assert_eq!(select(query, &extreme, 2), Structure::Scan);
            let dim = MAX_TREE_DIM + 1;
            assert_eq!(select(query, &vec![0.5; 100 * dim], dim), Structure::Scan);
        }
    }
}
