//! The hill-climbing query (`SumTree::ball_sum`, `BallTree::ball_sum`) against an exact scan: the same
//! neighbour count always (boundary included), the same sums exactly on integer data
//! (where any summation order is exact) and to rounding on continuous data.

use super::squared_distance;
use crate::index::balltree::BallTree;
use crate::index::queries::{BallSum, KthDistance};
use crate::index::scan::Scan;
use crate::index::sum_tree;
use crate::index::sumtree::SumTree;
use crate::rng::RandomState;
use crate::threads::with_threads;

/// Integer coordinates in [-span, span] with every third row a duplicate: squared
/// distances are exact integers, so points land exactly on integer radii.
fn grid(rng: &mut RandomState, n: usize, dim: usize, span: u64) -> Vec<f64> {
    let mut points: Vec<f64> = Vec::with_capacity(n * dim);
    for i in 0..n {
        if i % 3 == 2 {
            let src = rng.interval((i - 1) as u64) as usize;
            let row = points[src * dim..(src + 1) * dim].to_vec();
            points.extend(row);
        } else {
            points.extend((0..dim).map(|_| rng.interval(2 * span) as f64 - span as f64));
        }
    }
    points
}

fn query_both(
    tree: &dyn BallSum,
    scan: &Scan,
    q: &[f64],
    r2: f64,
) -> ((usize, Vec<f64>), (usize, Vec<f64>)) {
    let mut a = vec![0.0; q.len()];
    let mut b = vec![0.0; q.len()];
    let ca = tree.ball_sum(q, r2, &mut a);
    let cb = scan.ball_sum(q, r2, &mut b);
    ((ca, a), (cb, b))
}

#[test]
fn integer_data_counts_and_sums_are_exact_in_every_dimension() {
    let mut rng = RandomState::new(17);
    for dim in 1..=17 {
        for n in [1, 5, 16, 17, 100, 2000] {
            let points = grid(&mut rng, n, dim, 6);
            let tree = sum_tree(&points, dim).unwrap();
            let balls = BallTree::new(&points, dim).unwrap();
            let scan = Scan::new(&points, dim).unwrap();
            let mut on_boundary = 0;
            for t in 0..40 {
                let r = rng.interval((n - 1) as u64) as usize;
                let mut q = points[r * dim..(r + 1) * dim].to_vec();
                if t % 2 == 1 {
                    q.iter_mut()
                        .for_each(|v| *v += rng.interval(4) as f64 - 2.0);
                }
                // Half the radii pass exactly through a data point.
                let other = rng.interval((n - 1) as u64) as usize;
                let r2 = if t % 4 < 2 {
                    squared_distance(&points[other * dim..(other + 1) * dim], &q)
                } else {
                    rng.interval(10 * dim as u64) as f64
                };
                let (got, want) = query_both(tree.as_ref(), &scan, &q, r2);
                assert_eq!(got, want, "dim {dim} n {n} q {q:?} r2 {r2}");
                let (got, want) = query_both(&balls, &scan, &q, r2);
                assert_eq!(got, want, "ball tree: dim {dim} n {n} q {q:?} r2 {r2}");
                // Count how often the radius passes exactly through a point.
                on_boundary += points
                    .chunks_exact(dim)
                    .filter(|p| squared_distance(p, &q) == r2)
                    .count();
            }
            if n >= 100 {
                assert!(
                    on_boundary > 0,
                    "dim {dim} n {n}: no point on a radius, the boundary went untested"
                );
            }
        }
    }
}

#[test]
fn continuous_data_counts_exact_and_sums_to_rounding() {
    let mut rng = RandomState::new(5);
    for dim in [1, 2, 3, 8, 16] {
        let n = 5000;
        let points: Vec<f64> = (0..n * dim).map(|_| rng.normal(0.0, 1.0)).collect();
        let tree = sum_tree(&points, dim).unwrap();
        let scan = Scan::new(&points, dim).unwrap();
        for _ in 0..50 {
            let q: Vec<f64> = (0..dim).map(|_| rng.normal(0.0, 1.0)).collect();
            let r2 = rng.uniform(0.0, 2.0 * dim as f64);
            let ((ca, a), (cb, b)) = query_both(tree.as_ref(), &scan, &q, r2);
            assert_eq!(ca, cb, "dim {dim}");
            for (x, y) in a.iter().zip(&b) {
                assert!((x - y).abs() <= 1e-12 * cb as f64, "dim {dim}: {x} vs {y}");
            }
        }
    }
}

/// The ball tree where it is used: many features, clustered data, radii on
/// either side of the clusters' size, queries at data points, between
/// clusters and far away, and radii passing exactly through a point.
#[test]
fn ball_tree_counts_exact_and_sums_to_rounding_on_blobs() {
    use crate::blobs::{make_blobs, BlobsOptions, Centers};
    let mut rng = RandomState::new(29);
    for (dim, n) in [(17, 3000), (64, 2000), (200, 500)] {
        let points = make_blobs(&BlobsOptions {
            n_samples: n,
            n_features: dim,
            centers: Centers::Count(5),
            random_state: 4,
            ..Default::default()
        })
        .unwrap()
        .x;
        let tree = BallTree::new(&points, dim).unwrap();
        let scan = Scan::new(&points, dim).unwrap();
        let size = (dim as f64).sqrt();
        for t in 0..60 {
            let r = rng.interval((n - 1) as u64) as usize;
            let mut q = points[r * dim..(r + 1) * dim].to_vec();
            match t % 3 {
                0 => {}
                1 => q.iter_mut().for_each(|v| *v += rng.normal(0.0, 3.0)),
                _ => q.iter_mut().for_each(|v| *v *= 3.0),
            }
            let r2 = if t % 4 == 0 {
                let other = rng.interval((n - 1) as u64) as usize;
                squared_distance(&points[other * dim..(other + 1) * dim], &q)
            } else {
                (size * rng.uniform(0.2, 3.0)).powi(2)
            };
            let ((ca, a), (cb, b)) = query_both(&tree, &scan, &q, r2);
            assert_eq!(ca, cb, "dim {dim} t {t}");
            for (x, y) in a.iter().zip(&b) {
                assert!(
                    (x - y).abs() <= 1e-12 * (cb as f64) * 30.0,
                    "dim {dim}: {x} vs {y}"
                );
            }
            let want = scan.kth_squared_distance(&q, 1 + t, 0.0);
            assert_eq!(
                tree.kth_squared_distance(&q, 1 + t, 0.0).to_bits(),
                want.to_bits()
            );
        }
        // A ball holding everything, one holding nothing.
        for (q, r2) in [(vec![0.0; dim], 1e12), (vec![1e6; dim], 1.0)] {
            let (got, want) = query_both(&tree, &scan, &q, r2);
            assert_eq!(got.0, want.0);
        }
    }
}

#[test]
fn whole_tree_and_empty_results() {
    let mut rng = RandomState::new(9);
    let points = grid(&mut rng, 1000, 2, 50);
    let tree = SumTree::<2>::new(&points, 2).unwrap();
    let scan = Scan::new(&points, 2).unwrap();
    // A ball holding everything, one holding nothing, and an infinite one.
    for (q, r2) in [
        ([0.0, 0.0], 1e9),
        ([1e6, 1e6], 1.0),
        ([3.0, -2.0], f64::INFINITY),
    ] {
        let (got, want) = query_both(&tree, &scan, &q, r2);
        assert_eq!(got, want);
    }
    let (got, _) = query_both(&tree, &scan, &[0.0, 0.0], 1e9);
    assert_eq!(got.0, 1000);
}

#[test]
fn the_tree_layout_does_not_depend_on_threads() {
    let mut rng = RandomState::new(3);
    let points: Vec<f64> = (0..200_000 * 2).map(|_| rng.normal(0.0, 1.0)).collect();
    let one = with_threads(1, || SumTree::<2>::new(&points, 2).unwrap()).unwrap();
    let two = with_threads(2, || SumTree::<2>::new(&points, 2).unwrap()).unwrap();
    for _ in 0..20 {
        let q = [rng.normal(0.0, 1.0), rng.normal(0.0, 1.0)];
        let mut a = [0.0; 2];
        let mut b = [0.0; 2];
        assert_eq!(one.ball_sum(&q, 0.5, &mut a), two.ball_sum(&q, 0.5, &mut b));
        assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
    }
}

#[test]
fn the_ball_tree_does_not_depend_on_threads() {
    // Above `PARALLEL_BUILD` points the halves and a big node's passes are
    // built in parallel: the sums (a function of the tree's layout) must
    // keep their bits on any number of threads. Blobs, and a grid with
    // repeated rows (equal projections).
    use crate::blobs::{make_blobs, BlobsOptions, Centers};
    let mut rng = RandomState::new(31);
    let blobs = make_blobs(&BlobsOptions {
        n_samples: 9000,
        n_features: 24,
        centers: Centers::Count(7),
        random_state: 8,
        ..Default::default()
    })
    .unwrap()
    .x;
    let repeated = grid(&mut rng, 6000, 20, 2);
    for (points, dim) in [(blobs, 24), (repeated, 20)] {
        let trees: Vec<BallTree> = [1, 2, 3]
            .iter()
            .map(|&threads| with_threads(threads, || BallTree::new(&points, dim).unwrap()).unwrap())
            .collect();
        let n = points.len() / dim;
        for t in 0..40 {
            let r = rng.interval((n - 1) as u64) as usize;
            let q = &points[r * dim..(r + 1) * dim];
            let r2 = (dim as f64) * rng.uniform(0.5, 4.0);
            let sums: Vec<(usize, Vec<u64>)> = trees
                .iter()
                .map(|tree| {
                    let mut sum = vec![0.0; dim];
                    let count = tree.ball_sum(q, r2, &mut sum);
                    (count, sum.iter().map(|v| v.to_bits()).collect())
                })
                .collect();
            assert!(sums.windows(2).all(|w| w[0] == w[1]), "{dim}-D query {t}");
        }
    }
}

#[test]
fn kth_squared_distance_matches_selection_for_every_k_and_hint() {
    let mut rng = RandomState::new(23);
    for dim in [1, 2, 3, 5, 16] {
        for (n, integer) in [(40, true), (700, true), (700, false), (3000, false)] {
            let points: Vec<f64> = if integer {
                grid(&mut rng, n, dim, 4)
            } else {
                (0..n * dim).map(|_| rng.normal(0.0, 1.0)).collect()
            };
            let tree = sum_tree(&points, dim).unwrap();
            let scan = Scan::new(&points, dim).unwrap();
            for t in 0..25 {
                let r = rng.interval((n - 1) as u64) as usize;
                let q = points[r * dim..(r + 1) * dim].to_vec();
                let k = match t {
                    0 => 1,
                    1 => n,
                    _ => 1 + rng.interval((n - 1) as u64) as usize,
                };
                let want = scan.kth_squared_distance(&q, k, 0.0);
                for hint in [0.0, want, want * 0.5, want * 3.0 + 1.0] {
                    let got = tree.kth_squared_distance(&q, k, hint);
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "dim {dim} n {n} k {k} hint {hint}"
                    );
                }
            }
        }
    }
}
