//! Exact neighbour queries: `for_neighbors` (KD-tree up to MAX_TREE_DIM and >= 64 points,
//! the scan otherwise) and `KdTree::<K>` directly, against a straightforward scan.

use super::squared_distance;
use crate::index::dimension::MAX_TREE_DIM;
use crate::index::for_neighbors;
use crate::index::kdtree::KdTree;
use crate::index::queries::{KthDistance, Neighbors};
use crate::index::scan::Scan;
use crate::index::sumtree::SumTree;
use crate::rng::RandomState;

/// Integer grid data in [-span, span]^dim: `n_unique` random rows, then the rest copies of
/// earlier rows (exact duplicates), so ties and on-radius points are common and every
/// squared distance is an exactly representable integer.
fn grid_points(
    rng: &mut RandomState,
    n: usize,
    dim: usize,
    span: i64,
    n_unique: usize,
) -> Vec<f64> {
    let mut points = Vec::with_capacity(n * dim);
    for i in 0..n {
        if i < n_unique.max(1) {
            for _ in 0..dim {
                points.push((rng.interval((2 * span) as u64) as i64 - span) as f64);
            }
        } else {
            let src = rng.interval((i - 1) as u64) as usize;
            let row: Vec<f64> = points[src * dim..(src + 1) * dim].to_vec();
            points.extend(row);
        }
    }
    points
}

/// Continuous data (53-bit doubles) in [-4, 4)^dim with some duplicated rows.
fn float_points(rng: &mut RandomState, n: usize, dim: usize) -> Vec<f64> {
    let mut points = Vec::with_capacity(n * dim);
    for i in 0..n {
        if i > 0 && i % 5 == 0 {
            let src = rng.interval((i - 1) as u64) as usize;
            let row: Vec<f64> = points[src * dim..(src + 1) * dim].to_vec();
            points.extend(row);
        } else {
            for _ in 0..dim {
                points.push(rng.uniform(-4.0, 4.0));
            }
        }
    }
    points
}

/// Queries: some data rows, some grid points, some half-integer points, one far away.
fn grid_queries(rng: &mut RandomState, points: &[f64], dim: usize, span: i64) -> Vec<Vec<f64>> {
    let n = points.len() / dim;
    let mut queries = Vec::new();
    for _ in 0..12 {
        let r = rng.interval((n - 1) as u64) as usize;
        queries.push(points[r * dim..(r + 1) * dim].to_vec());
    }
    for _ in 0..8 {
        queries.push(
            (0..dim)
                .map(|_| (rng.interval((2 * span) as u64) as i64 - span) as f64)
                .collect(),
        );
    }
    for _ in 0..8 {
        queries.push(
            (0..dim)
                .map(|_| (rng.interval((2 * span) as u64) as i64 - span) as f64 + 0.5)
                .collect(),
        );
    }
    queries.push(vec![0.0; dim]);
    queries.push(vec![100.0; dim]);
    queries
}

fn brute_within(points: &[f64], dim: usize, q: &[f64], r2: f64) -> Vec<usize> {
    points
        .chunks_exact(dim)
        .enumerate()
        .filter(|(_, p)| squared_distance(p, q) <= r2)
        .map(|(i, _)| i)
        .collect()
}

fn brute_sorted_distances(points: &[f64], dim: usize, q: &[f64]) -> Vec<f64> {
    let mut d: Vec<f64> = points
        .chunks_exact(dim)
        .map(|p| squared_distance(p, q))
        .collect();
    d.sort_by(f64::total_cmp);
    d
}

fn brute_nearest(points: &[f64], dim: usize, q: &[f64]) -> (usize, f64) {
    let mut best = (usize::MAX, f64::INFINITY);
    for (i, p) in points.chunks_exact(dim).enumerate() {
        let d = squared_distance(p, q);
        if d < best.1 {
            best = (i, d);
        }
    }
    best
}

fn within(index: &dyn Neighbors, q: &[f64], r2: f64) -> Vec<usize> {
    let mut found = Vec::new();
    index.for_each_within(q, r2, &mut |i| found.push(i));
    found
}

/// Checks one index against brute force on `queries` and `radii2` (plus each query's
/// exact distance to a few data points, which puts those points on the boundary).
fn check_index(
    label: &str,
    index: &dyn Neighbors,
    points: &[f64],
    dim: usize,
    queries: &[Vec<f64>],
    radii2: &[f64],
) {
    let n = points.len() / dim;
    let mut boundary_hits = 0usize;
    for (qi, q) in queries.iter().enumerate() {
        let mut radii: Vec<f64> = radii2.to_vec();
        for j in [0, n / 3, n / 2, n - 1] {
            radii.push(squared_distance(&points[j * dim..(j + 1) * dim], q));
        }
        for &r2 in &radii {
            let first = within(index, q, r2);
            let mut got = first.clone();
            got.sort_unstable();
            let expected = brute_within(points, dim, q, r2);
            assert_eq!(
                got,
                expected,
                "{label}: for_each_within query #{qi} {q:?} r2 {r2}: got {} points, expected {}",
                got.len(),
                expected.len()
            );
            // The visit order depends only on the index and the query.
            assert_eq!(
                within(index, q, r2),
                first,
                "{label}: visit order not reproducible"
            );
            boundary_hits += expected
                .iter()
                .filter(|&&i| squared_distance(&points[i * dim..(i + 1) * dim], q) == r2)
                .count();
        }

        let sorted = brute_sorted_distances(points, dim, q);
        let mut ks = vec![1, 2, 3, n / 4, n / 3, n / 2, n - 1, n];
        ks.retain(|&k| k >= 1 && k <= n);
        for k in ks {
            let got = index.kth_squared_distance(q, k, 0.0);
            let expected = sorted[k - 1];
            assert_eq!(
                got.to_bits(),
                expected.to_bits(),
                "{label}: kth_squared_distance query #{qi} {q:?} k {k} (n {n}): got {got}, expected {expected}"
            );
        }

        let (gi, gd) = index.nearest(q);
        let (ei, ed) = brute_nearest(points, dim, q);
        let ties = points
            .chunks_exact(dim)
            .filter(|p| squared_distance(p, q) == ed)
            .count();
        assert_eq!(
            (gi, gd.to_bits()),
            (ei, ed.to_bits()),
            "{label}: nearest query #{qi} {q:?}: got ({gi}, {gd}), expected ({ei}, {ed}) among {ties} tied points"
        );
    }
    assert!(
        boundary_hits > 0,
        "{label}: the test never put a point exactly on the radius"
    );
}

const SMALL: usize = 40;
const LARGE: usize = 500;

#[test]
fn for_neighbors_matches_brute_force_grid_data_all_dims() {
    let mut tie_queries = 0usize;
    // 24 and 40 features: the scan's partial distances are checked more than once.
    for dim in (1..=MAX_TREE_DIM + 1).chain([24, 40]) {
        for &n in &[SMALL, LARGE] {
            let mut rng = RandomState::new((dim * 1000 + n) as u32);
            let span = if dim <= 2 { 3 } else { 2 };
            let points = grid_points(&mut rng, n, dim, span, n * 3 / 5);
            let queries = grid_queries(&mut rng, &points, dim, span);
            for q in &queries {
                let (_, d) = brute_nearest(&points, dim, q);
                if points
                    .chunks_exact(dim)
                    .filter(|p| squared_distance(p, q) == d)
                    .count()
                    > 1
                {
                    tie_queries += 1;
                }
            }
            let d = dim as f64;
            let radii2 = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, d, 2.0 * d, 0.25 * d, 1e9];
            let index = for_neighbors(&points, dim).unwrap();
            check_index(
                &format!("for_neighbors dim {dim} n {n} (grid)"),
                index.as_ref(),
                &points,
                dim,
                &queries,
                &radii2,
            );
        }
    }
    assert!(
        tie_queries > 50,
        "too few nearest-neighbour ties were exercised: {tie_queries}"
    );
}

#[test]
fn for_neighbors_matches_brute_force_float_data_all_dims() {
    // 24 and 40 features: the scan's partial distances are checked more than once.
    for dim in (1..=MAX_TREE_DIM + 1).chain([24, 40]) {
        for &n in &[SMALL, LARGE] {
            let mut rng = RandomState::new((dim * 7919 + n) as u32);
            let points = float_points(&mut rng, n, dim);
            let mut queries: Vec<Vec<f64>> = Vec::new();
            for _ in 0..10 {
                let r = rng.interval((n - 1) as u64) as usize;
                queries.push(points[r * dim..(r + 1) * dim].to_vec());
            }
            for _ in 0..10 {
                queries.push((0..dim).map(|_| rng.uniform(-5.0, 5.0)).collect());
            }
            let d = dim as f64;
            let radii2 = [0.0, 0.5, 2.0, d, 4.0 * d, 16.0 * d];
            let index = for_neighbors(&points, dim).unwrap();
            check_index(
                &format!("for_neighbors dim {dim} n {n} (float)"),
                index.as_ref(),
                &points,
                dim,
                &queries,
                &radii2,
            );
        }
    }
}

#[test]
fn nearest_prefers_lowest_index_on_constructed_ties() {
    // Points symmetric around the query: every query has several exactly equidistant
    // points, with the lowest-index one placed last in space order.
    for dim in [1usize, 2, 3, 5, 16, 17] {
        for &copies in &[1usize, 20] {
            let mut points = Vec::new();
            // Filler far from the origin so the tree is built for `copies = 20`.
            for c in 0..copies {
                for sign in [1.0, -1.0] {
                    for axis in 0..dim {
                        let mut row = vec![0.0; dim];
                        row[axis] = sign * (3.0 + c as f64);
                        points.extend(row);
                    }
                }
            }
            // Then, at higher indices, pairs of points at distance 1 from the origin.
            let first_tied = points.len() / dim;
            for axis in (0..dim).rev() {
                for sign in [-1.0, 1.0] {
                    let mut row = vec![0.0; dim];
                    row[axis] = sign;
                    points.extend(row);
                }
            }
            let n = points.len() / dim;
            let index = for_neighbors(&points, dim).unwrap();
            let (i, d) = index.nearest(&vec![0.0; dim]);
            assert_eq!((i, d), (first_tied, 1.0), "dim {dim} n {n}: origin query");
            // A query on a duplicated point: the first copy wins.
            let dup_row = points[first_tied * dim..(first_tied + 1) * dim].to_vec();
            let mut with_dups = points.clone();
            for _ in 0..40 {
                with_dups.extend_from_slice(&dup_row);
            }
            let index = for_neighbors(&with_dups, dim).unwrap();
            assert_eq!(
                index.nearest(&dup_row),
                (first_tied, 0.0),
                "dim {dim}: duplicate query"
            );
            // The later copies are all found within radius 0.
            assert_eq!(
                within(index.as_ref(), &dup_row, 0.0).len(),
                41,
                "dim {dim}: duplicates within 0"
            );
        }
    }
}

fn check_kd_vs_brute<const K: usize>(seed: u32) {
    for &n in &[1usize, 7, 33, 64, 300] {
        let mut rng = RandomState::new(seed + n as u32);
        let points = grid_points(&mut rng, n, K, 2, (n * 2 / 3).max(1));
        let kd = KdTree::<K>::new(&points).unwrap();
        let brute = Scan::new(&points, K).unwrap();
        let mut queries = vec![vec![0.0; K], vec![0.5; K], vec![-7.0; K]];
        for _ in 0..15 {
            let r = rng.interval((n - 1) as u64) as usize;
            let mut q = points[r * K..(r + 1) * K].to_vec();
            if rng.interval(1) == 1 {
                q[0] += 1.0;
            }
            queries.push(q);
        }
        for q in &queries {
            for r2 in [0.0, 1.0, 2.0, 3.0, K as f64, 4.0 * K as f64, 1e9] {
                let mut a = within(&kd, q, r2);
                let mut b = within(&brute, q, r2);
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "KdTree::<{K}> n {n} query {q:?} r2 {r2}");
                assert_eq!(b, brute_within(&points, K, q, r2));
            }
            for k in [1, 2, n / 2, n] {
                if k == 0 {
                    continue;
                }
                let a = kd.kth_squared_distance(q, k, 0.0);
                let b = brute.kth_squared_distance(q, k, 0.0);
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "KdTree::<{K}> n {n} k {k} query {q:?}: {a} vs {b}"
                );
                assert_eq!(
                    b,
                    brute_sorted_distances(&points, K, q)[k.min(n) - 1],
                    "k beyond n clamps to n"
                );
            }
            let a = kd.nearest(q);
            let b = brute.nearest(q);
            assert_eq!(a, b, "KdTree::<{K}> n {n} nearest {q:?}");
            assert_eq!(b, brute_nearest(&points, K, q));
        }
    }
}

#[test]
fn kd_tree_direct_vs_scan() {
    check_kd_vs_brute::<1>(11);
    check_kd_vs_brute::<2>(22);
    check_kd_vs_brute::<3>(33);
    check_kd_vs_brute::<7>(77);
    check_kd_vs_brute::<16>(1616);
}

#[test]
fn kth_and_within_with_massive_duplicates() {
    // Far more identical points than a KD-tree bucket holds.
    for dim in [1usize, 2, 4] {
        let mut points = Vec::new();
        for i in 0..600 {
            let v = (i % 3) as f64;
            points.extend(std::iter::repeat_n(v, dim));
        }
        let index = for_neighbors(&points, dim).unwrap();
        let q = vec![1.0; dim];
        assert_eq!(within(index.as_ref(), &q, 0.0).len(), 200);
        assert_eq!(within(index.as_ref(), &q, dim as f64).len(), 600);
        assert_eq!(index.kth_squared_distance(&q, 200, 0.0), 0.0);
        assert_eq!(index.kth_squared_distance(&q, 201, 0.0), dim as f64);
        assert_eq!(index.kth_squared_distance(&q, 600, 0.0), dim as f64);
        assert_eq!(index.nearest(&q), (1, 0.0));
        let q = vec![0.4; dim];
        assert_eq!(index.nearest(&q), (0, squared_distance(&points[..dim], &q)));
        assert_eq!(index.nearest(&q), brute_nearest(&points, dim, &q));
    }
}

/// Regression: when squared distances overflow to +inf and the radius is +inf too
/// (bandwidth above ~1.34e154), kiddo 5.3.3 prunes subtrees whose plane distance is +inf
/// (`rd < max_dist()`), so such data and queries must be scanned to stay exact.
#[test]
fn infinite_radius_with_overflowing_distances() {
    let mut points: Vec<f64> = (0..99).map(f64::from).collect();
    points.push(1e200);
    let query = [1e198];
    let brute = brute_within(&points, 1, &query, f64::INFINITY);
    assert_eq!(brute.len(), 100);
    let mut got = within(
        for_neighbors(&points, 1).unwrap().as_ref(),
        &query,
        f64::INFINITY,
    );
    got.sort_unstable();
    assert_eq!(got, brute, "KD-tree found {} of 100 points", got.len());

    // Seen through a climb with bandwidth 1e160 (radius2 overflows to +inf).
    let r2 = 1e160 * 1e160;
    let tree = crate::index::CountStep::new(Box::new(SumTree::<1>::new(&points, 1).unwrap()), r2);
    let scan = crate::index::CountStep::new(Box::new(Scan::new(&points, 1).unwrap()), r2);
    let tree = crate::climb::climb(&[0.0], &tree, 1e160, 300);
    let scan = crate::climb::climb(&[0.0], &scan, 1e160, 300);
    assert_eq!(tree, scan);
}
