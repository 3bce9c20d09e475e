//! Small fits run on the calling thread, one thread, no pool (issue 15): they must
//! give the bits of the same fit on a pool of several threads, for every kind of
//! seeds, weights, kernel and any number of features. Small 2-D fits on several
//! threads climb in parts, one on each: the bits of the fit on one thread.

mod common;

use common::same_bits;
use meanshift::{
    fit, fit_terms, make_blobs, with_threads, BlobsOptions, Centers, Kernel, Matrix,
    MeanShiftOptions, RandomState, CALLING_THREAD_TERMS,
};

/// Blobs of `n` points in `dim` features, with duplicates and rounded values
/// (ties and equal positions), from `seed`.
fn data(n: usize, dim: usize, seed: u32) -> Vec<f64> {
    let mut x = make_blobs(&BlobsOptions {
        n_samples: n,
        n_features: dim,
        centers: Centers::Count(1 + seed as usize % 4),
        cluster_std: vec![0.3 + f64::from(seed % 5) * 0.2],
        random_state: seed,
        ..Default::default()
    })
    .unwrap()
    .x;
    if seed % 3 == 0 {
        x.iter_mut().for_each(|v| *v = (*v * 4.0).round() / 4.0);
    }
    if n > 4 {
        let (head, tail) = x.split_at_mut(dim * (n / 2));
        tail[..dim].copy_from_slice(&head[..dim]);
    }
    x
}

/// The seeds and weights every test here fits with: every point, bin seeds,
/// `seeds` given (points far from them orphans), and every point weighted by
/// `weights` with `kernel`.
fn kinds<'a>(
    seeds: Matrix<'a>,
    weights: &'a [f64],
    kernel: Kernel,
) -> [(&'static str, MeanShiftOptions<'a>); 4] {
    [
        ("every point", MeanShiftOptions::default()),
        (
            "bin seeds",
            MeanShiftOptions {
                bin_seeding: true,
                ..Default::default()
            },
        ),
        (
            "given seeds",
            MeanShiftOptions {
                seeds: Some(seeds),
                cluster_all: false,
                ..Default::default()
            },
        ),
        (
            "every point, weighted, a kernel",
            MeanShiftOptions {
                sample_weight: Some(weights),
                kernel,
                ..Default::default()
            },
        ),
    ]
}

#[test]
fn small_fits_on_the_calling_thread_equal_the_pooled_fits() {
    let mut rng = RandomState::new(15);
    for case in 0..240u32 {
        let dim = 1 + case as usize % 8;
        let n = 3 + rng.interval(150) as usize;
        assert!(fit_terms(n, dim, None) <= CALLING_THREAD_TERMS);
        let x = data(n, dim, case);
        let x = Matrix::from_f64("X", &x, n, dim).unwrap();
        let given: Vec<f64> = (0..7 * dim).map(|_| rng.uniform(-8.0, 8.0)).collect();
        let seeds = Matrix::from_f64("seeds", &given, 7, dim).unwrap();
        let bandwidth = 0.4 + rng.random_sample() * 2.0;
        let weights: Vec<f64> = (0..n).map(|i| f64::from((i % 4) as u32) * 0.5).collect();
        let kernel = [Kernel::Flat, Kernel::Gaussian, Kernel::Epanechnikov][case as usize % 3];
        for (kind, options) in kinds(seeds, &weights, kernel) {
            let options = MeanShiftOptions {
                bandwidth: Some(bandwidth),
                n_jobs: Some(2),
                ..options
            };
            // From this thread, a small fit stays on it; from a worker of a
            // 2-thread pool, its parallel parts spread over the pool.
            let here = fit(&x, &options);
            let pooled = with_threads(2, || fit(&x, &options)).unwrap();
            let what = format!("case {case}: {n} × {dim}, {kind}, bandwidth {bandwidth}");
            match (here, pooled) {
                (Ok(a), Ok(b)) => {
                    assert!(same_bits(&a.cluster_centers, &b.cluster_centers), "{what}");
                    assert_eq!((a.labels, a.n_iter), (b.labels, b.n_iter), "{what}");
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}"),
                (a, b) => panic!("{what}: {a:?} against {b:?}"),
            }
        }
    }
}

#[test]
fn a_small_fit_makes_no_pool_thread_work() {
    // A pool of one made of this thread: the fit's parallel parts ran here.
    let x = data(100, 2, 1);
    let x = Matrix::from_f64("X", &x, 100, 2).unwrap();
    let options = MeanShiftOptions {
        bandwidth: Some(1.0),
        ..Default::default()
    };
    fit(&x, &options).unwrap();
    assert_eq!(rayon::current_thread_index(), Some(0));
    assert_eq!(rayon::current_num_threads(), 1);
}

#[test]
fn small_2d_fits_climbing_in_parts_equal_the_fit_on_one_thread() {
    // Above the parts' 100,000 terms: every point or many given seeds as seeds,
    // weighted or not, on two and three threads (parts of the seeds sorted by y).
    let mut rng = RandomState::new(16);
    for (case, n) in [230usize, 400, 1000].into_iter().enumerate() {
        let x = data(n, 2, 20 + case as u32);
        let x = Matrix::from_f64("X", &x, n, 2).unwrap();
        let given: Vec<f64> = (0..2 * 300).map(|_| rng.uniform(-10.0, 10.0)).collect();
        let seeds = Matrix::from_f64("seeds", &given, 300, 2).unwrap();
        let weights: Vec<f64> = (0..n).map(|i| f64::from((i % 3) as u32)).collect();
        for bandwidth in [0.3, 1.0, 2.5] {
            for (kind, options) in kinds(seeds, &weights, Kernel::Flat) {
                let options = |n_jobs| MeanShiftOptions {
                    bandwidth: Some(bandwidth),
                    n_jobs: Some(n_jobs),
                    ..options
                };
                let one = fit(&x, &options(1)).unwrap();
                for n_jobs in [2, 3] {
                    let parts = fit(&x, &options(n_jobs)).unwrap();
                    let what = format!("{n} points, {kind}, bandwidth {bandwidth}, {n_jobs} jobs");
                    assert!(
                        same_bits(&parts.cluster_centers, &one.cluster_centers),
                        "{what}"
                    );
                    assert_eq!(
                        (parts.labels, parts.n_iter),
                        (one.labels.clone(), one.n_iter),
                        "{what}"
                    );
                }
            }
        }
    }
}
